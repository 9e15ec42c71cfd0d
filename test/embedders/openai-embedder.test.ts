import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { bytesToVector } from "../../src/embedders/vector-codec.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { importPost } from "../../src/sources/import-posts.js";
import type { Db } from "../../src/store/db.js";
import { toId, toInt } from "../../src/store/rows.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";
import { captureLogger, drainQueue, mockEmbedderConfig } from "./helpers.js";
import { errorBody, mockEmbedding, MockEmbeddingServer } from "./mock-embedding-server.js";

const DIM = 64;
const API_KEY = "sk-e2e-secret-key-0123456789";
const targets = await loadDialectTargets();

const LONG_CONTENT = Array.from({ length: 12 }, (_, index) =>
  `Paragraph ${index} explains how the lighthouse keeper trims the wick and polishes the lens every evening.`,
).join("\n\n");

async function postIdOf(db: Db, source: string): Promise<string> {
  const rows = await db.query(`SELECT id FROM ${db.tables.posts} WHERE source = ?`, [source]);
  return toId(rows[0]?.id);
}

describe.each(targets)("openai embedder on $dialect", (target) => {
  let database: TestDatabase;
  let engine: Engine;
  let mock: MockEmbeddingServer;
  const captured = captureLogger();

  beforeAll(async () => {
    if (target.skipReason) return;
    mock = await MockEmbeddingServer.start(DIM);
    database = await target.createDatabase();
    engine = await openEngine({
      dbUrl: database.url,
      prefix: "oai_",
      log: captured.log,
      threads: 2,
      createSchema: true,
      embedder: mockEmbedderConfig(mock, DIM, { apiKey: API_KEY }),
    });
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
    await mock?.close();
  });

  it.skipIf(target.skipReason)("stores vectors of the provider's dimension", async () => {
    await importPost(engine.db, { source: "lighthouse", title: "Lighthouse", url: "https://example.com/lighthouse", content: LONG_CONTENT });
    await importPost(engine.db, { source: "birds", title: "Garden visitors", url: "https://example.com/birds", content: "Hummingbirds hover near feeders." });
    const summary = await drainQueue(engine, captured.log);
    expect(summary.completed).toBe(2);
    expect(summary.failed).toBe(0);

    const { db } = engine;
    const chunks = await db.query(
      `SELECT c.chunk_text, c.embedding_dim, c.embedding_version, c.embedding_f32, p.title FROM ${db.tables.chunks} c` +
        ` JOIN ${db.tables.posts} p ON p.id = c.post_id ORDER BY c.post_id, c.chunk_index`,
    );
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) {
      expect(toInt(chunk.embedding_dim)).toBe(DIM);
      expect(chunk.embedding_version).toBe("openai:mock-embed:64");
      const vector = bytesToVector(chunk.embedding_f32 as Uint8Array) as Float32Array;
      const input = `${String(chunk.title)}\n\n${String(chunk.chunk_text)}`;
      expect(Array.from(vector)).toEqual(Array.from(Float32Array.from(mockEmbedding(input, DIM))));
    }
    const sizes = mock.requests.map((request) => request.input.length);
    expect(Math.max(...sizes)).toBe(4);
    for (const request of mock.requests) {
      for (const input of request.input) expect(input.length).toBeLessThanOrEqual(200);
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    }
  });

  it.skipIf(target.skipReason)("embeds the query through the provider", async () => {
    const before = mock.requests.length;
    const { results } = await engine.searcher.search({ query: "hummingbirds hover near feeders", k: 3 });
    expect(mock.requests.slice(before).map((request) => request.input)).toEqual([["hummingbirds hover near feeders"]]);
    expect(results[0]?.url).toBe("https://example.com/birds");
    expect(results[0]?.explain.vectorRank).toBe(1);
    expect(results[0]?.explain.vectorScore).toBeGreaterThan(0.5);
  });

  it.skipIf(target.skipReason)("dead-letters only the post with a rejected chunk", async () => {
    mock.responder = (request) =>
      request.input.some((input) => input.includes("Quagga"))
        ? { status: 400, body: errorBody("This model's maximum context length is 512 tokens, however you requested 900 tokens.") }
        : undefined;
    try {
      await importPost(engine.db, { source: "zebra", title: "Zebra", url: "", content: "Quagga stripes fade." });
      await importPost(engine.db, { source: "owl", title: "Owls", url: "", content: "Owls hunt at night." });
      await importPost(engine.db, { source: "fox", title: "Foxes", url: "", content: "Foxes dig dens." });
      const summary = await drainQueue(engine, captured.log);
      expect(summary.completed).toBe(2);
      expect(summary.deadLettered).toBe(1);
      expect(summary.retried).toBe(0);
    } finally {
      mock.responder = undefined;
    }

    expect(captured.output()).toContain("job failed with an error that retries cannot fix; moved to dead letter");
    const { db } = engine;
    const zebra = await postIdOf(db, "zebra");
    const letters = await db.query(`SELECT reason, attempts FROM ${db.tables.deadLetter} WHERE post_id = ?`, [zebra]);
    expect(letters).toHaveLength(1);
    expect(toInt(letters[0]?.attempts)).toBe(1);
    expect(String(letters[0]?.reason)).toMatch(
      /^Embedding API rejected chunk 1 of 1 \(HTTP 400: This model's maximum context length is 512 tokens.*\); the chunk is longer than the model's context: lower --embed-max-chars \(now 200\)/,
    );
    const chunkCounts = await db.query(
      `SELECT p.source, COUNT(c.id) AS chunks FROM ${db.tables.posts} p LEFT JOIN ${db.tables.chunks} c ON c.post_id = p.id` +
        " WHERE p.source IN ('zebra', 'owl', 'fox') GROUP BY p.source ORDER BY p.source",
    );
    expect(chunkCounts.map((row) => [row.source, toInt(row.chunks)])).toEqual([["fox", 1], ["owl", 1], ["zebra", 0]]);
  });

  it.skipIf(target.skipReason)("fails the attempt on an invalid response", async () => {
    mock.responder = (request) =>
      request.input.some((input) => input.includes("Narwhal")) ? { status: 200, body: '{"data":[{"index":0,"embedding":[NaN]}]}' } : undefined;
    try {
      await importPost(engine.db, { source: "narwhal", title: "Narwhal", url: "", content: "Tusks of ivory." });
      const summary = await drainQueue(engine, captured.log);
      expect(summary.retried).toBe(1);
      expect(summary.deadLettered).toBe(0);
    } finally {
      mock.responder = undefined;
    }
    const { db } = engine;
    const jobs = await db.query(`SELECT status, attempts, last_error FROM ${db.tables.jobs} WHERE post_id = ?`, [await postIdOf(db, "narwhal")]);
    expect(jobs[0]?.status).toBe("queued");
    expect(toInt(jobs[0]?.attempts)).toBe(1);
    expect(String(jobs[0]?.last_error)).toMatch(/returned a response that is not JSON/);
  });

  it.skipIf(target.skipReason)("fails the attempt at once on Retry-After over the cap", async () => {
    mock.script.push({ status: 429, headers: { "retry-after": "999" }, body: errorBody("Rate limit reached") });
    await importPost(engine.db, { source: "heron", title: "Herons", url: "", content: "Herons wade in shallow water." });
    const started = performance.now();
    const summary = await drainQueue(engine, captured.log);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(summary.retried).toBe(1);
    expect(summary.deadLettered).toBe(0);
    const { db } = engine;
    const jobs = await db.query(`SELECT status, attempts, last_error FROM ${db.tables.jobs} WHERE post_id = ?`, [await postIdOf(db, "heron")]);
    expect(jobs[0]?.status).toBe("queued");
    expect(toInt(jobs[0]?.attempts)).toBe(1);
    expect(String(jobs[0]?.last_error)).toMatch(/retry after 999000 ms, which would exceed the 5000 ms wait cap/);
  });

  it.skipIf(target.skipReason)("keeps the API key out of logs and errors", async () => {
    mock.script.push({ status: 401, body: errorBody(`Incorrect API key provided: ${API_KEY}`) });
    await importPost(engine.db, { source: "badger", title: "Badgers", url: "", content: "Badgers dig setts." });
    const summary = await drainQueue(engine, captured.log);
    expect(summary.retried).toBe(1);

    const output = captured.output();
    expect(output).toContain("job failed; retry scheduled");
    expect(output).toContain("HTTP 401: Incorrect API key provided: [redacted]");
    expect(output).not.toContain(API_KEY);
    const { db } = engine;
    const stored = await db.query(
      `SELECT last_error AS text FROM ${db.tables.jobs} UNION ALL SELECT reason AS text FROM ${db.tables.deadLetter}`,
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) expect(String(row.text ?? "")).not.toContain(API_KEY);
  });
});
