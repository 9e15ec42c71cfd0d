/**
 * Runs the end-to-end search bench for each synthetic corpus size on SQLite,
 * then on MariaDB/MySQL when the server is reachable, and the peers side by
 * side on one of those corpora.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { Engine } from "../src/engine.js";
import { redactUrl } from "../src/store/open-db.js";
import { createMysqlBenchDatabase, createSqliteBenchDatabase, type BenchDatabase } from "./bench-databases.js";
import { measurePeerLatency } from "./peer-latency.js";
import type { PeerFigure, SearchFigure, SkippedPart } from "./results.js";
import { runSearchBench, type SearchWorkload } from "./search-bench.js";
import { generatePosts, generateQueries } from "./synthetic-corpus.js";
import { buildVocabulary, findReadmes } from "./vocabulary.js";

export interface SearchSettings {
  sizes: readonly number[];
  warmupQueries: number;
  queries: number;
  /** Number of timed queries, per size, that also run through the exhaustive search. */
  accuracyQueries: number;
}

/**
 * Largest corpus indexed on MariaDB/MySQL. A larger size runs on SQLite
 * only: 100,000 posts took 22 minutes through the queue into MariaDB on a
 * 2-core host, twice as long as into SQLite.
 */
export const MYSQL_MAX_POSTS = 100_000;
/** Corpus size the peers run on; the smallest size when the run has no such size. */
export const PEER_POSTS = 10_000;

const VOCABULARY_WORDS = 5000;
const CORPUS_SEED = 1;
const QUERY_SEED = 2;
const WARMUP_SEED = 3;

export interface SearchSuiteResult {
  figures: SearchFigure[];
  peers: PeerFigure[];
  peerPosts: number;
  skipped: SkippedPart[];
}

export async function runSearchSuites(settings: SearchSettings, mysqlUrl: string, progress: (line: string) => void): Promise<SearchSuiteResult> {
  const vocabulary = loadVocabulary();
  const peerPosts = settings.sizes.includes(PEER_POSTS) ? PEER_POSTS : (settings.sizes[0] as number);
  const result: SearchSuiteResult = { figures: [], peers: [], peerPosts, skipped: [] };
  let mysqlReachable = true;
  for (const posts of settings.sizes) {
    const workload = buildWorkload(vocabulary, posts, settings);
    progress(`search: ${posts} posts, ${workload.queries.length} queries`);
    const afterMeasure = posts === peerPosts ? async (engine: Engine) => { result.peers = await measurePeerLatency(engine, workload, progress); } : undefined;
    result.figures.push(await runOn(await createSqliteBenchDatabase(), workload, { accuracyQueries: settings.accuracyQueries, afterMeasure }, progress));
    if (posts > MYSQL_MAX_POSTS) {
      result.skipped.push({ part: `search on MariaDB/MySQL at ${posts.toLocaleString("en-US")} posts`, reason: `the full run indexes at most ${MYSQL_MAX_POSTS.toLocaleString("en-US")} posts on MariaDB/MySQL to bound its run time` });
      continue;
    }
    if (!mysqlReachable) continue;
    const mysql = await openMysql(mysqlUrl, posts, result.skipped, progress);
    if (!mysql) {
      mysqlReachable = false;
      continue;
    }
    result.figures.push(await runOn(mysql, workload, { accuracyQueries: settings.accuracyQueries }, progress));
  }
  return result;
}

async function openMysql(mysqlUrl: string, posts: number, skipped: SkippedPart[], progress: (line: string) => void): Promise<BenchDatabase | null> {
  try {
    return await createMysqlBenchDatabase(mysqlUrl, `wpllmseo_bench_search_${posts}_${process.pid}`);
  } catch (error) {
    const reason = `creating the bench database on ${redactUrl(mysqlUrl)} failed: ${error instanceof Error ? error.message : String(error)}`;
    progress(`search (mysql): skipped because ${reason}`);
    skipped.push({ part: "end-to-end search on MariaDB/MySQL", reason });
    return null;
  }
}

/** Runs the search bench on `database` and drops the database afterwards, also when the bench throws. */
async function runOn(
  database: BenchDatabase,
  workload: SearchWorkload,
  options: Parameters<typeof runSearchBench>[2],
  progress: (line: string) => void,
): Promise<SearchFigure> {
  try {
    return await runSearchBench(database, workload, options, progress);
  } finally {
    await database.drop();
  }
}

function loadVocabulary(): string[] {
  const nodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules");
  return buildVocabulary(findReadmes(nodeModules), VOCABULARY_WORDS);
}

function buildWorkload(vocabulary: readonly string[], posts: number, settings: SearchSettings): SearchWorkload {
  return {
    posts: generatePosts(vocabulary, { posts, seed: CORPUS_SEED }),
    warmupQueries: generateQueries(vocabulary, settings.warmupQueries, WARMUP_SEED),
    queries: generateQueries(vocabulary, settings.queries, QUERY_SEED),
  };
}
