/**
 * End-to-end search on one database. The bench imports the corpus through
 * the engine's import path and drains the queue with the engine's worker.
 * Then it times the first search (the vector index load) and the queries,
 * one at a time through engine.searcher.search after a warm-up, and
 * compares the engine's top 10 with an exhaustive search.
 */
import { pino } from "pino";

import { openEngine, type Engine } from "../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../src/indexer/index-post.js";
import { Worker } from "../src/queue/worker.js";
import { importPost } from "../src/sources/import-posts.js";
import type { SourcePost } from "../src/sources/source-post.js";
import { NODE_HEAP_FLAGS } from "../src/node-flags.js";
import { redactUrl } from "../src/store/open-db.js";
import { toInt } from "../src/store/rows.js";
import type { BenchDatabase } from "./bench-databases.js";
import type { SearchFigure } from "./results.js";
import { measureAccuracy } from "./search-accuracy.js";
import { MIB, readMemory } from "./memory.js";
import { measureIsolatedMemory } from "./search-memory.js";
import { measurePhases } from "./search-phases.js";
import { mean, summarizeLatency } from "./stats.js";

export const RESULTS_PER_QUERY = 10;
const WORKER_CONCURRENCY = 2;

export interface SearchWorkload {
  posts: readonly SourcePost[];
  warmupQueries: readonly string[];
  queries: readonly string[];
}

export interface SearchBenchOptions {
  /** Queries of `workload.queries` also run through the exhaustive search, 0 for none. */
  accuracyQueries: number;
  /** Runs after the measurements, while the engine and its database are still open. */
  afterMeasure?: (engine: Engine) => Promise<void>;
}

export async function runSearchBench(
  database: BenchDatabase,
  workload: SearchWorkload,
  options: SearchBenchOptions,
  progress: (line: string) => void,
): Promise<SearchFigure> {
  const log = pino({ level: "silent" });
  const engine = await openEngine({ dbUrl: database.url, prefix: "wp_", log, createSchema: true });
  try {
    const figure = await measureEngine(engine, database, workload, options, progress);
    await options.afterMeasure?.(engine);
    return figure;
  } finally {
    await engine.close();
  }
}

async function measureEngine(
  engine: Engine,
  database: BenchDatabase,
  workload: SearchWorkload,
  options: SearchBenchOptions,
  progress: (line: string) => void,
): Promise<SearchFigure> {
  const posts = workload.posts.length;
  const label = `search (${database.dialect}, ${posts} posts)`;
  const importSeconds = await importCorpus(engine, workload.posts);
  progress(`${label}: imported in ${importSeconds.toFixed(2)} s`);
  const indexSeconds = await drainQueue(engine, posts);
  progress(`${label}: indexed in ${indexSeconds.toFixed(2)} s (${(posts / indexSeconds).toFixed(0)} posts/s)`);

  const load = await timeFirstSearch(engine, workload.warmupQueries[0] ?? "search");
  progress(`${label}: first search (vector index load) ${load.firstSearchMs.toFixed(0)} ms`);
  for (const query of workload.warmupQueries) await engine.searcher.search({ query, k: RESULTS_PER_QUERY });
  const timed = await timeQueries(engine, workload.queries);
  const latency = summarizeLatency(timed.latencies);
  progress(`${label}: ${workload.queries.length} queries, p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms`);
  const phases = await measurePhases(engine, workload.queries, RESULTS_PER_QUERY);
  const accuracy = await measureAccuracy(engine, workload.queries.slice(0, options.accuracyQueries), RESULTS_PER_QUERY);
  if (accuracy) progress(`${label}: top-10 overlap with the exhaustive search ${accuracy.meanOverlap.toFixed(3)}`);
  const isolatedMemory = await measureIsolatedMemory(database.url, workload.queries, RESULTS_PER_QUERY, NODE_HEAP_FLAGS);
  const nodeDefaultsMemory = await measureIsolatedMemory(database.url, workload.queries, RESULTS_PER_QUERY, []);
  progress(
    `${label}: RSS growth in a fresh process ${isolatedMemory.growthMiB.toFixed(1)} MiB with the CLI's heap flags, ` +
      `${nodeDefaultsMemory.growthMiB.toFixed(1)} MiB with Node's defaults`,
  );

  return {
    dialect: database.dialect,
    database: redactUrl(database.url),
    posts,
    ...(await countIndexRows(engine)),
    importSeconds,
    indexSeconds,
    indexPostsPerSecond: posts / indexSeconds,
    warmupQueries: workload.warmupQueries.length,
    queries: workload.queries.length,
    latency,
    meanCandidates: mean(timed.candidates),
    meanChunksScored: mean(timed.chunksScored),
    rssBeforeMiB: timed.rssBefore / MIB,
    rssAfterMiB: timed.rssAfter / MIB,
    ...load,
    phases,
    accuracy,
    isolatedMemory,
    nodeDefaultsMemory,
  };
}

/** Times the first search after start, which loads every chunk vector, with RSS read around it. */
async function timeFirstSearch(engine: Engine, query: string) {
  const before = readMemory();
  const started = performance.now();
  await engine.searcher.search({ query, k: RESULTS_PER_QUERY });
  const firstSearchMs = performance.now() - started;
  const after = readMemory();
  return { firstSearchMs, rssBeforeLoadMiB: before.rssMiB, rssAfterLoadMiB: after.rssMiB };
}

async function importCorpus(engine: Engine, posts: readonly SourcePost[]): Promise<number> {
  const started = performance.now();
  for (const post of posts) await importPost(engine.db, post);
  return (performance.now() - started) / 1000;
}

/** Runs the worker until the queue is empty and throws unless every post was indexed. */
export async function drainQueue(engine: Engine, expected: number): Promise<number> {
  const started = performance.now();
  const worker = new Worker(engine.db, createIndexPostHandler(engine), {
    jobTypes: [EMBED_POST_JOB],
    limit: 0,
    untilEmpty: true,
    concurrency: WORKER_CONCURRENCY,
    logger: engine.log,
  });
  const result = await worker.run();
  const seconds = (performance.now() - started) / 1000;
  if (result.completed !== expected) {
    throw new Error(
      `The worker completed ${result.completed} of ${expected} embed_post jobs (${result.failed} failed), so the index is incomplete and its latency would not be comparable.`,
    );
  }
  return seconds;
}

interface TimedQueries {
  latencies: number[];
  candidates: number[];
  chunksScored: number[];
  rssBefore: number;
  rssAfter: number;
}

async function timeQueries(engine: Engine, queries: readonly string[]): Promise<TimedQueries> {
  const timed: TimedQueries = { latencies: [], candidates: [], chunksScored: [], rssBefore: 0, rssAfter: 0 };
  timed.rssBefore = process.memoryUsage().rss;
  for (const query of queries) {
    const started = performance.now();
    const response = await engine.searcher.search({ query, k: RESULTS_PER_QUERY });
    timed.latencies.push(performance.now() - started);
    timed.candidates.push(response.stats.candidates);
    timed.chunksScored.push(response.stats.chunksIndexed);
  }
  timed.rssAfter = process.memoryUsage().rss;
  return timed;
}

async function countIndexRows(engine: Engine): Promise<{ chunks: number; tokenRows: number }> {
  const { db } = engine;
  const [chunks] = await db.query(`SELECT COUNT(*) AS n FROM ${db.tables.chunks}`);
  const [tokens] = await db.query(`SELECT COUNT(*) AS n FROM ${db.tables.tokens}`);
  return { chunks: toInt(chunks?.n ?? 0), tokenRows: toInt(tokens?.n ?? 0) };
}
