import { createHash } from "node:crypto";
import path from "node:path";

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";
import { readPaths } from "../../src/sources/read-files.js";
import { toInt } from "../../src/store/rows.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const PACKAGES = ["better-sqlite3", "mysql2", "piscina", "assemblyscript", "minimist", "pino", "vitest", "benchmark"];
const README_PATHS = PACKAGES.map((name) => path.resolve("node_modules", name, "README.md"));

const targets = await loadDialectTargets();
const silent = pino({ level: "silent" });

async function drainQueue(engine: Engine) {
  const worker = new Worker(engine.db, createIndexPostHandler(engine), {
    jobTypes: [EMBED_POST_JOB],
    limit: 0,
    untilEmpty: true,
    concurrency: 2,
    logger: silent,
  });
  return worker.run();
}

async function importFiles(engine: Engine, paths: string[]) {
  const outcomes: string[] = [];
  for await (const event of readPaths(paths)) {
    if ("error" in event) throw new Error(event.error.message);
    outcomes.push((await importPost(engine.db, event.post)).outcome);
  }
  return outcomes;
}

describe.each(targets)("import, index and search on $dialect", (target) => {
  let database: TestDatabase;
  let engine: Engine;

  beforeAll(async () => {
    if (target.skipReason) return;
    database = await target.createDatabase();
    engine = await openEngine({ dbUrl: database.url, prefix: "e2e_", log: silent, threads: 2, createSchema: true });
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  it.skipIf(target.skipReason)("indexes every imported post through the queue", async () => {
    expect(await importFiles(engine, README_PATHS)).toEqual(PACKAGES.map(() => "added"));
    const summary = await drainQueue(engine);
    expect(summary.completed).toBe(PACKAGES.length);
    expect(summary.failed).toBe(0);

    const status = await readQueueStatus(engine.db);
    expect(status.counts.completed).toBe(PACKAGES.length);
    expect(status.counts.queued).toBe(0);
    expect(status.counts.running).toBe(0);
  });

  it.skipIf(target.skipReason)("stores chunks with verified embedding metadata", async () => {
    const { db } = engine;
    const chunks = await db.query(
      `SELECT post_id, chunk_index, chunk_text, embedding_json, embedding_format, embedding_dim,` +
        ` embedding_checksum, embedding_version, embedding_f32, token_count FROM ${db.tables.chunks} ORDER BY post_id, chunk_index`,
    );
    expect(chunks.length).toBeGreaterThan(PACKAGES.length);
    for (const chunk of chunks) {
      const bytes = chunk.embedding_f32 as Uint8Array;
      expect(chunk.embedding_format).toBe("json_float_array_v1");
      expect(toInt(chunk.embedding_dim)).toBe(384);
      expect(chunk.embedding_version).toBe(engine.embedder.version);
      expect(bytes.byteLength).toBe(384 * 4);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(chunk.embedding_checksum);
      expect(JSON.parse(String(chunk.embedding_json))).toHaveLength(384);
      expect(toInt(chunk.token_count)).toBeGreaterThan(0);
    }
    const tokens = await db.query(`SELECT COUNT(DISTINCT post_id) AS posts FROM ${db.tables.tokens}`);
    expect(toInt(tokens[0]?.posts)).toBe(PACKAGES.length);
  });

  it.skipIf(target.skipReason)("ranks the matching post first", async () => {
    const cases: [string, string][] = [
      ["sqlite database", "better-sqlite3"],
      ["worker threads pool", "piscina"],
      ["compile typescript to webassembly", "assemblyscript"],
      ["parse argument options", "minimist"],
    ];
    for (const [query, expected] of cases) {
      const { results, stats } = await engine.searcher.search({ query, k: 3 });
      expect(results[0]?.url, query).toContain(`/node_modules/${expected}/`);
      expect(results[0]?.excerpt.length, query).toBeGreaterThan(0);
      expect(stats.chunksIndexed, query).toBeGreaterThan(0);
      expect(results[0]?.explain.vectorScore, query).toBeGreaterThan(0);
    }
  });

  it.skipIf(target.skipReason)("returns JSON-safe results with ids as strings", async () => {
    const { results } = await engine.searcher.search({ query: "sqlite", k: 100 });
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(PACKAGES.length);
    for (const result of results) {
      expect(typeof result.id).toBe("string");
      expect(Number.isFinite(result.score)).toBe(true);
    }
  });

  it.skipIf(target.skipReason)("enqueues nothing for an unchanged re-import", async () => {
    expect(await importFiles(engine, README_PATHS)).toEqual(PACKAGES.map(() => "unchanged"));
    const status = await readQueueStatus(engine.db);
    expect(status.counts.queued).toBe(0);
  });

  it.skipIf(target.skipReason)("re-indexes a changed post", async () => {
    const post = { source: README_PATHS[0] as string, title: "Zebra notes", url: "https://example.com/zebra", content: "Quagga and zebra stripes." };
    expect((await importPost(engine.db, post)).outcome).toBe("updated");
    expect((await readQueueStatus(engine.db)).counts.queued).toBe(1);
    expect((await drainQueue(engine)).completed).toBe(1);

    const { results } = await engine.searcher.search({ query: "quagga stripes", k: 3 });
    expect(results[0]?.title).toBe("Zebra notes");
    expect(results[0]?.url).toBe("https://example.com/zebra");
    const stale = await engine.searcher.search({ query: "prepared statements sqlite", k: 10 });
    const zebra = stale.results.find((result) => result.title === "Zebra notes");
    expect(stale.results[0]?.title).not.toBe("Zebra notes");
    expect(zebra?.explain.lexicalRank ?? null).toBeNull();
    expect(zebra?.excerpt ?? "Quagga and zebra stripes.").toBe("Quagga and zebra stripes.");
  });

  it.skipIf(target.skipReason)("finds a post by its vector with no word in common", async () => {
    const post = { source: "birds", title: "Garden visitors", url: "https://example.com/birds", content: "Hummingbirds hover near feeders." };
    await importPost(engine.db, post);
    expect((await drainQueue(engine)).completed).toBe(1);
    const { results, stats } = await engine.searcher.search({ query: "hummingbird feeder hovering", k: 3 });
    expect(stats.candidates).toBe(0);
    expect(results[0]?.url).toBe("https://example.com/birds");
    expect(results[0]?.explain.lexicalRank).toBeNull();
    expect(results[0]?.explain.vectorRank).toBe(1);
  });

  it.skipIf(target.skipReason)("rejects a corrupt vector at load and queues its post again", async () => {
    const { db } = engine;
    const [chunk] = await db.query(`SELECT id, post_id, embedding_f32 FROM ${db.tables.chunks} ORDER BY id LIMIT 1`);
    const bytes = Buffer.from(chunk?.embedding_f32 as Uint8Array);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await db.execute(`UPDATE ${db.tables.chunks} SET embedding_f32 = ? WHERE id = ?`, [bytes, chunk?.id]);

    const fresh = await openEngine({ dbUrl: database.url, prefix: "e2e_", log: silent, threads: 1 });
    try {
      const { stats } = await fresh.searcher.search({ query: "sqlite", k: 3 });
      expect(stats.chunksCorrupt).toBe(1);
      expect(stats.chunksIndexed).toBe(toInt((await db.query(`SELECT COUNT(*) AS n FROM ${db.tables.chunks}`))[0]?.n) - 1);
      const queued = await db.query(`SELECT post_id FROM ${db.tables.jobs} WHERE status = 'queued'`);
      expect(queued.map((row) => String(row.post_id))).toEqual([String(chunk?.post_id)]);
    } finally {
      await fresh.close();
    }
    expect((await drainQueue(engine)).completed).toBe(1);
  });

  it.skipIf(target.skipReason)("does not score vectors of another dimension", async () => {
    const { db } = engine;
    const [row] = await db.query(`SELECT post_id FROM ${db.tables.chunks} ORDER BY id LIMIT 1`);
    const before = engine.vectors.sync.stats.skippedDimension;
    await db.execute(
      `INSERT INTO ${db.tables.chunks} (post_id, chunk_index, chunk_text, embedding_json, embedding_format, embedding_dim,` +
        ` embedding_checksum, embedding_version, token_count, created_at, updated_at)` +
        ` VALUES (?, 99, 'short', '[1,0,0]', 'json_float_array_v1', 3, NULL, ?, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')`,
      [row?.post_id, engine.embedder.version],
    );
    await engine.searcher.search({ query: "sqlite", k: 3 });
    expect(engine.vectors.sync.stats.skippedDimension).toBe(before + 1);
    expect((await readQueueStatus(db)).counts.queued).toBe(1);
  });

  it.skipIf(target.skipReason)("indexes spellings that fold to one token", async () => {
    const post = { source: "greeting", title: "Morgengruß", url: "", content: "Ein Morgengruss und ein Morgengruß, Straße und Strasse." };
    await importPost(engine.db, post);
    const summary = await drainQueue(engine);
    expect(summary.failed).toBe(0);
    expect(summary.completed).toBeGreaterThanOrEqual(1);
    for (const query of ["morgengruss", "MORGENGRUSS", "Morgengruß", "strasse"]) {
      const { results } = await engine.searcher.search({ query, k: 1 });
      expect(results[0]?.title, query).toBe("Morgengruß");
      expect(results[0]?.explain.lexicalRank, query).toBe(1);
    }
  });

  it.skipIf(target.skipReason)("matches a word searched before any post had it", async () => {
    const before = await engine.searcher.search({ query: "quokkafish", k: 1 });
    expect(before.stats.candidates).toBe(0);
    await importPost(engine.db, { source: "quokka", title: "Reef life", url: "", content: "A quokkafish swims by." });
    expect((await drainQueue(engine)).failed).toBe(0);
    const after = await engine.searcher.search({ query: "quokkafish", k: 1 });
    expect(after.stats.candidates).toBe(1);
    expect(after.results[0]?.title).toBe("Reef life");
    expect(after.results[0]?.explain.lexicalRank).toBe(1);
  });

  it.skipIf(target.skipReason)("rejects an empty query", async () => {
    await expect(engine.searcher.search({ query: "   " })).rejects.toThrow(/Empty query/);
    await expect(engine.searcher.search({ query: "x", k: 0 })).rejects.toThrow(/Invalid k 0/);
  });
});
