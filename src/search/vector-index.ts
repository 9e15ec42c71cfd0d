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
import { scanScratchBytes, scanScratchLayout, type ScanScratchLayout } from "../pool/scan-layout.js";
import type { ScanSegment, ScanVectorsOutput } from "../pool/tasks.js";
import type { Db } from "../store/db.js";
import { quantizeVector } from "./quantize.js";
import { VectorCatalog } from "./vector-catalog.js";
import { VectorMemory } from "./vector-memory.js";
import { instantiateInt8Scan, type Int8ScanExports } from "../kernels/int8-scan.js";
import { BIN_COUNT, VectorRankEstimate } from "./vector-rank.js";
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
  #mainScan: Int8ScanExports | undefined;

  constructor(options: VectorIndexOptions) {
    this.memory = new VectorMemory(options.dim);
    this.sync = new VectorSync({ ...options, memory: this.memory, catalog: this.catalog });
  }

  /**
   * Scans for the `k` nearest chunks and the best chunk of each post, on the
   * pool's threads. `postIds` may still be pending: search passes the
   * lexical candidates while the prefilter runs, and the scan waits for
   * them only to read their best chunks. The caller runs `sync.sync()`
   * first, so rows written since the last search are scanned.
   */
  async search(
    pool: KernelPool,
    query: Float32Array,
    k: number,
    postIds: readonly string[] | Promise<readonly string[]>,
  ): Promise<VectorLeg> {
    const { row, factor } = quantizeVector(query, this.memory.stride);
    const { memory, catalog } = this;
    if (factor === 0 || catalog.size === 0) {
      return { nearest: [], bestOfPosts: new Map(), ranks: new VectorRankEstimate(new Uint32Array(BIN_COUNT)) };
    }

    const postCount = catalog.postOrdinalCount;
    const parts = splitRows(memory.segments, pool.threads, memory.stride);
    const blocks = parts.map(() => memory.acquireBlock(scanScratchBytes(memory.stride, k, postCount)));
    const bins = memory.acquireBlock(BIN_COUNT * 4);
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
      const counts = new Uint32Array(memory.memory.buffer, bins.address, BIN_COUNT);
      this.#scan.histogramScores(postBest.scores.byteOffset, postCount, bins.address, BIN_COUNT);
      return {
        nearest: this.#mergeNearest(outputs, k),
        bestOfPosts: this.#bestOfPosts(await postIds, postBest),
        ranks: new VectorRankEstimate(counts.slice()),
      };
    } finally {
      for (const block of blocks) memory.releaseBlock(block);
      memory.releaseBlock(bins);
    }
  }

  /** The scan kernel on the main thread, for merging the tasks' per-post arrays. */
  get #scan(): Int8ScanExports {
    this.#mainScan ??= instantiateInt8Scan(this.memory.memory);
    return this.#mainScan;
  }

  /**
   * Merges the per-post arrays that the scan tasks left in their scratch
   * blocks into the first block's (mergePostBest in assembly/scan) and
   * returns views of those, valid until the blocks are released.
   */
  #mergePostBest(blocks: readonly { address: number }[], k: number, postCount: number) {
    const { buffer } = this.memory.memory;
    const layouts = blocks.map((block) => scanScratchLayout(block.address, this.memory.stride, k, postCount));
    const into = layouts[0] as ScanScratchLayout;
    for (const from of layouts.slice(1)) {
      this.#scan.mergePostBest(into.postScores, into.postSlots, from.postScores, from.postSlots, postCount);
    }
    return {
      scores: new Float32Array(buffer, into.postScores, postCount),
      slots: new Int32Array(buffer, into.postSlots, postCount),
    };
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
 * Splits the rows written so far into at most `parts` lists of segment
 * ranges with about equal row counts, one per pool thread (`stride` bytes
 * per row). A range is a
 * segment's rows from some row on, with its addresses moved to that row.
 * Each list is a snapshot: rows appended later are not scanned by a task
 * already sent.
 */
export function splitRows(segments: readonly ScanSegment[], parts: number, stride: number): ScanSegment[][] {
  const total = segments.reduce((sum, segment) => sum + segment.count, 0);
  const lists: ScanSegment[][] = [];
  const perPart = Math.ceil(total / Math.max(1, parts));
  let list: ScanSegment[] = [];
  let inList = 0;
  for (const segment of segments) {
    let start = 0;
    while (start < segment.count) {
      const take = Math.min(segment.count - start, perPart - inList);
      list.push({
        rows: segment.rows + start * stride,
        factors: segment.factors + start * 4,
        posts: segment.posts + start * 4,
        count: take,
        firstSlot: segment.firstSlot + start,
      });
      start += take;
      inList += take;
      if (inList === perPart) {
        lists.push(list);
        list = [];
        inList = 0;
      }
    }
  }
  if (list.length > 0) lists.push(list);
  return lists;
}
