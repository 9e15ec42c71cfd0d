/**
 * Renders a BenchReport as docs/BENCHMARKS.md: how to run, the machine, one
 * table per kernel suite, the end-to-end search tables and the job-queue
 * tables.
 */
import { formatMs, formatOps, formatRatio, formatThroughput } from "./format.js";
import { renderQueueSection } from "./report-queue.js";
import type { BenchReport, MachineInfo, SkippedPart, SuiteFigure } from "./results.js";
import { renderPeerSection } from "./report-peers.js";
import { renderSearchSection } from "./report-search.js";

export function renderMarkdown(report: BenchReport): string {
  const sections = [
    renderHeader(report),
    renderMachine(report.machine, report),
    "## Kernels\n\n" +
      "Each table compares implementations of one kernel, measured one after another in the same process. " +
      "*Median* is the median of benchmark.js's per-sample mean times; *ops/s ± %* is benchmark.js's mean rate " +
      "and its relative margin of error at 95% confidence. *Speed-up* is the baseline's median divided by the " +
      "row's median, so 2× means twice as fast as the baseline. Throughput is input bytes per operation divided " +
      "by the median (GB and MB are 10^9 and 10^6 bytes).",
    ...report.suites.map(renderSuite),
    renderSearchSection(report.search, report.skipped),
    renderPeerSection(report.peers, report.search),
    renderQueueSection(report.queue),
  ];
  if (report.skipped.length > 0) sections.push(renderSkipped(report.skipped));
  return `${sections.join("\n\n")}\n`;
}

function renderSkipped(skipped: readonly SkippedPart[]): string {
  return ["## Skipped", "", ...skipped.map((part) => `- ${part.part}: ${part.reason}`)].join("\n");
}

function renderHeader(report: BenchReport): string {
  return [
    "# Benchmarks",
    "",
    "`npm run bench` writes this page: it builds the project, runs the kernel suites with",
    "[benchmark.js](https://benchmarkjs.com/) 2.1.4, then indexes and searches 1,000, 10,000 and 100,000 synthetic",
    "posts on SQLite and on MariaDB/MySQL (1,000 only with `--quick`), compares the engine's top 10 with an",
    "exhaustive search, runs peers side by side (the PHP plugin's approach, Orama, MiniSearch) for latency,",
    "memory and Cranfield relevance, and last measures the job queue: claim latency, no-op job throughput by",
    "worker process count, and a claim race against the PHP plugin's claim. The code is in `bench/`, one file",
    "per suite.",
    "",
    "```sh",
    "npm run bench                          # full run, writes docs/BENCHMARKS.md",
    "npm run bench -- --quick               # fewer samples and queries, for a smoke run",
    "npm run bench -- --json bench.json     # every figure as JSON too",
    "npm run bench -- --mysql mysql://root@127.0.0.1:3306/test --out /tmp/bench.md",
    "npm run bench -- --sizes 1000,10000 --cranfield /data/cranfield",
    "```",
    "",
    "`--mysql` names the server (default `mysql://root@127.0.0.1:3306/test`). The run creates its own",
    "databases `wpllmseo_bench_search_<posts>_<pid>` and `wpllmseo_bench_queue_<pid>` there and drops them at the end. When the server",
    "is unreachable, the MariaDB parts are skipped and listed at the end of this page, and the rest still runs.",
    "",
    `This record: \`${report.command}\`${report.quick ? " (a quick run: fewer samples, wider error margins)" : ""}.`,
  ].join("\n");
}

function renderMachine(machine: MachineInfo, report: BenchReport): string {
  const rows: [string, string][] = [
    ["CPU", machine.cpuModel],
    ["cores", String(machine.cores)],
    ["memory", `${machine.memoryGiB.toFixed(1)} GiB`],
    ["Node.js", machine.node],
    ["OS", machine.platform],
    ["date (UTC)", machine.dateUtc],
    ["load average (1 min), start → end", `${machine.loadAverageStart.toFixed(2)} → ${machine.loadAverageEnd.toFixed(2)}`],
    ["run time", `${report.totalSeconds.toFixed(0)} s`],
  ];
  const table = ["| | |", "|---|---|", ...rows.map(([key, value]) => `| ${key} | ${value} |`)];
  const note = `A load average above the core count (${machine.cores}) means other processes shared the CPU and the figures are inflated.`;
  return ["## Machine", "", ...table, "", note].join("\n");
}

function renderSuite(suite: SuiteFigure): string {
  const baseline = suite.cases.find((figure) => figure.name === suite.baseline);
  const withBytes = suite.cases.some((figure) => figure.bytesPerOp !== undefined);
  const header = ["implementation", "median", "ops/s ± %", `speed-up vs ${suite.baseline}`];
  if (withBytes) header.push("throughput (at median)");
  const lines = [
    `### ${suite.title}`,
    "",
    `One operation: ${suite.operation}.`,
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map((_, index) => (index === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const figure of suite.cases) {
    const ratio = baseline ? baseline.medianMs / figure.medianMs : Number.NaN;
    const cells = [figure.name, formatMs(figure.medianMs), `${formatOps(figure.opsPerSecond)} ± ${figure.rmePercent.toFixed(1)}%`, formatRatio(ratio)];
    if (withBytes) cells.push(figure.bytesPerOp === undefined ? "" : formatThroughput(figure.bytesPerOp / (figure.medianMs / 1000)));
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
