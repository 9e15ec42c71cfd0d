/**
 * Upgrading a database where the WP LLM SEO plugin wrote its tables before
 * 1.2.0. Its jobs lack attempts, max_attempts, run_after and the lease and
 * claim columns, its chunks have only the `embedding` BLOB, its snippets
 * have the plugin's JSON columns, its tokens all score 1.0 and its
 * dead-letter table has five columns. `upgrade` must add what is missing
 * and change no row, and the plugin's queued jobs must then run on the real
 * worker.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sha256Hex } from "../../src/embedders/sha256.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { Worker } from "../../src/queue/worker.js";
import type { Db, Dialect } from "../../src/store/db.js";
import { upgrade } from "../../src/store/migrate.js";
import { toInt } from "../../src/store/rows.js";
import { runCli } from "../cli/run-cli.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();
const silent = pino({ level: "silent" });
const PREFIX = "wp_";

/** Returns the plugin's CREATE statements before 1.2.0. */
function legacyTables(dialect: Dialect): string[] {
  const p = `${PREFIX}wpllmseo_`;
  if (dialect === "mysql") {
    const table = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
    return [
      `CREATE TABLE ${p}jobs (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, job_type VARCHAR(64) NOT NULL,
        post_id BIGINT UNSIGNED NULL, snippet_id BIGINT UNSIGNED NULL, payload LONGTEXT NULL,
        status VARCHAR(20) NOT NULL DEFAULT 'queued', priority INT NOT NULL DEFAULT 0,
        locked TINYINT(1) NOT NULL DEFAULT 0, locked_at DATETIME NULL,
        created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
        PRIMARY KEY (id), KEY status (status)) ${table}`,
      `CREATE TABLE ${p}chunks (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, post_id BIGINT UNSIGNED NOT NULL,
        chunk_index INT NOT NULL DEFAULT 0, chunk_text LONGTEXT NOT NULL, embedding LONGBLOB NULL,
        created_at DATETIME NOT NULL, PRIMARY KEY (id), KEY post_id (post_id)) ${table}`,
      `CREATE TABLE ${p}snippets (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, post_id BIGINT UNSIGNED NOT NULL,
        snippet_text LONGTEXT NOT NULL, embedding LONGBLOB NULL, embedding_json LONGTEXT NULL,
        embedding_format VARCHAR(64) NULL, embedding_dim INT NULL, embedding_checksum CHAR(64) NULL,
        embedding_version VARCHAR(32) NULL, created_at DATETIME NOT NULL,
        PRIMARY KEY (id), KEY post_id (post_id)) ${table}`,
      `CREATE TABLE ${p}tokens (id BIGINT PRIMARY KEY AUTO_INCREMENT, post_id BIGINT NOT NULL,
        token VARCHAR(191) NOT NULL, score FLOAT DEFAULT 0, created_at DATETIME,
        INDEX (token), INDEX (post_id), INDEX (token, post_id)) ${table}`,
      `CREATE TABLE ${p}jobs_dead_letter (id BIGINT PRIMARY KEY AUTO_INCREMENT, original_job_id BIGINT,
        payload LONGTEXT, reason TEXT, failed_at DATETIME, INDEX (original_job_id), INDEX (failed_at)) ${table}`,
    ];
  }
  return [
    `CREATE TABLE ${p}jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, job_type TEXT NOT NULL, post_id INTEGER NULL,
      snippet_id INTEGER NULL, payload TEXT NULL, status TEXT NOT NULL DEFAULT 'queued',
      priority INTEGER NOT NULL DEFAULT 0, locked INTEGER NOT NULL DEFAULT 0, locked_at TEXT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
    `CREATE INDEX ${p}jobs_status ON ${p}jobs (status)`,
    `CREATE TABLE ${p}chunks (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL,
      chunk_index INTEGER NOT NULL DEFAULT 0, chunk_text TEXT NOT NULL, embedding BLOB NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE ${p}snippets (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL,
      snippet_text TEXT NOT NULL, embedding BLOB NULL, embedding_json TEXT NULL, embedding_format TEXT NULL,
      embedding_dim INTEGER NULL, embedding_checksum TEXT NULL, embedding_version TEXT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE ${p}tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL, token TEXT NOT NULL,
      score REAL DEFAULT 0, created_at TEXT)`,
    `CREATE INDEX ${p}tokens_token ON ${p}tokens (token)`,
    `CREATE TABLE ${p}jobs_dead_letter (id INTEGER PRIMARY KEY AUTOINCREMENT, original_job_id INTEGER,
      payload TEXT, reason TEXT, failed_at TEXT)`,
  ];
}

const LEGACY_VECTOR = Buffer.from(new Float32Array([0.6, 0.8, 0]).buffer);
const SNIPPET_JSON = "[0.6,0.8,0]";

async function writeLegacyRows(db: Db): Promise<void> {
  const p = `${PREFIX}wpllmseo_`;
  const at = "2024-05-01 08:00:00";
  await db.execute(
    `INSERT INTO ${p}jobs (id, job_type, post_id, payload, status, locked, created_at, updated_at) VALUES` +
      ` (1, 'embed_post', 101, NULL, 'queued', 0, ?, ?),` +
      ` (2, 'embed_post', NULL, '{"post_id":102}', 'queued', 0, ?, ?),` +
      ` (3, 'embed_post', 7, NULL, 'completed', 0, ?, ?),` +
      ` (4, 'embed_post', 8, NULL, 'failed', 0, ?, ?)`,
    [at, at, at, at, at, at, at, at],
  );
  await db.execute(
    `INSERT INTO ${p}chunks (id, post_id, chunk_index, chunk_text, embedding, created_at) VALUES (1, 7, 0, 'legacy chunk', ?, ?)`,
    [LEGACY_VECTOR, at],
  );
  await db.execute(
    `INSERT INTO ${p}snippets (id, post_id, snippet_text, embedding_json, embedding_format, embedding_dim,` +
      ` embedding_checksum, embedding_version, created_at) VALUES (1, 7, 'legacy snippet', ?, 'json_float_array_v1', 3, ?, 'v1', ?)`,
    [SNIPPET_JSON, sha256Hex(SNIPPET_JSON), at],
  );
  await db.execute(
    `INSERT INTO ${p}tokens (post_id, token, score, created_at) VALUES (7, 'legacy', 1.0, ?), (7, 'chunk', 1.0, ?)`,
    [at, at],
  );
  await db.execute(
    `INSERT INTO ${p}jobs_dead_letter (id, original_job_id, payload, reason, failed_at) VALUES (1, 4, NULL, 'timeout', ?)`,
    [at],
  );
}

/** Reads the plugin's columns of every legacy row, to compare before and after the upgrade. */
async function readLegacyRows(db: Db) {
  const p = `${PREFIX}wpllmseo_`;
  const read = (sql: string) => db.query(sql);
  return {
    jobs: await read(`SELECT id, job_type, post_id, payload, status, locked, created_at, updated_at FROM ${p}jobs ORDER BY id`),
    chunks: await read(`SELECT id, post_id, chunk_index, chunk_text, embedding, created_at FROM ${p}chunks ORDER BY id`),
    snippets: await read(`SELECT id, post_id, snippet_text, embedding_json, embedding_checksum, created_at FROM ${p}snippets ORDER BY id`),
    tokens: await read(`SELECT id, post_id, token, score FROM ${p}tokens ORDER BY id`),
    deadLetter: await read(`SELECT id, original_job_id, reason, failed_at FROM ${p}jobs_dead_letter ORDER BY id`),
  };
}

async function readColumnNames(db: Db, table: string): Promise<string[]> {
  const rows =
    db.dialect === "mysql"
      ? await db.query("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?", [table])
      : await db.query("SELECT name FROM pragma_table_info(?)", [table]);
  return rows.map((row) => String(row.name)).sort();
}

/** Inserts an engine post with a given id, as the plugin's jobs name posts by id. */
async function insertPost(db: Db, id: number, title: string, content: string): Promise<void> {
  const now = db.dialect === "mysql" ? "UTC_TIMESTAMP(6)" : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
  await db.execute(
    `INSERT INTO ${db.tables.posts} (id, source_hash, source, title, url, content, content_hash, created_at, updated_at)` +
      ` VALUES (?, ?, ?, ?, ?, ?, ?, ${now}, ${now})`,
    [id, sha256Hex(`wordpress:${id}`), `wordpress:${id}`, title, `https://example.org/?p=${id}`, content, sha256Hex(`${title}\u0000https://example.org/?p=${id}\u0000${content}`)],
  );
}

describe.each(targets)("plugin database upgrade on $dialect", (target) => {
  let database: TestDatabase;
  let db: Db;
  let before: Awaited<ReturnType<typeof readLegacyRows>>;

  beforeAll(async () => {
    if (target.skipReason) return;
    database = await target.createDatabase();
    db = await database.open({ prefix: PREFIX });
    for (const statement of legacyTables(target.dialect)) await db.execute(statement);
    await writeLegacyRows(db);
    before = await readLegacyRows(db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it.skipIf(target.skipReason)("upgrade adds only the missing pieces", async () => {
    const first = await runCli(["upgrade", "--db", database.url, "--prefix", PREFIX]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const added = first.stdout.split("\n").filter((line) => line.startsWith("added "));
    expect(added).toContain(`added column ${PREFIX}wpllmseo_jobs.max_attempts`);
    expect(added).toContain(`added column ${PREFIX}wpllmseo_jobs.attempts`);
    expect(added).toContain(`added column ${PREFIX}wpllmseo_jobs.run_after`);
    expect(added).toContain(`added column ${PREFIX}wpllmseo_chunks.embedding_f32`);
    expect(added).toContain(`added column ${PREFIX}wpllmseo_jobs_dead_letter.job_type`);
    expect(added).not.toContain(`added column ${PREFIX}wpllmseo_chunks.embedding`);
    expect(added).not.toContain(`added column ${PREFIX}wpllmseo_snippets.embedding_json`);
    expect(added.some((line) => line.includes("tokens") && line.includes("(post_id, token)"))).toBe(true);

    const second = await runCli(["upgrade", "--force", "--db", database.url, "--prefix", PREFIX]);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(`${db.displayUrl}: schema 1.2.0\n`);
    expect((await upgrade(db, { force: true })).added).toEqual([]);
  });

  it.skipIf(target.skipReason)("tables match a fresh install", async () => {
    const fresh = await database.openMigrated();
    for (const key of ["jobs", "chunks", "snippets", "tokens", "deadLetter"] as const) {
      expect(await readColumnNames(db, db.tables[key]), key).toEqual(await readColumnNames(fresh, fresh.tables[key]));
    }
  });

  it.skipIf(target.skipReason)("keeps every legacy row intact", async () => {
    expect(await readLegacyRows(db)).toEqual(before);
    const jobs = await db.query(`SELECT id, attempts, max_attempts, run_after, claim_token FROM ${db.tables.jobs} ORDER BY id`);
    for (const job of jobs) {
      expect(toInt(job.attempts)).toBe(0);
      expect(toInt(job.max_attempts)).toBe(5);
      expect(job.run_after).not.toBeNull();
      expect(job.claim_token).toBeNull();
    }
    const dead = await db.query(`SELECT job_type, attempts, max_attempts FROM ${db.tables.deadLetter}`);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.job_type).toBe("embed_post");
    expect(toInt(dead[0]?.max_attempts)).toBe(5);
  });

  it.skipIf(target.skipReason)("rejects a duplicate token row after upgrade", async () => {
    const insert = `INSERT INTO ${db.tables.tokens} (post_id, token, score, created_at) VALUES (7, 'legacy', 2.0, '2024-05-01 08:00:00')`;
    await expect(db.execute(insert)).rejects.toThrow();
  });

  it.skipIf(target.skipReason)("runs the plugin's queued jobs and finds their posts", async () => {
    await insertPost(db, 101, "Harbour tides", "Spring tides flood the harbour twice a month.");
    await insertPost(db, 102, "Alpine lakes", "Glacial lakes hold meltwater in the high valleys.");
    let engine: Engine | undefined;
    try {
      engine = await openEngine({ dbUrl: database.url, prefix: PREFIX, log: silent, threads: 1 });
      const worker = new Worker(engine.db, createIndexPostHandler(engine), {
        jobTypes: [EMBED_POST_JOB],
        limit: 0,
        untilEmpty: true,
        logger: silent,
      });
      const summary = await worker.run();
      expect(summary.completed).toBe(2);
      expect(summary.failed).toBe(0);
      const statuses = await db.query(`SELECT id, status FROM ${db.tables.jobs} ORDER BY id`);
      expect(statuses.map((row) => row.status)).toEqual(["completed", "completed", "completed", "failed"]);

      const tides = await engine.searcher.search({ query: "harbour tides", k: 3 });
      expect(tides.results[0]?.id).toBe("101");
      const lakes = await engine.searcher.search({ query: "glacial meltwater", k: 3 });
      expect(lakes.results[0]?.id).toBe("102");
    } finally {
      await engine?.close();
    }
  });
});

describe.each(targets)("plugin tokens with duplicates on $dialect", (target) => {
  let database: TestDatabase;

  beforeAll(async () => {
    if (!target.skipReason) database = await target.createDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it.skipIf(target.skipReason)("upgrade names the duplicate key", async () => {
    const db = await database.open({ prefix: PREFIX });
    const tokensTable = legacyTables(target.dialect).find((statement) => statement.includes(`${PREFIX}wpllmseo_tokens (`));
    await db.execute(tokensTable as string);
    await db.execute(`INSERT INTO ${db.tables.tokens} (post_id, token, score) VALUES (1, 'tide', 1.0), (1, 'tide', 1.0)`);

    await expect(upgrade(db)).rejects.toThrow(
      /^Adding unique index [\w.]+ \(post_id, token\) failed: .+ Remove the rows that repeat these columns, then run upgrade again\.$/,
    );
    const rows = await db.query(`SELECT post_id, token FROM ${db.tables.tokens}`);
    expect(rows).toHaveLength(2);
    const jobs = await db.query(
      db.dialect === "mysql"
        ? "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
        : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
      [db.tables.jobs],
    );
    // SQLite applies the schema in one transaction, so the failure rolls it all back; MySQL commits each statement.
    expect(jobs).toHaveLength(db.dialect === "mysql" ? 1 : 0);
  });
});
