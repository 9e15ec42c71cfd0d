import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";

import { findCandidates, scoreLexicalPosts, shareBudget, type LexicalLeg } from "../../src/search/find-candidates.js";
import { LexicalRanker } from "../../src/search/lexical-rank.js";
import { PRELOAD_MIN_POSTINGS, STATS_TTL_MS, TokenStats } from "../../src/search/token-stats.js";
import type { Db } from "../../src/store/db.js";
import { loadDialectTargets, useTestDatabase } from "../helpers/db.js";

describe("shareBudget", () => {
  it("gives rare tokens all their postings", () => {
    expect(shareBudget([100, 3000, 8000], 12_000)).toEqual([100, 3000, 8000]);
  });

  it("splits the rest among common tokens", () => {
    expect(shareBudget([50_000, 100, 40_000], 12_000)).toEqual([5950, 100, 5950]);
  });

  it("never exceeds the budget", () => {
    const caps = shareBudget([9, 70_000, 70_000, 70_000], 1000);
    expect(caps.reduce((sum, cap) => sum + cap, 0)).toBeLessThanOrEqual(1000);
    expect(caps[0]).toBe(9);
  });
});

describe("LexicalRanker", () => {
  function legOf(scores: number[], complete: boolean, matchingPosts: number): LexicalLeg {
    const pool = scores.map((lexicalScore, index) => ({ postId: String(index + 1), lexicalScore }));
    return { candidates: pool.slice(0, 2), pool, complete, weights: [["alpha", 1]], droppedTokens: 0, frequencies: new Map([["alpha", matchingPosts]]), matchingPosts };
  }

  it("ranks exactly among the pool", () => {
    const ranker = new LexicalRanker(legOf([10, 8, 6, 4], false, 1000));
    expect(ranker.rankOf(11)).toBe(1);
    expect(ranker.rankOf(8)).toBe(2);
    expect(ranker.rankOf(7)).toBe(3);
    expect(ranker.rankOf(4)).toBe(4);
    expect(ranker.isEstimated(4)).toBe(false);
  });

  it("orders tied pool posts by id", () => {
    const ranker = new LexicalRanker(legOf([10, 8, 8, 4], false, 1000));
    expect(ranker.rankOfPost("2", 8)).toBe(2);
    expect(ranker.rankOfPost("3", 8)).toBe(3);
    expect(ranker.rankOfPost("99", 8)).toBe(2);
  });

  it("interpolates below a full pool", () => {
    const ranker = new LexicalRanker(legOf([10, 8, 6, 4], false, 1000));
    expect(ranker.isEstimated(3.99)).toBe(true);
    expect(ranker.rankOf(3.99)).toBeGreaterThanOrEqual(5);
    expect(ranker.rankOf(2)).toBe(Math.round(5 * (1000 / 5) ** 0.5));
    expect(ranker.rankOf(0)).toBe(1000);
    expect(ranker.rankOf(1)).toBeGreaterThan(ranker.rankOf(3));
  });

  it("ranks right after a complete pool", () => {
    const ranker = new LexicalRanker(legOf([10, 8, 6, 4], true, 1000));
    expect(ranker.isEstimated(1)).toBe(false);
    expect(ranker.rankOf(1)).toBe(5);
  });
});

const targets = await loadDialectTargets();

/** Drops the (token, post_id, score) index on MySQL and returns whether it did. SQLite has no such index. */
async function dropTokenPostIndex(db: Db): Promise<boolean> {
  if (db.dialect !== "mysql") return false;
  await db.execute(`ALTER TABLE ${db.tables.tokens} DROP KEY token_post_score`);
  return true;
}

describe.each(targets)("lexical leg on $label", (target) => {
  const database = useTestDatabase(target);

  async function insertTokens(db: Db, rows: [postId: string, token: string, score: number][]): Promise<void> {
    for (const [postId, token, score] of rows) {
      await db.execute(`INSERT INTO ${db.tables.tokens} (post_id, token, score, created_at) VALUES (?, ?, ?, '2026-01-01 00:00:00')`, [postId, token, score]);
      await db.execute(
        `INSERT INTO ${db.tables.chunks} (post_id, chunk_index, chunk_text, created_at, updated_at)` +
          " VALUES (?, 0, 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        [postId],
      );
    }
  }

  // A table created before the (token, post_id, score) index joined the
  // schema lacks it, and MySQL reads it another way.
  it.skipIf(target.skipReason).each([
    { layout: "the engine's indexes", dropIndex: false },
    { layout: "no (token, post_id, score) index", dropIndex: true },
  ])("scores given posts over all postings with $layout", async ({ dropIndex }) => {
    const db = await database.openMigrated();
    if (dropIndex) {
      const dropped = await dropTokenPostIndex(db);
      expect(dropped).toBe(db.dialect === "mysql");
    }
    await insertTokens(db, [
      ["1", "alpha", 2],
      ["1", "beta", 1],
      ["2", "alpha", 0.5],
      ["3", "gamma", 4],
      ["9007199254740993", "beta", 3],
    ]);
    const weights: [string, number][] = [["alpha", 2], ["beta", 1]];
    const postIds = ["1", "3", "9007199254740993"];
    // Without that index, MySQL looks each pair up when it has no
    // frequencies, and with these small ones it reads each token's
    // postings on the (token, score, post_id) index.
    for (const frequencies of [new Map<string, number>(), new Map([["alpha", 2], ["beta", 2]])]) {
      const scored = await scoreLexicalPosts(db, weights, postIds, frequencies);
      const byPost = new Map(scored.map((post) => [post.postId, post.lexicalScore]));
      expect(byPost.get("1")).toBeCloseTo(5, 10);
      expect(byPost.get("9007199254740993")).toBeCloseTo(3, 10);
      expect(byPost.has("3")).toBe(false);
      expect(byPost.has("2")).toBe(false);
    }
  });

  it.skipIf(target.skipReason)("reads on after an index is dropped", async () => {
    const db = await database.openMigrated();
    await insertTokens(db, [
      ...[6, 5, 4, 3, 2, 1].map((score, index): [string, string, number] => [String(index + 1), "alpha", score]),
      ["6", "beta", 10],
    ]);
    const stats = new TokenStats(db);
    const options = { limit: 2, postingBudget: 3 };
    const before = await findCandidates(db, stats, ["alpha", "beta"], options);
    await dropTokenPostIndex(db);
    const after = await findCandidates(db, stats, ["alpha", "beta"], options);
    expect(after.pool).toEqual(before.pool);
    expect(after.pool.map((post) => post.postId)).toEqual(["6", "1", "2"]);
  });

  it.skipIf(target.skipReason)("counts tokens when the load fails", async () => {
    const db = await database.openMigrated();
    await insertTokens(db, [
      ["1", "alpha", 1],
      ["2", "alpha", 1],
    ]);
    const query = db.query.bind(db);
    vi.spyOn(db, "query").mockImplementation((sql, params) =>
      sql.includes("GROUP BY token") ? Promise.reject(new Error("server gone")) : query(sql, params),
    );
    const lines: string[] = [];
    const stats = new TokenStats(db, pino({ level: "warn" }, { write: (line: string) => lines.push(line) }));
    expect((await stats.inverseFrequencies(["alpha"])).get("alpha")).toBeGreaterThan(0);
    expect(await stats.documentFrequencies(["alpha"])).toEqual(new Map([["alpha", 2]]));
    expect(lines.filter((line) => line.includes("server gone"))).toHaveLength(db.dialect === "mysql" ? 1 : 0);
  });

  it.skipIf(target.skipReason)("loads the frequencies of common tokens at the first search on MySQL only", async () => {
    const db = await database.openMigrated();
    const postings = Array.from({ length: PRELOAD_MIN_POSTINGS }, (_, index) => `(${index + 1}, 'common', 1, '2026-01-01 00:00:00')`);
    await db.execute(`INSERT INTO ${db.tables.tokens} (post_id, token, score, created_at) VALUES ${postings.join(", ")}`);
    await insertTokens(db, [["1", "rare", 1]]);
    const query = vi.spyOn(db, "query");
    const stats = new TokenStats(db);
    await stats.inverseFrequencies(["common", "rare"]);
    expect(await stats.documentFrequencies(["common", "rare"])).toEqual(
      new Map([
        ["common", PRELOAD_MIN_POSTINGS],
        ["rare", 1],
      ]),
    );
    const counted = query.mock.calls.filter(([sql]) => sql.includes("AS df") && sql.includes("WHERE token = ?")).map(([, params]) => params?.[0]);
    expect(counted.sort()).toEqual(db.dialect === "mysql" ? ["rare"] : ["common", "rare"]);
  });

  it.skipIf(target.skipReason)("serves stale frequency while recounting", async () => {
    const db = await database.openMigrated();
    await insertTokens(db, [
      ["1", "alpha", 1],
      ["2", "alpha", 1],
    ]);
    const stats = new TokenStats(db);
    const started = Date.now();
    expect(await stats.documentFrequencies(["alpha"])).toEqual(new Map([["alpha", 2]]));
    expect(await stats.readPostCount()).toBe(2);
    await insertTokens(db, [["3", "alpha", 1]]);
    expect(await stats.documentFrequencies(["alpha"])).toEqual(new Map([["alpha", 2]]));
    vi.useFakeTimers({ now: started + STATS_TTL_MS + 1, toFake: ["Date"] });
    try {
      expect(await stats.documentFrequencies(["alpha"])).toEqual(new Map([["alpha", 2]]));
      await vi.waitFor(async () => expect(await stats.documentFrequencies(["alpha"])).toEqual(new Map([["alpha", 3]])));
      expect(await stats.readPostCount()).toBe(2);
      await vi.waitFor(async () => expect(await stats.readPostCount()).toBe(3));
    } finally {
      vi.useRealTimers();
    }
  });

  it.skipIf(target.skipReason)("bounds matching posts by frequencies", async () => {
    const db = await database.openMigrated();
    await insertTokens(db, [
      ["1", "alpha", 2],
      ["2", "alpha", 1],
      ["3", "beta", 1],
      ["4", "zeta", 1],
    ]);
    const leg = await findCandidates(db, new TokenStats(db), ["alpha", "beta"], { limit: 10 });
    // beta is in one post and alpha in two, so beta's idf is the larger.
    expect(leg.candidates.map((candidate) => candidate.postId)).toEqual(["1", "3", "2"]);
    expect(leg.matchingPosts).toBe(3);
    expect(leg.weights.map(([token]) => token).sort()).toEqual(["alpha", "beta"]);
  });

  it.skipIf(target.skipReason)("keeps tied posts at the pool's edge in id order", async () => {
    const db = await database.openMigrated();
    await insertTokens(db, [
      ["10", "alpha", 1],
      ["9007199254740993", "alpha", 1],
      ["9", "alpha", 1],
      ["2", "alpha", 1],
      ["5", "alpha", 3],
      ["5", "beta", 1],
      ["7", "beta", 1],
    ]);
    const leg = await findCandidates(db, new TokenStats(db), ["alpha", "beta"], { limit: 2, poolSize: 3 });
    expect(leg.pool.map((post) => post.postId)).toEqual(["5", "7", "2"]);
    const wider = await findCandidates(db, new TokenStats(db), ["alpha", "beta"], { limit: 2, poolSize: 7 });
    expect(wider.pool.map((post) => post.postId)).toEqual(["5", "7", "2", "9", "10", "9007199254740993"]);
    expect(wider.complete).toBe(true);
  });

  it.skipIf(target.skipReason)("scores the pool in full when a token's postings are cut off", async () => {
    const db = await database.openMigrated();
    // alpha is in every post; beta only in post 6, which has alpha's
    // lowest weight. A budget of 3 postings reads beta's one and alpha's
    // best two, so post 6's alpha weight is not among the postings read.
    await insertTokens(db, [
      ...[6, 5, 4, 3, 2, 1].map((score, index): [string, string, number] => [String(index + 1), "alpha", score]),
      ["6", "beta", 10],
    ]);
    const leg = await findCandidates(db, new TokenStats(db), ["alpha", "beta"], { limit: 2, postingBudget: 3 });
    expect(leg.pool.map((post) => post.postId)).toEqual(["6", "1", "2"]);
    expect(leg.candidates.map((post) => post.postId)).toEqual(["6", "1"]);
    expect(leg.complete).toBe(false);
    const exact = new Map((await scoreLexicalPosts(db, leg.weights, ["6", "1", "2"])).map((post) => [post.postId, post.lexicalScore]));
    for (const post of leg.pool) expect(post.lexicalScore).toBeCloseTo(exact.get(post.postId) as number, 10);
    const [alphaIdf] = leg.weights.filter(([token]) => token === "alpha").map(([, idf]) => idf);
    expect(leg.pool[0]?.lexicalScore).toBeGreaterThan(10 * (leg.weights[0]?.[1] ?? 0) + 0.5 * (alphaIdf ?? 0));
  });

  it.skipIf(target.skipReason)("counts ranks below the pool from the postings above a score", async () => {
    const db = await database.openMigrated();
    await insertTokens(
      db,
      [9, 8, 7, 6, 5, 4, 3, 2, 1].map((score, index): [string, string, number] => [String(index + 1), "alpha", score]),
    );
    const leg = await findCandidates(db, new TokenStats(db), ["alpha"], { limit: 1, poolSize: 2 });
    expect(leg.pool.map((post) => post.postId)).toEqual(["1", "2"]);
    const [[, idf]] = leg.weights as [[string, number]];
    const ranker = new LexicalRanker(leg);
    // Weights above 4.5 * idf: postings 9, 8, 7, 6 and 5, so rank 6.
    // Above 7.5 * idf: 9 and 8, so rank 3, which is also the first rank after the pool.
    const ranks = await ranker.countRanks(db, [4.5 * idf, 7.5 * idf, 1.5 * idf]);
    expect(ranks.get(4.5 * idf)).toBe(6);
    expect(ranks.get(7.5 * idf)).toBe(3);
    expect(ranks.get(1.5 * idf)).toBe(9);
    expect(await ranker.countRanks(db, [8.5 * idf])).toEqual(new Map());
  });
});
