import { describe, expect, it } from "vitest";

import { formatResults } from "../../src/cli/commands/search.js";
import type { SearchResponse } from "../../src/search/search.js";

function response(stats: Partial<SearchResponse["stats"]>): SearchResponse {
  return {
    results: [],
    stats: {
      queryTokens: 1,
      lexicalTokensDropped: 0,
      candidates: 0,
      vectorOnly: 0,
      chunksIndexed: 0,
      chunksSkipped: 0,
      chunksCorrupt: 0,
      milliseconds: 1,
      steps: { query: 0, lexical: 0, vector: 0, fusion: 0, read: 0 },
      ...stats,
    },
  };
}

describe("formatResults", () => {
  it("prints no note when every vector was scanned", () => {
    expect(formatResults("owls", response({ chunksIndexed: 4 }), false)).not.toMatch(/Note:/);
  });

  it("notes skipped chunk vectors", () => {
    const text = formatResults("owls", response({ chunksSkipped: 12 }), false);
    expect(text).toMatch(/Note: 12 stored chunk vectors were skipped/);
    expect(text).toMatch(/wpllmseo reembed/);
  });

  it("notes a failed query embedding", () => {
    const text = formatResults("owls", response({ vectorLegError: "HTTP 503" }), false);
    expect(text).toMatch(/Note: the query could not be embedded, so these results come from the lexical leg alone: HTTP 503/);
  });

  it("notes query words the lexical leg left out", () => {
    const text = formatResults("many words", response({ lexicalTokensDropped: 4 }), false);
    expect(text).toMatch(/Note: the lexical leg weighed the 16 rarest words of the query and left out 4;/);
  });

  it("marks estimated ranks with ~ under --explain", () => {
    const explained: SearchResponse = {
      ...response({}),
      results: [
        {
          id: "7",
          title: "Owls",
          url: "https://example.org/owls",
          score: 0.5,
          excerpt: "Barn owls hunt voles.",
          explain: { lexicalRank: 1200, lexicalScore: 0.25, vectorRank: 3, vectorScore: 0.8, lexicalRankEstimated: true, vectorRankEstimated: false },
        },
        {
          id: "8",
          title: "Voles",
          url: "",
          score: 0.4,
          excerpt: "",
          explain: { lexicalRank: null, lexicalScore: null, vectorRank: 4100, vectorScore: 0.3, lexicalRankEstimated: false, vectorRankEstimated: true },
        },
      ],
    };
    const text = formatResults("owls", explained, true);
    expect(text).toContain("lexical rank ~1200 score 0.250; vector rank 3 cosine 0.800");
    expect(text).toContain("lexical rank - score -; vector rank ~4100 cosine 0.300");
    expect(formatResults("owls", explained, false)).not.toMatch(/rank/);
  });
});
