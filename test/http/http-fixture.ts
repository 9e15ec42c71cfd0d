/**
 * A real engine on a fresh test database served over HTTP on 127.0.0.1 at
 * a free port, for the API, shutdown and browser tests.
 */
import { pino } from "pino";

import { openEngine, type Engine } from "../../src/engine.js";
import { listenUrl, startHttpServer, type HttpOptions } from "../../src/http/server.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";
import type { SourcePost } from "../../src/sources/source-post.js";
import type { Db } from "../../src/store/db.js";
import { toInt } from "../../src/store/rows.js";
import { uniquePrefix, type DialectTarget, type TestDatabase } from "../helpers/db.js";

export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
export const FAILING_JOB = "http_test_failing";

const silent = pino({ level: "silent" });

export const SAMPLE_POSTS: SourcePost[] = [
  { source: "kiln", title: "Pottery kilns", url: "https://example.com/kilns", content: "A kiln fires clay pots at high heat." },
  { source: "loom", title: "Weaving looms", url: "https://example.com/looms", content: "A loom weaves thread into cloth." },
];

export interface HttpFixture {
  engine: Engine;
  base: string;
  close(): Promise<void>;
}

/** Opens an engine on a new database of `target`, imports and indexes `posts`, and serves it. */
export async function startHttpFixture(
  target: DialectTarget,
  options: Partial<HttpOptions> = {},
  posts: readonly SourcePost[] = SAMPLE_POSTS,
): Promise<HttpFixture> {
  const database: TestDatabase = await target.createDatabase();
  const engine = await openEngine({ dbUrl: database.url, prefix: uniquePrefix(), log: silent, threads: 1, createSchema: true });
  for (const post of posts) await importPost(engine.db, post);
  await drainQueue(engine);
  const app = await startHttpServer(engine, { host: "127.0.0.1", port: 0, adminToken: ADMIN_TOKEN, searchRatePerSecond: 0, ...options });
  return {
    engine,
    base: listenUrl(app),
    async close() {
      await app.close();
      await engine.close();
      await database.drop();
    },
  };
}

/** Indexes every queued embed_post job with the engine's own handler. */
export async function drainQueue(engine: Engine): Promise<void> {
  const worker = new Worker(engine.db, createIndexPostHandler(engine), { jobTypes: [EMBED_POST_JOB], limit: 0, untilEmpty: true, logger: silent });
  await worker.run();
}

/**
 * Enqueues `count` jobs with one attempt each and runs a worker whose
 * handler throws, so that each job ends in the dead-letter table.
 */
export async function createDeadLetters(db: Db, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await enqueueJob(db, { jobType: FAILING_JOB, payload: { index }, maxAttempts: 1 });
  }
  const failing = async () => {
    throw new Error("remote feed unreachable");
  };
  const worker = new Worker(db, failing, { jobTypes: [FAILING_JOB], limit: 0, untilEmpty: true, logger: silent });
  const result = await worker.run();
  if (result.deadLettered !== count) throw new Error(`Expected ${count} dead letters, the worker made ${result.deadLettered}.`);
}

export interface RowCounts {
  posts: number;
  jobs: number;
  deadLetters: number;
  chunks: number;
  tokens: number;
}

/** Counts the rows of the tables a request could change. */
export async function countRows(db: Db): Promise<RowCounts> {
  const count = async (table: string): Promise<number> => {
    const [row] = await db.query(`SELECT COUNT(*) AS total FROM ${table}`);
    return toInt(row?.["total"] ?? 0);
  };
  return {
    posts: await count(db.tables.posts),
    jobs: await count(db.tables.jobs),
    deadLetters: await count(db.tables.deadLetter),
    chunks: await count(db.tables.chunks),
    tokens: await count(db.tables.tokens),
  };
}

export function bearerHeader(token = ADMIN_TOKEN): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

export function adminHeaders(token = ADMIN_TOKEN): Record<string, string> {
  return { ...bearerHeader(token), "content-type": "application/json" };
}
