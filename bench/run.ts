/**
 * `npm run bench`: runs the kernel suites, the end-to-end search bench and
 * the job-queue benches, prints progress lines, and writes
 * docs/BENCHMARKS.md (and --json).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describeMachine, readLoadAverage } from "./machine.js";
import type { SampleSettings } from "./micro-suite.js";
import { BenchUsageError, parseBenchOptions, USAGE, type BenchOptions } from "./options.js";
import { renderMarkdown } from "./report-markdown.js";
import { runCranfieldSuite } from "./cranfield-suite.js";
import type { BenchReport, PeerReport, SuiteFigure } from "./results.js";
import { runCosineSuites } from "./cosine-suite.js";
import { runHashEmbedSuite } from "./hash-embed-suite.js";
import { runHttpLoadSection } from "./http-load.js";
import { runQueueSuites, type QueueSettings } from "./queue-suite.js";
import { runSearchSuites, type SearchSettings } from "./search-suite.js";
import { runSha256Suites } from "./sha256-suite.js";
import { runTokenizerSuite } from "./tokenizer-suite.js";

const FULL_SAMPLES: SampleSettings = { maxTime: 3, minSamples: 10 };
const QUICK_SAMPLES: SampleSettings = { maxTime: 0.25, minSamples: 5 };
const FULL_SEARCH = { warmupQueries: 20, queries: 200, accuracyQueries: 100 };
const QUICK_SEARCH = { warmupQueries: 5, queries: 50, accuracyQueries: 50 };
const FULL_QUEUE: QueueSettings = {
  latencyQueuedJobs: 10_000,
  latency: { warmupClaims: 50, blocks: 10, claimsPerBlock: 100 },
  throughputJobs: 3000,
  throughputRounds: 3,
  concurrency: 4,
  mysqlProcesses: [1, 2, 4, 6, 8],
  sqliteProcesses: [1, 2, 4],
  race: { workers: 6, jobs: 3000 },
};
const QUICK_QUEUE: QueueSettings = {
  ...FULL_QUEUE,
  latency: { warmupClaims: 20, blocks: 4, claimsPerBlock: 50 },
  throughputJobs: 1000,
  throughputRounds: 1,
  race: { workers: 6, jobs: 1000 },
};

function progress(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function runKernelSuites(samples: SampleSettings): Promise<SuiteFigure[]> {
  return [
    ...(await runCosineSuites(samples, progress)),
    ...(await runSha256Suites(samples, progress)),
    await runTokenizerSuite(samples, progress),
    await runHashEmbedSuite(samples, progress),
  ];
}

async function runRelevance(dir: string | null): Promise<Pick<PeerReport, "relevance" | "relevanceSkipped">> {
  if (dir === null) {
    const reason = "no Cranfield collection: pass --cranfield DIR (a folder with cran.all.1400, cran.qry and cranqrel)";
    progress(`cranfield: skipped, ${reason}`);
    return { relevance: [], relevanceSkipped: reason };
  }
  return { relevance: await runCranfieldSuite(dir, progress), relevanceSkipped: null };
}

async function runBench(options: BenchOptions, command: string): Promise<BenchReport> {
  const started = performance.now();
  const machine = describeMachine();
  progress(`wpllmseo bench${options.quick ? " (quick)" : ""}: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);
  const suites = await runKernelSuites(options.quick ? QUICK_SAMPLES : FULL_SAMPLES);
  const searchSettings: SearchSettings = { ...(options.quick ? QUICK_SEARCH : FULL_SEARCH), sizes: options.sizes };
  const search = await runSearchSuites(searchSettings, options.mysqlUrl, progress);
  const relevance = await runRelevance(options.cranfieldDir);
  const queue = await runQueueSuites(options.quick ? QUICK_QUEUE : FULL_QUEUE, options.mysqlUrl, progress);
  return {
    command,
    quick: options.quick,
    machine: { ...machine, loadAverageEnd: readLoadAverage() },
    suites,
    search: search.figures,
    peers: { posts: search.peerPosts, queries: searchSettings.queries, latency: search.peers, ...relevance },
    queue: queue.figures,
    skipped: [...search.skipped, ...queue.skipped],
    totalSeconds: (performance.now() - started) / 1000,
  };
}

function writeOutput(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
  progress(`wrote ${file}`);
}

/** Returns the command line as the user typed it: through npm or straight to node. */
function describeCommand(argv: readonly string[]): string {
  if (process.env["npm_lifecycle_event"] === "bench") {
    return ["npm run bench", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" ");
  }
  return ["node dist/bench/run.js", ...argv].join(" ");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseBenchOptions(argv);
  if (!options) {
    progress(USAGE);
    return;
  }
  const command = describeCommand(argv);
  const report = await runBench(options, command);
  const httpLoadSection = options.httpLoad ? `\n${await runHttpLoadSection(command, progress)}` : "";
  writeOutput(options.outFile, renderMarkdown(report) + httpLoadSection);
  if (options.jsonFile) writeOutput(options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  for (const part of report.skipped) progress(`skipped ${part.part}: ${part.reason}`);
  progress(`done in ${report.totalSeconds.toFixed(0)} s`);
}

main().catch((error: unknown) => {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
