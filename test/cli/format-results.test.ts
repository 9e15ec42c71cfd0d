import { describe, expect, it } from "vitest";

import { formatResults } from "../../src/cli/commands/search.js";
import type { SearchResponse } from "../../src/search/search.js";

function response(stats: Partial<SearchResponse["stats"]>): SearchResponse {
  return {
    results: [],
    stats: {
      queryTokens: 1,
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
});
