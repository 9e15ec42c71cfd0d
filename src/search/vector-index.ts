/**
 * The vector leg of search: every chunk vector of the configured embedder,
 * int8-quantized in memory shared with the pool threads, scanned in full
 * for each query by WASM SIMD on those threads.
 *
 * The scan does not depend on the lexical prefilter, so a query with no
 * word in common with a post still finds it when their vectors are close.
 * It also keeps every post's best chunk, so each lexical candidate gets a
 * vector score, and a histogram of those scores gives each post an
 * estimated rank among all posts for fusion (vector-rank.ts).
 */
import type { Logger } from "pino";

import type { KernelPool } from "../pool/pool.js";
import { scanScratchBytes, scanScratchLayout } from "../pool/scan-layout.js";
import type { ScanSegment, ScanVectorsOutput } from "../pool/tasks.js";
import type { Db } from "../store/db.js";
import { quantizeVector } from "./quantize.js";
import { VectorCatalog } from "./vector-catalog.js";
import { VectorMemory } from "./vector-memory.js";
import { VectorRankEstimate } from "./vector-rank.js";
import { VectorSync } from "./vector-sync.js";

export interface ScoredChunk {
  chunkId: string;
  postId: string;
  score: number;
}

export interface VectorLeg {
  /** The best chunks of the whole index, best first. */
  nearest: ScoredChunk[];
  /** The best chunk of each requested post that has one. */
  bestOfPosts: Map<string, ScoredChunk>;
  /** Ranks of int8 post scores among every post's best chunk score. */
  ranks: VectorRankEstimate;
}

export interface VectorIndexOptions {
  db: Db;
  queueDb: Db;
  dim: number;
  version: string;
  log?: Logger;
}

export class VectorIndex {
  readonly memory: VectorMemory;
  readonly catalog = new VectorCatalog();
  readonly sync: VectorSync;

  constructor(options: VectorIndexOptions) {
    this.memory = new VectorMemory(options.dim);
    this.sync = new VectorSync({ ...options, memory: this.memory, catalog: this.catalog });
  }

  /** Scans for the `k` nearest chunks and the best chunk of each post, on the pool's threads. */
  async search(pool: KernelPool, query: Float32Array, k: number, postIds: readonly string[]): Promise<VectorLeg> {
    await this.sync.sync();
    const { row, factor } = quantizeVector(query, this.memory.stride);
    const { memory, catalog } = this;
    if (factor === 0 || catalog.size === 0) {
      return { nearest: [], bestOfPosts: new Map(), ranks: new VectorRankEstimate(new Float32Array(0)) };
    }

    const postCount = catalog.postOrdinalCount;
    const parts = splitSegments(memory.segments, pool.threads);
    const blocks = parts.map(() => memory.acquireBlock(scanScratchBytes(memory.stride, k, postCount)));
    try {
      const outputs = await Promise.all(
        parts.map((segments, index) =>
          pool.scanVectors({
            query: row,
            queryFactor: factor,
            stride: memory.stride,
            segments,
            k,
            postCount,
            scratch: (blocks[index] as { address: number }).address,
          }),
        ),
      );
      const postBest = this.#mergePostBest(blocks, k, postCount);
      return {
        nearest: this.#mergeNearest(outputs, k),
        bestOfPosts: this.#bestOfPosts(postIds, postBest),
        ranks: new VectorRankEstimate(postBest.scores),
      };
    } finally {
      for (const block of blocks) memory.releaseBlock(block);
    }
  }

  /**
   * Combines the per-post arrays that the scan tasks left in their scratch
   * blocks: the higher score wins, the lower slot on a tie. Returns copies,
   * so they outlive the blocks.
   */
  #mergePostBest(blocks: readonly { address: number }[], k: number, postCount: number) {
    const { buffer } = this.memory.memory;
    const scores = new Float32Array(postCount).fill(-Infinity);
    const slots = new Int32Array(postCount).fill(-1);
    for (const block of blocks) {
      const layout = scanScratchLayout(block.address, this.memory.stride, k, postCount);
      const partScores = new Float32Array(buffer, layout.postScores, postCount);
      const partSlots = new Int32Array(buffer, layout.postSlots, postCount);
      for (let ordinal = 0; ordinal < postCount; ordinal++) {
        const score = partScores[ordinal] as number;
        const current = scores[ordinal] as number;
        const slot = partSlots[ordinal] as number;
        const wins = score > current || (score === current && slot !== -1 && slot < (slots[ordinal] as number));
        if (wins) {
          scores[ordinal] = score;
          slots[ordinal] = slot;
        }
      }
    }
    return { scores, slots };
  }

  #mergeNearest(outputs: readonly ScanVectorsOutput[], k: number): ScoredChunk[] {
    const merged: ScoredChunk[] = [];
    for (const output of outputs) {
      output.slots.forEach((slot, index) => {
        const chunk = this.catalog.chunkAt(slot);
        if (chunk) merged.push({ ...chunk, score: output.scores[index] as number });
      });
    }
    return merged.sort((a, b) => b.score - a.score).slice(0, k);
  }

  #bestOfPosts(postIds: readonly string[], postBest: { scores: Float32Array; slots: Int32Array }): Map<string, ScoredChunk> {
    const best = new Map<string, ScoredChunk>();
    for (const postId of postIds) {
      const ordinal = this.catalog.findOrdinal(postId);
      if (ordinal === undefined || ordinal >= postBest.slots.length) continue;
      const chunk = this.catalog.chunkAt(postBest.slots[ordinal] as number);
      if (chunk) best.set(postId, { ...chunk, score: postBest.scores[ordinal] as number });
    }
    return best;
  }
}

/**
 * Splits the segments into at most `parts` lists of about equal row counts,
 * one per pool thread. Each list is a snapshot: rows appended later are not
 * scanned by a task already sent.
 */
function splitSegments(segments: readonly ScanSegment[], parts: number): ScanSegment[][] {
  const snapshot = segments.filter((segment) => segment.count > 0).map((segment) => ({ ...segment }));
  const lists: ScanSegment[][] = Array.from({ length: Math.max(1, Math.min(parts, snapshot.length)) }, () => []);
  const rowsPerList = lists.map(() => 0);
  for (const segment of snapshot) {
    const target = rowsPerList.indexOf(Math.min(...rowsPerList));
    lists[target]?.push(segment);
    rowsPerList[target] = (rowsPerList[target] ?? 0) + segment.count;
  }
  return lists;
}
