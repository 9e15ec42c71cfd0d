/**
 * Times each step of a search separately, by calling the functions that
 * Searcher.search calls, in the same order and with the same arguments.
 *
 * NOTE: this mirrors src/search/search.ts step by step; when the searcher
 * gains or reorders a step, update the steps here to match.
 */
import type { Engine } from "../src/engine.js";
import { findCandidates } from "../src/search/find-candidates.js";
import { fuseRanks } from "../src/search/fuse.js";
import { loadChunkVectors, type ChunkVectors } from "../src/search/load-chunk-vectors.js";
import { readResultPosts } from "../src/search/read-result-posts.js";
import { DEFAULT_CANDIDATE_LIMIT } from "../src/search/search-request.js";
import type { BestChunks } from "../src/search/search.js";
import type { PhaseFigure } from "./results.js";
import { median } from "./stats.js";

export const PHASES = [
  "tokenize query",
  "SQL prefilter (token table)",
  "vector load (chunks table)",
  "pool scoring (embed query, verify, cosine)",
  "rank fusion",
  "result read (posts, chunk text, excerpt)",
] as const;

/**
 * Parts of pool scoring, timed on the main thread with the same kernels on
 * the same rows just before the pool call. They are estimates of the work a
 * pool thread does and are not counted in the step sum.
 */
export const SCORING_DETAILS = [
  "verify checksums (WASM SHA-256, main-thread estimate)",
  "cosine batch (WASM SIMD, main-thread estimate)",
] as const;

export const SCORING_STEP = PHASES[3];

/** Runs every query once through the timed steps and returns each step's median. */
export async function measurePhases(engine: Engine, queries: readonly string[], k: number): Promise<PhaseFigure[]> {
  const stepTimes: number[][] = PHASES.map(() => []);
  const detailTimes: number[][] = SCORING_DETAILS.map(() => []);
  for (const query of queries) {
    const elapsed = await timeOneSearch(engine, query, k);
    elapsed.steps.forEach((ms, index) => stepTimes[index]?.push(ms));
    elapsed.details.forEach((ms, index) => detailTimes[index]?.push(ms));
  }
  const medians = stepTimes.map((values) => median(values));
  const total = medians.reduce((sum, value) => sum + value, 0);
  const share = (ms: number): number => (total > 0 ? ms / total : 0);
  const steps = PHASES.map((phase, index) => ({ phase, medianMs: medians[index] as number, share: share(medians[index] as number) }));
  const details = SCORING_DETAILS.map((phase, index) => {
    const ms = median(detailTimes[index] as number[]);
    return { phase, medianMs: ms, share: share(ms), partOf: SCORING_STEP };
  });
  return [...steps, ...details];
}

interface SearchTimes {
  steps: number[];
  details: number[];
}

async function timeOneSearch(engine: Engine, query: string, k: number): Promise<SearchTimes> {
  const { db, kernels, embedder } = engine;
  const steps: number[] = [];
  let last = performance.now();
  const lap = (): void => {
    const now = performance.now();
    steps.push(now - last);
    last = now;
  };

  const tokens = kernels.tokenize(query);
  lap();
  const candidates = await findCandidates(db, tokens, DEFAULT_CANDIDATE_LIMIT);
  lap();
  const vectors = await loadChunkVectors(db, candidates.map((candidate) => candidate.postId), embedder.dim, embedder.version);
  lap();
  const details = timeScoringOnMainThread(engine, tokens, vectors);
  last = performance.now();
  const best = await scoreBestChunks(engine, tokens, vectors);
  lap();
  const fused = fuseRanks(
    candidates.map((candidate) => ({
      postId: candidate.postId,
      lexicalScore: candidate.lexicalScore,
      vectorScore: best.get(candidate.postId)?.score,
    })),
  ).slice(0, k);
  lap();
  await readResultPosts(db, fused, best, tokens);
  lap();
  return { steps, details };
}

/** Times checksum verification and the cosine batch of `vectors` on this thread and returns both durations in ms. */
function timeScoringOnMainThread(engine: Engine, tokens: string[], vectors: ChunkVectors): number[] {
  const { kernels, embedder } = engine;
  const dim = embedder.dim;
  const started = performance.now();
  vectors.checksums.forEach((expected, row) => {
    if (!expected) return;
    const bytes = new Uint8Array(vectors.rows.buffer, vectors.rows.byteOffset + row * dim * 4, dim * 4);
    if (kernels.sha256Hex(bytes) !== expected) throw new Error(`Chunk ${vectors.chunkIds[row]} does not match its checksum.`);
  });
  const verified = performance.now();
  if (vectors.chunkIds.length > 0) kernels.cosineBatch(kernels.hashEmbed(tokens, dim), vectors.rows);
  return [verified - started, performance.now() - verified];
}

/** Scores the loaded chunks on the pool and keeps each post's best chunk, as the searcher does. */
async function scoreBestChunks(engine: Engine, tokens: string[], vectors: ChunkVectors): Promise<BestChunks> {
  const best: BestChunks = Object.assign(new Map<string, { chunkId: string; score: number }>(), { corrupt: 0 });
  if (vectors.chunkIds.length === 0) return best;
  const query = engine.kernels.hashEmbed(tokens, engine.embedder.dim);
  const { scores, corrupt } = await engine.pool.scoreRows({ query, rows: vectors.rows, checksums: vectors.checksums });
  best.corrupt = corrupt.length;
  const corruptRows = new Set(corrupt);
  vectors.chunkIds.forEach((chunkId, row) => {
    if (corruptRows.has(row)) return;
    const postId = vectors.postIds[row] as string;
    const score = scores[row] as number;
    const current = best.get(postId);
    if (!current || score > current.score) best.set(postId, { chunkId, score });
  });
  return best;
}
