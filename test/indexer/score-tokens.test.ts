import { describe, expect, it } from "vitest";

import { B, K1, MAX_TOKENS_PER_POST, REFERENCE_LENGTH, scoreTokens, TITLE_WEIGHT } from "../../src/indexer/score-tokens.js";

function weightOf(scored: ReturnType<typeof scoreTokens>, token: string): number {
  const entry = scored.find((candidate) => candidate.token === token);
  if (!entry) throw new Error(`token ${token} not scored`);
  return entry.score;
}

describe("scoreTokens", () => {
  it("computes the BM25 term weight", () => {
    const body = ["kiln", "kiln", ...Array.from({ length: 298 }, (_, i) => `w${i}`)];
    const scored = scoreTokens([], body);
    const norm = K1 * (1 - B + (B * 300) / REFERENCE_LENGTH);
    expect(weightOf(scored, "kiln")).toBeCloseTo((2 * (K1 + 1)) / (2 + norm), 12);
  });

  it("weights a title occurrence above a body occurrence", () => {
    const scored = scoreTokens(["glaze"], ["clay", "glaze", "clay"]);
    expect(weightOf(scored, "glaze")).toBeGreaterThan(weightOf(scored, "clay"));
    const titleOnly = scoreTokens(["glaze"], ["clay"]);
    const bodyTf = TITLE_WEIGHT;
    const norm = K1 * (1 - B + (B * (TITLE_WEIGHT + 1)) / REFERENCE_LENGTH);
    expect(weightOf(titleOnly, "glaze")).toBeCloseTo((bodyTf * (K1 + 1)) / (bodyTf + norm), 12);
  });

  it("gives a word less weight in a longer post", () => {
    const short = scoreTokens([], ["kiln", "a1", "a2"]);
    const long = scoreTokens([], ["kiln", ...Array.from({ length: 1500 }, (_, i) => `b${i}`)]);
    expect(weightOf(long, "kiln")).toBeLessThan(weightOf(short, "kiln"));
  });

  it("keeps at most MAX_TOKENS_PER_POST tokens, the best weighted", () => {
    const body = [...Array.from({ length: MAX_TOKENS_PER_POST + 10 }, (_, i) => `t${i}`), "repeated", "repeated"];
    const scored = scoreTokens([], body);
    expect(scored).toHaveLength(MAX_TOKENS_PER_POST);
    expect(scored[0]?.token).toBe("repeated");
  });

  it("returns nothing for an empty post", () => {
    expect(scoreTokens([], [])).toEqual([]);
  });
});
