/** Figures of the HTTP load bench and their Markdown section for docs/BENCHMARKS.md. */
import { formatMiB, formatOps } from "./format.js";
import type { HttpLoadSettings } from "./http-load.js";
import type { MachineInfo } from "./results.js";

/** One load at a fixed connection count: medians over rounds, failures summed. */
export interface LoadFigure {
  connections: number;
  rounds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
}

export interface HttpLoadReport {
  machine: MachineInfo;
  settings: HttpLoadSettings;
  buildSeconds: number;
  levels: LoadFigure[];
  soak: LoadFigure & { seconds: number; rssStartMiB: number; rssEndMiB: number };
  drain: LoadFigure & { seconds: number; posts: number; indexedPosts: number; workerStillRunning: boolean };
}

/** Formats autocannon's whole-millisecond latencies as `1,593 ms`. */
function formatLatency(ms: number): string {
  return `${formatOps(ms)} ms`;
}

function row(label: string, figure: LoadFigure): string {
  return `| ${label} | ${formatOps(figure.requestsPerSecond)} | ${formatLatency(figure.p50Ms)} | ${formatLatency(figure.p99Ms)} | ${formatOps(figure.requests)} | ${figure.errors} | ${figure.non2xx} |`;
}

export function renderHttpLoad(report: HttpLoadReport, command: string): string {
  const { machine, settings, soak, drain } = report;
  const baseline = report.levels.find((level) => level.connections === settings.soakConnections);
  const busy = machine.loadAverageStart > machine.cores
    ? " A load average above the core count means that other processes used the cores during the run, so the figures are lower than on an idle machine."
    : "";
  const lines = [
    "## HTTP load: GET /search under autocannon",
    "",
    `Command: \`${command}\`, on ${machine.dateUtc}.`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}, ${machine.platform};` +
      ` load average ${machine.loadAverageStart.toFixed(2)} at start and ${machine.loadAverageEnd.toFixed(2)} at end.${busy}`,
    "",
    `The corpus is the search bench's synthetic ${formatOps(settings.posts)} posts (same vocabulary and seed) in a SQLite file,` +
      ` indexed in ${report.buildSeconds.toFixed(0)} s before the load. \`wpllmseo serve --rate-limit 0 --quiet\` runs as its own` +
      " process with one pool thread per core, and autocannon runs in the bench process on the same 2 cores, so the two" +
      " compete for CPU. Each request is `GET /search?q=...&k=10` with the next of 1,000 generated 2-4 word queries." +
      ` After a 5 s warm-up, each connection count runs ${settings.rounds} round${settings.rounds === 1 ? "" : "s"} of ${settings.roundSeconds} s; the table shows the` +
      " median req/s, p50 and p99 of the rounds and the sum of requests, errors and non-2xx responses.",
    "",
    "| connections | req/s | p50 | p99 | requests | errors | non-2xx |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...report.levels.map((level) => row(String(level.connections), level)),
    row(`${soak.connections}, soak of ${soak.seconds} s`, soak),
    row(`${drain.connections}, while a worker indexes`, drain),
    "",
    `Soak: the server's RSS (/proc VmRSS) was ${formatMiB(soak.rssStartMiB)} at the start and ${formatMiB(soak.rssEndMiB)}` +
      ` at the end of ${soak.seconds} s at ${soak.connections} connections.`,
    "",
    `While a worker drains: ${formatOps(drain.posts)} new posts were enqueued, then \`wpllmseo worker run --until-empty --concurrency 2\`` +
      ` ran against the same database during ${drain.seconds} s of load at ${drain.connections} connections and indexed` +
      ` ${formatOps(drain.indexedPosts)} of them${drain.workerStillRunning ? " (it was still running when the load ended)" : ""}.` +
      ` Search p99 was ${formatLatency(drain.p99Ms)} against ${baseline ? formatLatency(baseline.p99Ms) : "n/a"} without the worker.`,
    "",
  ];
  return lines.join("\n");
}
