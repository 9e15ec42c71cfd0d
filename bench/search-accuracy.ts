/**
 * Top-10 overlap of the engine's results with the exhaustive search
 * (exhaustive-search.ts) on the same database and queries.
 */
import type { Engine } from "../src/engine.js";
import { ExhaustiveSearch } from "./exhaustive-search.js";
import type { AccuracyFigure } from "./results.js";
import { mean } from "./stats.js";

/** Returns the mean overlap over `queries`, or null when there are none. */
export async function measureAccuracy(engine: Engine, queries: readonly string[], k: number): Promise<AccuracyFigure | null> {
  if (queries.length === 0) return null;
  const exhaustive = await ExhaustiveSearch.load(engine.readDb, engine.embedder.dim);
  const overlaps: number[] = [];
  for (const query of queries) {
    const { results } = await engine.searcher.search({ query, k });
    const tokens = engine.kernels.tokenize(query);
    const expected = new Set(await exhaustive.search(tokens, engine.kernels.hashEmbed(tokens, engine.embedder.dim), k));
    if (expected.size === 0) continue;
    const found = results.filter((result) => expected.has(result.id)).length;
    overlaps.push(found / expected.size);
  }
  return { queries: overlaps.length, meanOverlap: mean(overlaps), minOverlap: Math.min(...overlaps) };
}
