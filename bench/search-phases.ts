/**
 * Medians of the time a search spends in each step, from the step timings
 * that Searcher.search reports in its stats.
 */
import type { Engine } from "../src/engine.js";
import type { SearchSteps } from "../src/search/search.js";
import type { PhaseFigure } from "./results.js";
import { median } from "./stats.js";

const PHASE_NAMES: Record<keyof SearchSteps, string> = {
  query: "tokenize and embed the query (WASM, main thread)",
  lexical: "lexical leg in SQL (token counts, prefilter, the pool's missing weights), with the int8 scan running alongside",
  vector: "rest of the int8 scan (WASM SIMD, pool threads), float32 rescoring, lexical scores of vector-only posts",
  fusion: "rank fusion",
  read: "result read (posts, chunk text, excerpt)",
};

export const PHASES = Object.values(PHASE_NAMES);

/** Runs every query once and returns each step's median. */
export async function measurePhases(engine: Engine, queries: readonly string[], k: number): Promise<PhaseFigure[]> {
  const keys = Object.keys(PHASE_NAMES) as (keyof SearchSteps)[];
  const times = new Map(keys.map((key) => [key, [] as number[]]));
  for (const query of queries) {
    const { stats } = await engine.searcher.search({ query, k });
    for (const key of keys) times.get(key)?.push(stats.steps[key]);
  }
  const medians = keys.map((key) => median(times.get(key) ?? []));
  const total = medians.reduce((sum, value) => sum + value, 0);
  return keys.map((key, index) => {
    const medianMs = medians[index] as number;
    return { phase: PHASE_NAMES[key], medianMs, share: total > 0 ? medianMs / total : 0 };
  });
}
