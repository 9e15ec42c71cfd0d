import { describe, expect, it } from "vitest";

import { findCandidates, scoreLexicalPosts, shareBudget } from "../../src/search/find-candidates.js";
import { lexicalRanker } from "../../src/search/lexical-rank.js";
import { TokenStats } from "../../src/search/token-stats.js";
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

describe("lexicalRanker", () => {
  const candidates = [10, 8, 6, 4].map((lexicalScore, index) => ({ postId: String(index + 1), lexicalScore }));

  it("ranks among the candidates", () => {
    const rankOf = lexicalRanker(candidates, 4, 1000);
    expect(rankOf(11)).toBe(1);
    expect(rankOf(8)).toBe(2);
    expect(rankOf(7)).toBe(3);
    expect(rankOf(4)).toBe(4);
  });

  it("interpolates below the last candidate", () => {
    const rankOf = lexicalRanker(candidates, 4, 1000);
    expect(rankOf(3.99)).toBeGreaterThanOrEqual(5);
    expect(rankOf(2)).toBe(Math.round(5 * (1000 / 5) ** 0.5));
    expect(rankOf(0)).toBe(1000);
    expect(rankOf(1)).toBeGreaterThan(rankOf(3));
  });

  it("ranks right after a complete list", () => {
    const rankOf = lexicalRanker(candidates, 300, 1000);
    expect(rankOf(1)).toBe(5);
  });
});

const targets = await loadDialectTargets();

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

  it.skipIf(target.skipReason)("scores given posts over all postings", async () => {
    const db = await database.openMigrated();
    await insertTokens(db, [
      ["1", "alpha", 2],
      ["1", "beta", 1],
      ["2", "alpha", 0.5],
      ["3", "gamma", 4],
      ["9007199254740993", "beta", 3],
    ]);
    const scored = await scoreLexicalPosts(db, [["alpha", 2], ["beta", 1]], ["1", "3", "9007199254740993"]);
    const byPost = new Map(scored.map((post) => [post.postId, post.lexicalScore]));
    expect(byPost.get("1")).toBeCloseTo(5, 10);
    expect(byPost.get("9007199254740993")).toBeCloseTo(3, 10);
    expect(byPost.has("3")).toBe(false);
    expect(byPost.has("2")).toBe(false);
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
});
