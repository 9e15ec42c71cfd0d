/**
 * HTTP load bench: autocannon loads GET /search of `wpllmseo serve` on the
 * search bench's synthetic corpus of 10,000 posts, at 10, 50 and 200
 * connections. A soak at 50 connections follows, with the server's RSS at
 * start and end. Last, the same load runs while a worker process drains a
 * queue of new posts in the same database.
 *
 * Standalone: `node --expose-gc dist/bench/http-load.js --help`;
 * `npm run bench -- --http-load` adds its section to the report.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";

import autocannon from "autocannon";
import { pino } from "pino";

import { openEngine } from "../src/engine.js";
import { readQueueStatus } from "../src/queue/read-queue-status.js";
import { importPost } from "../src/sources/import-posts.js";
import { openDb } from "../src/store/open-db.js";
import type { SourcePost } from "../src/sources/source-post.js";
import { createSqliteBenchDatabase } from "./bench-databases.js";
import { renderHttpLoad, type HttpLoadReport, type LoadFigure } from "./http-load-report.js";
import { readRssMiB, startServe, startWorker } from "./http-processes.js";
import { describeMachine, readLoadAverage } from "./machine.js";
import { drainQueue } from "./search-bench.js";
import { median } from "./stats.js";
import { generatePosts, generateQueries } from "./synthetic-corpus.js";
import { buildVocabulary, findReadmes } from "./vocabulary.js";

/** The search bench's vocabulary size and corpus seed, so the corpus is the same. */
const VOCABULARY_WORDS = 5000;
const CORPUS_SEED = 1;
const QUERY_SEED = 2;
const DRAIN_SEED = 4;
const QUERY_COUNT = 1000;

export interface HttpLoadSettings {
  posts: number;
  /** Connection counts measured one after the other. */
  connections: number[];
  /** Seconds per round at each connection count. */
  roundSeconds: number;
  /** Rounds per connection count; the report shows their medians. */
  rounds: number;
  soakSeconds: number;
  soakConnections: number;
  /** New posts the worker indexes while the drain load runs. */
  drainPosts: number;
  drainSeconds: number;
}

export const DEFAULT_HTTP_LOAD: HttpLoadSettings = {
  posts: 10_000,
  connections: [10, 50, 200],
  roundSeconds: 10,
  rounds: 3,
  soakSeconds: 300,
  soakConnections: 50,
  drainPosts: 3000,
  drainSeconds: 30,
};

export const HTTP_LOAD_USAGE = `Usage: node --expose-gc dist/bench/http-load.js [options]

Builds a SQLite index of a synthetic corpus, serves it with
\`wpllmseo serve\` (search rate limit off) and loads GET /search with
autocannon from this process.

Options:
  --posts N           posts in the corpus (default ${DEFAULT_HTTP_LOAD.posts})
  --connections LIST  connection counts, comma-separated (default ${DEFAULT_HTTP_LOAD.connections.join(",")})
  --round-seconds S   length of one round in seconds (default ${DEFAULT_HTTP_LOAD.roundSeconds})
  --rounds N          rounds per connection count; medians are reported (default ${DEFAULT_HTTP_LOAD.rounds})
  --soak-seconds S    length of the soak at ${DEFAULT_HTTP_LOAD.soakConnections} connections in seconds (default ${DEFAULT_HTTP_LOAD.soakSeconds})
  --drain-posts N     new posts a worker indexes during the drain load (default ${DEFAULT_HTTP_LOAD.drainPosts})
  --drain-seconds S   length of the load while the worker drains, in seconds (default ${DEFAULT_HTTP_LOAD.drainSeconds})
  --append FILE       append the Markdown section to FILE (such as docs/BENCHMARKS.md)
  --help              print this text`;

function readWhole(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new RangeError(`Invalid --${name} ${JSON.stringify(text)}: use a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** Parses the options; returns null for --help. */
export function parseHttpLoadOptions(argv: readonly string[]): { settings: HttpLoadSettings; appendFile: string | null } | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      posts: { type: "string" },
      connections: { type: "string" },
      "round-seconds": { type: "string" },
      rounds: { type: "string" },
      "soak-seconds": { type: "string" },
      "drain-posts": { type: "string" },
      "drain-seconds": { type: "string" },
      append: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  const connections = values.connections === undefined
    ? DEFAULT_HTTP_LOAD.connections
    : values.connections.split(",").map((part) => readWhole("connections", part.trim(), 0, 1, 10_000));
  const settings: HttpLoadSettings = {
    posts: readWhole("posts", values.posts, DEFAULT_HTTP_LOAD.posts, 10, 1_000_000),
    connections,
    roundSeconds: readWhole("round-seconds", values["round-seconds"], DEFAULT_HTTP_LOAD.roundSeconds, 1, 3600),
    rounds: readWhole("rounds", values.rounds, DEFAULT_HTTP_LOAD.rounds, 1, 100),
    soakSeconds: readWhole("soak-seconds", values["soak-seconds"], DEFAULT_HTTP_LOAD.soakSeconds, 0, 86_400),
    soakConnections: DEFAULT_HTTP_LOAD.soakConnections,
    drainPosts: readWhole("drain-posts", values["drain-posts"], DEFAULT_HTTP_LOAD.drainPosts, 0, 1_000_000),
    drainSeconds: readWhole("drain-seconds", values["drain-seconds"], DEFAULT_HTTP_LOAD.drainSeconds, 1, 86_400),
  };
  return { settings, appendFile: values.append ?? null };
}

interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Loads GET /search for `seconds` with `connections`, cycling through `queries`. */
async function loadSearch(base: string, queries: readonly string[], connections: number, seconds: number): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const query = queries[next++ % queries.length] as string;
          return { ...request, path: `/search?q=${encodeURIComponent(query)}&k=10` };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Sums the failures of rounds and takes the medians of their rates and latencies. */
function summarizeRounds(connections: number, rounds: readonly LoadResult[]): LoadFigure {
  return {
    connections,
    rounds: rounds.length,
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    requests: rounds.reduce((sum, round) => sum + round.requests, 0),
    errors: rounds.reduce((sum, round) => sum + round.errors + round.timeouts, 0),
    non2xx: rounds.reduce((sum, round) => sum + round.non2xx, 0),
  };
}

function loadVocabulary(): string[] {
  const nodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules");
  return buildVocabulary(findReadmes(nodeModules), VOCABULARY_WORDS);
}

/** Imports `posts` and indexes them with the engine's worker in this process. */
async function buildIndex(dbUrl: string, posts: readonly SourcePost[]): Promise<number> {
  const started = performance.now();
  const engine = await openEngine({ dbUrl, prefix: "wp_", log: pino({ level: "silent" }), createSchema: true });
  try {
    for (const post of posts) await importPost(engine.db, post);
    await drainQueue(engine, posts.length);
  } finally {
    await engine.close();
  }
  return (performance.now() - started) / 1000;
}

/** Enqueues `count` new posts without indexing them, for the worker to drain. */
async function enqueueDrainPosts(dbUrl: string, vocabulary: readonly string[], count: number): Promise<void> {
  const engine = await openEngine({ dbUrl, prefix: "wp_", log: pino({ level: "silent" }), threads: 1 });
  try {
    const posts = generatePosts(vocabulary, { posts: count, seed: DRAIN_SEED });
    for (const [index, post] of posts.entries()) {
      await importPost(engine.db, { ...post, source: `bench:drain-${index}`, url: `https://example.com/bench/drain-${index}` });
    }
  } finally {
    await engine.close();
  }
}

/** Counts the jobs still queued, after the worker has stopped and released its running jobs. */
async function countQueuedJobs(dbUrl: string): Promise<number> {
  const db = await openDb(dbUrl, { mustExist: true });
  try {
    return (await readQueueStatus(db)).counts.queued;
  } finally {
    await db.close();
  }
}

export async function runHttpLoad(settings: HttpLoadSettings, progress: (line: string) => void): Promise<HttpLoadReport> {
  const machine = describeMachine();
  const vocabulary = loadVocabulary();
  const queries = generateQueries(vocabulary, QUERY_COUNT, QUERY_SEED);
  const database = await createSqliteBenchDatabase();
  try {
    const buildSeconds = await buildIndex(database.url, generatePosts(vocabulary, { posts: settings.posts, seed: CORPUS_SEED }));
    progress(`http-load: indexed ${settings.posts} posts in ${buildSeconds.toFixed(1)} s`);
    const serve = await startServe(database.url);
    try {
      await loadSearch(serve.base, queries, 10, 5);
      const levels: LoadFigure[] = [];
      for (const connections of settings.connections) {
        const rounds: LoadResult[] = [];
        for (let round = 0; round < settings.rounds; round++) rounds.push(await loadSearch(serve.base, queries, connections, settings.roundSeconds));
        const figure = summarizeRounds(connections, rounds);
        levels.push(figure);
        progress(`http-load: ${connections} connections: ${figure.requestsPerSecond.toFixed(0)} req/s, p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms, ${figure.errors} errors, ${figure.non2xx} non-2xx`);
      }

      const rssStartMiB = readRssMiB(serve.child.pid);
      const soakResult = await loadSearch(serve.base, queries, settings.soakConnections, settings.soakSeconds);
      const rssEndMiB = readRssMiB(serve.child.pid);
      const soak = { ...summarizeRounds(settings.soakConnections, [soakResult]), seconds: settings.soakSeconds, rssStartMiB, rssEndMiB };
      progress(`http-load: soak ${settings.soakSeconds} s: ${soak.requestsPerSecond.toFixed(0)} req/s, p99 ${soak.p99Ms} ms, RSS ${rssStartMiB.toFixed(0)} -> ${rssEndMiB.toFixed(0)} MiB`);

      await enqueueDrainPosts(database.url, vocabulary, settings.drainPosts);
      const worker = startWorker(database.url);
      const drainResult = await loadSearch(serve.base, queries, settings.soakConnections, settings.drainSeconds);
      const workerStillRunning = worker.child.exitCode === null;
      await worker.stop();
      const indexedPosts = settings.drainPosts - (await countQueuedJobs(database.url));
      const drain = { ...summarizeRounds(settings.soakConnections, [drainResult]), seconds: settings.drainSeconds, posts: settings.drainPosts, indexedPosts, workerStillRunning };
      progress(`http-load: while draining: ${drain.requestsPerSecond.toFixed(0)} req/s, p99 ${drain.p99Ms} ms`);
      return { machine: { ...machine, loadAverageEnd: readLoadAverage() }, settings, buildSeconds, levels, soak, drain };
    } finally {
      await serve.stop();
    }
  } finally {
    await database.drop();
  }
}

/** Runs the bench with the default settings and returns its Markdown section, for `bench/run.ts --http-load`. */
export async function runHttpLoadSection(command: string, progress: (line: string) => void): Promise<string> {
  return renderHttpLoad(await runHttpLoad(DEFAULT_HTTP_LOAD, progress), command);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const parsed = parseHttpLoadOptions(argv);
  if (parsed === null) {
    process.stdout.write(`${HTTP_LOAD_USAGE}\n`);
    return;
  }
  const report = await runHttpLoad(parsed.settings, (line) => process.stdout.write(`${line}\n`));
  const section = renderHttpLoad(report, ["node --expose-gc dist/bench/http-load.js", ...argv].join(" "));
  process.stdout.write(`\n${section}`);
  if (parsed.appendFile !== null) {
    appendFileSync(parsed.appendFile, `\n${section}`);
    process.stdout.write(`appended to ${parsed.appendFile}\n`);
  }
  const failures = [...report.levels, report.soak, report.drain].reduce((sum, figure) => sum + figure.errors + figure.non2xx, 0);
  if (failures > 0) {
    process.stderr.write(`http-load: ${failures} requests failed or returned a non-2xx status; expected 0.\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`http-load failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
