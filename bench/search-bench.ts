/**
 * End-to-end search on one database: import the corpus through the engine's
 * import path, drain the queue with the engine's worker, then time queries
 * one at a time through engine.searcher.search after a warm-up.
 */
import { pino } from "pino";

import { openEngine, type Engine } from "../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../src/indexer/index-post.js";
import { Worker } from "../src/queue/worker.js";
import { importPost } from "../src/sources/import-posts.js";
import type { SourcePost } from "../src/sources/source-post.js";
import { redactUrl } from "../src/store/open-db.js";
import { toInt } from "../src/store/rows.js";
import type { BenchDatabase } from "./bench-databases.js";
import type { SearchFigure } from "./results.js";
import { measurePhases } from "./search-phases.js";
import { mean, summarizeLatency } from "./stats.js";

export const RESULTS_PER_QUERY = 10;
const WORKER_CONCURRENCY = 2;
const MIB = 2 ** 20;

export interface SearchWorkload {
  posts: readonly SourcePost[];
  warmupQueries: readonly string[];
  queries: readonly string[];
}

export async function runSearchBench(
  database: BenchDatabase,
  workload: SearchWorkload,
  progress: (line: string) => void,
): Promise<SearchFigure> {
  const log = pino({ level: "silent" });
  const engine = await openEngine({ dbUrl: database.url, prefix: "wp_", log, createSchema: true });
  try {
    return await measureEngine(engine, database, workload, progress);
  } finally {
    await engine.close();
  }
}

async function measureEngine(
  engine: Engine,
  database: BenchDatabase,
  workload: SearchWorkload,
  progress: (line: string) => void,
): Promise<SearchFigure> {
  const label = `search (${database.dialect})`;
  const posts = workload.posts.length;
  const importSeconds = await importCorpus(engine, workload.posts);
  progress(`${label}: imported ${posts} posts in ${importSeconds.toFixed(2)} s`);
  const indexSeconds = await drainQueue(engine, posts);
  progress(`${label}: indexed ${posts} posts in ${indexSeconds.toFixed(2)} s (${(posts / indexSeconds).toFixed(0)} posts/s)`);

  for (const query of workload.warmupQueries) await engine.searcher.search({ query, k: RESULTS_PER_QUERY });
  const timed = await timeQueries(engine, workload.queries);
  const latency = summarizeLatency(timed.latencies);
  progress(`${label}: ${workload.queries.length} queries, p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms`);
  const phases = await measurePhases(engine, workload.queries, RESULTS_PER_QUERY);
  progress(`${label}: step breakdown done`);

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
    phases,
  };
}

async function importCorpus(engine: Engine, posts: readonly SourcePost[]): Promise<number> {
  const started = performance.now();
  for (const post of posts) await importPost(engine.db, post);
  return (performance.now() - started) / 1000;
}

/** Runs the worker until the queue is empty and throws unless every post was indexed. */
async function drainQueue(engine: Engine, expected: number): Promise<number> {
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
