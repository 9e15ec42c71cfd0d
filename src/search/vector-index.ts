/**
 * The vector leg of search: every chunk vector of the configured embedder,
 * int8-quantized in memory shared with the pool threads, scanned in full
 * for each query by WASM SIMD on those threads.
 *
 * The scan does not depend on the lexical prefilter, so a query with no
 * word in common with a post still finds it when their vectors are close.
 * It also scores every chunk of the lexical candidates, so each candidate
 * post gets a vector score for fusion.
 */
import type { Logger } from "pino";

import type { KernelPool } from "../pool/pool.js";
import { scanScratchBytes } from "../pool/scan-layout.js";
import type { ScanSegment, ScanVectorsOutput } from "../pool/tasks.js";
import type { Db } from "../store/db.js";
import { quantizeVector } from "./quantize.js";
import { VectorCatalog } from "./vector-catalog.js";
import { VectorMemory } from "./vector-memory.js";
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

  /** Scans for the `k` nearest chunks and scores the chunks of `postIds`, on the pool's threads. */
  async search(pool: KernelPool, query: Float32Array, k: number, postIds: readonly string[]): Promise<VectorLeg> {
    await this.sync.sync();
    const { row, factor } = quantizeVector(query, this.memory.stride);
    const empty: VectorLeg = { nearest: [], bestOfPosts: new Map() };
    if (factor === 0 || this.catalog.size === 0) return empty;

    const listSlots = postIds.flatMap((postId) => this.catalog.slotsOf(postId));
    const parts = splitSegments(this.memory.segments, pool.threads);
    const outputs = await Promise.all(
      parts.map((segments, index) => this.#scanPart(pool, row, factor, segments, k, index === 0 ? listSlots : [])),
    );
    return {
      nearest: this.#mergeNearest(outputs, k),
      bestOfPosts: this.#bestOfPosts(listSlots, outputs[0]?.listScores ?? new Float32Array(0)),
    };
  }

  async #scanPart(
    pool: KernelPool,
    query: Int8Array,
    queryFactor: number,
    segments: ScanSegment[],
    k: number,
    listSlots: readonly number[],
  ): Promise<ScanVectorsOutput> {
    const { memory } = this;
    const block = memory.acquireBlock(scanScratchBytes(memory.stride, k, listSlots.length));
    try {
      const rowList = {
        rows: Uint32Array.from(listSlots, (slot) => memory.rowAddress(slot)),
        factors: Uint32Array.from(listSlots, (slot) => memory.factorAddress(slot)),
      };
      return await pool.scanVectors({ query, queryFactor, stride: memory.stride, segments, k, scratch: block.address, rowList });
    } finally {
      memory.releaseBlock(block);
    }
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

  #bestOfPosts(slots: readonly number[], scores: Float32Array): Map<string, ScoredChunk> {
    const best = new Map<string, ScoredChunk>();
    slots.forEach((slot, index) => {
      const chunk = this.catalog.chunkAt(slot);
      const score = scores[index] as number;
      if (!chunk) return;
      const current = best.get(chunk.postId);
      if (!current || score > current.score) best.set(chunk.postId, { ...chunk, score });
    });
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
