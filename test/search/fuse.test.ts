import { describe, expect, it } from "vitest";

import { compareIds, fuseRanks } from "../../src/search/fuse.js";

describe("fuseRanks", () => {
  it("adds reciprocal ranks of both legs", () => {
    const fused = fuseRanks([
      { postId: "1", lexicalScore: 3, vectorScore: 0.2 },
      { postId: "2", lexicalScore: 2, vectorScore: 0.9 },
    ]);
    const byId = new Map(fused.map((post) => [post.postId, post]));
    expect(byId.get("1")?.lexicalRank).toBe(1);
    expect(byId.get("1")?.vectorRank).toBe(2);
    expect(byId.get("1")?.score).toBeCloseTo((1 / 61 + 1 / 62) / (2 / 61), 12);
    expect(byId.get("2")?.score).toBeCloseTo((1 / 62 + 1 / 61) / (2 / 61), 12);
  });

  it("ranks a post found by both legs above one found by one", () => {
    const fused = fuseRanks([
      { postId: "7", lexicalScore: 5 },
      { postId: "8", lexicalScore: 4, vectorScore: 0.5 },
    ]);
    expect(fused.map((post) => post.postId)).toEqual(["8", "7"]);
    expect(fused[1]?.vectorRank).toBeNull();
    expect(fused[1]?.vectorScore).toBeNull();
  });

  it("uses vector ranks the caller gives", () => {
    const fused = fuseRanks([
      { postId: "1", lexicalScore: 3, vectorScore: 0.2, vectorRank: 4000 },
      { postId: "2", lexicalScore: 2, vectorScore: 0.9, vectorRank: 3 },
    ]);
    const byId = new Map(fused.map((post) => [post.postId, post]));
    expect(byId.get("1")?.vectorRank).toBe(4000);
    expect(byId.get("2")?.vectorRank).toBe(3);
    expect(byId.get("1")?.score).toBeCloseTo((1 / 61 + 1 / 4060) / (2 / 61), 12);
    expect(byId.get("2")?.score).toBeCloseTo((1 / 62 + 1 / 63) / (2 / 61), 12);
    expect(fused.map((post) => post.postId)).toEqual(["2", "1"]);
  });

  it("scores 1 for a post first in both legs", () => {
    const [top] = fuseRanks([{ postId: "1", lexicalScore: 1, vectorScore: 1 }]);
    expect(top?.score).toBe(1);
  });

  it("applies leg weights", () => {
    const fused = fuseRanks(
      [
        { postId: "1", lexicalScore: 2, vectorScore: 0.1 },
        { postId: "2", lexicalScore: 1, vectorScore: 0.8 },
      ],
      { k: 60, lexicalWeight: 0, vectorWeight: 1 },
    );
    expect(fused[0]?.postId).toBe("2");
  });

  it("breaks ties by id", () => {
    const fused = fuseRanks([
      { postId: "10", lexicalScore: 1 },
      { postId: "9", lexicalScore: 1 },
    ]);
    expect(fused.map((post) => post.postId)).toEqual(["9", "10"]);
  });
});

describe("compareIds", () => {
  it("orders ids above 2^53 exactly", () => {
    expect(compareIds("9007199254740993", "9007199254740992")).toBeGreaterThan(0);
    expect(compareIds("99", "100")).toBeLessThan(0);
    expect(compareIds("42", "42")).toBe(0);
  });
});
