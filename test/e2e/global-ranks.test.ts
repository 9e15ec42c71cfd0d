import path from "node:path";

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { bytesToVector } from "../../src/embedders/vector-codec.js";
import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";
import { MAX_QUERY_TOKENS } from "../../src/search/find-candidates.js";
import { toId } from "../../src/store/rows.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";
import { generatePosts, generateQueries } from "../../bench/synthetic-corpus.js";
import { buildVocabulary, findReadmes } from "../../bench/vocabulary.js";

const [sqlite] = await loadDialectTargets();
const silent = pino({ level: "silent" });
/** Enough posts that the nearest chunks of a search cover only a few of them. */
const POSTS = 400;

/** Ranks every post by its best chunk's exact cosine with the query, from 1. */
async function exactVectorRanks(engine: Engine, query: string): Promise<Map<string, number>> {
  const tokens = engine.kernels.tokenize(query);
  const queryVector = engine.kernels.hashEmbed(tokens, engine.embedder.dim);
  const rows = await engine.db.query(`SELECT post_id, embedding_f32 FROM ${engine.db.tables.chunks}`);
  const best = new Map<string, number>();
  for (const row of rows) {
    const vector = bytesToVector(row.embedding_f32 as Uint8Array) as Float32Array;
    const [score] = engine.kernels.cosineBatch(queryVector, vector);
    const postId = toId(row.post_id);
    best.set(postId, Math.max(best.get(postId) ?? -Infinity, score as number));
  }
  const order = [...best].sort((a, b) => b[1] - a[1]);
  return new Map(order.map(([postId], index) => [postId, index + 1]));
}

describe("vector ranks over the whole index", () => {
  let database: TestDatabase;
  let engine: Engine;

  beforeAll(async () => {
    if (!sqlite) throw new Error("no SQLite target");
    database = await sqlite.createDatabase();
    engine = await openEngine({ dbUrl: database.url, prefix: "rank_", log: silent, threads: 2, createSchema: true });
    const vocabulary = buildVocabulary(findReadmes(path.resolve("node_modules")), 2000);
    for (const post of generatePosts(vocabulary, { posts: POSTS, seed: 5 })) await importPost(engine.db, post);
    const worker = new Worker(engine.db, createIndexPostHandler(engine), {
      jobTypes: [EMBED_POST_JOB],
      limit: 0,
      untilEmpty: true,
      concurrency: 2,
      logger: silent,
    });
    await worker.run();
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  it("loads every chunk over several batches", async () => {
    await engine.searcher.search({ query: "search", k: 5 });
    const [count] = await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.chunks}`);
    const chunks = Number(count?.n);
    // More chunks than one vector load batch (256 rows) holds.
    expect(chunks).toBeGreaterThan(256 * 2);
    expect(engine.vectors.catalog.size).toBe(chunks);
    expect(engine.vectors.sync.stats.loaded).toBe(chunks);
  });

  it("matches exact ranks of every post", async () => {
    const vocabulary = buildVocabulary(findReadmes(path.resolve("node_modules")), 2000);
    for (const query of generateQueries(vocabulary, 10, 6)) await expectExactRanks(query);
  });

  it("marks estimated vector ranks", async () => {
    const vocabulary = buildVocabulary(findReadmes(path.resolve("node_modules")), 2000);
    const exactRanks: number[] = [];
    const estimatedRanks: number[] = [];
    for (const query of generateQueries(vocabulary, 10, 7)) {
      const { results } = await engine.searcher.search({ query, k: 20, candidateLimit: 40 });
      for (const { explain } of results) {
        if (explain.vectorRank === null) expect(explain.vectorRankEstimated).toBe(false);
        else (explain.vectorRankEstimated ? estimatedRanks : exactRanks).push(explain.vectorRank);
        // Every post fits in the prefilter's pool, so no lexical rank is estimated.
        expect(explain.lexicalRankEstimated).toBe(false);
      }
    }
    expect(exactRanks.length).toBeGreaterThan(0);
    expect(estimatedRanks.length).toBeGreaterThan(0);
    expect(Math.max(...exactRanks)).toBeLessThan(Math.min(...estimatedRanks));
  });

  it("counts query words past the 16 rarest", async () => {
    const words = buildVocabulary(findReadmes(path.resolve("node_modules")), 2000).slice(0, 40);
    const found: string[] = [];
    for (const word of words) {
      const [row] = await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.tokens} WHERE token = ?`, [word]);
      if (Number(row?.n) > 0 && !found.includes(word)) found.push(word);
    }
    expect(found.length).toBeGreaterThan(MAX_QUERY_TOKENS + 2);
    const long = await engine.searcher.search({ query: found.slice(0, MAX_QUERY_TOKENS + 3).join(" "), k: 5 });
    expect(long.stats.lexicalTokensDropped).toBe(3);
    const short = await engine.searcher.search({ query: found.slice(0, MAX_QUERY_TOKENS).join(" "), k: 5 });
    expect(short.stats.lexicalTokensDropped).toBe(0);
  });

  async function expectExactRanks(query: string): Promise<void> {
    const exact = await exactVectorRanks(engine, query);
    expect(exact.size).toBe(POSTS);
    const { results } = await engine.searcher.search({ query, k: 5, candidateLimit: 10 });
    const ranked = results.filter((result) => result.explain.vectorRank !== null);
    expect(ranked.length).toBeGreaterThan(0);
    for (const result of ranked) {
      const expected = exact.get(result.id) as number;
      // int8 scores and the histogram estimate move a rank by a few places where scores are dense.
      const tolerance = Math.max(6, expected * 0.1);
      expect(Math.abs((result.explain.vectorRank as number) - expected), `post ${result.id} for ${query}`).toBeLessThanOrEqual(tolerance);
    }
  }
});
