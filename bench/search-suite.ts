/**
 * Builds the synthetic workload once and runs the end-to-end search bench on
 * SQLite, then on MariaDB/MySQL when the server is reachable.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { redactUrl } from "../src/store/open-db.js";
import { createMysqlBenchDatabase, createSqliteBenchDatabase, type BenchDatabase } from "./bench-databases.js";
import type { SearchFigure, SkippedPart } from "./results.js";
import { runSearchBench, type SearchWorkload } from "./search-bench.js";
import { generatePosts, generateQueries } from "./synthetic-corpus.js";
import { buildVocabulary, findReadmes } from "./vocabulary.js";

export interface SearchSettings {
  posts: number;
  warmupQueries: number;
  queries: number;
}

const VOCABULARY_WORDS = 5000;
const CORPUS_SEED = 1;
const QUERY_SEED = 2;
const WARMUP_SEED = 3;

export async function runSearchSuites(
  settings: SearchSettings,
  mysqlUrl: string,
  progress: (line: string) => void,
): Promise<{ figures: SearchFigure[]; skipped: SkippedPart[] }> {
  const workload = buildWorkload(settings);
  progress(`search: ${workload.posts.length} posts, ${workload.queries.length} queries`);
  const figures = [await runOn(await createSqliteBenchDatabase(), workload, progress)];
  const skipped: SkippedPart[] = [];

  let mysql: BenchDatabase;
  try {
    mysql = await createMysqlBenchDatabase(mysqlUrl);
  } catch (error) {
    const reason = `creating the bench database on ${redactUrl(mysqlUrl)} failed: ${error instanceof Error ? error.message : String(error)}`;
    progress(`search (mysql): skipped because ${reason}`);
    skipped.push({ part: "end-to-end search on MariaDB/MySQL", reason });
    return { figures, skipped };
  }
  figures.push(await runOn(mysql, workload, progress));
  return { figures, skipped };
}

/** Runs the search bench on `database` and drops the database afterwards, also when the bench throws. */
async function runOn(database: BenchDatabase, workload: SearchWorkload, progress: (line: string) => void): Promise<SearchFigure> {
  try {
    return await runSearchBench(database, workload, progress);
  } finally {
    await database.drop();
  }
}

function buildWorkload(settings: SearchSettings): SearchWorkload {
  const nodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules");
  const vocabulary = buildVocabulary(findReadmes(nodeModules), VOCABULARY_WORDS);
  return {
    posts: generatePosts(vocabulary, { posts: settings.posts, seed: CORPUS_SEED }),
    warmupQueries: generateQueries(vocabulary, settings.warmupQueries, WARMUP_SEED),
    queries: generateQueries(vocabulary, settings.queries, QUERY_SEED),
  };
}
