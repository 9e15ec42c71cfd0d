/**
 * Hybrid search over posts: the token table selects candidate posts, their
 * chunk vectors are verified and scored on the pool, and the two legs are
 * fused into one ranking of posts.
 */
import type { Logger } from "pino";

import type { EmbedderInfo } from "../embedders/embedder.js";
import type { Kernels } from "../kernels/index.js";
import type { KernelPool } from "../pool/pool.js";
import type { Db } from "../store/db.js";
import { findCandidates } from "./find-candidates.js";
import { fuseRanks, type FusedPost } from "./fuse.js";
import { loadChunkVectors, type ChunkVectors } from "./load-chunk-vectors.js";
import { readResultPosts } from "./read-result-posts.js";
import { validateSearchRequest, type SearchRequest } from "./search-request.js";

export interface SearchResult {
  id: string;
  title: string;
  url: string;
  score: number;
  excerpt: string;
  explain: Omit<FusedPost, "postId" | "score">;
}

export interface SearchStats {
  candidates: number;
  chunksScored: number;
  chunksSkipped: number;
  chunksCorrupt: number;
  milliseconds: number;
}

export interface SearchResponse {
  results: SearchResult[];
  stats: SearchStats;
}

export interface SearcherDeps {
  db: Db;
  pool: KernelPool;
  kernels: Kernels;
  embedder: EmbedderInfo;
  log?: Logger;
}

export class Searcher {
  readonly #deps: SearcherDeps;

  constructor(deps: SearcherDeps) {
    this.#deps = deps;
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const started = performance.now();
    const { query, k, candidateLimit } = validateSearchRequest(request);
    const { db, kernels, embedder } = this.#deps;

    const tokens = kernels.tokenize(query);
    const candidates = await findCandidates(db, tokens, candidateLimit);
    const postIds = candidates.map((candidate) => candidate.postId);
    const vectors = await loadChunkVectors(db, postIds, embedder.dim, embedder.version);
    const best = await this.#scoreChunks(tokens, vectors);

    const fused = fuseRanks(
      candidates.map((candidate) => ({
        postId: candidate.postId,
        lexicalScore: candidate.lexicalScore,
        vectorScore: best.get(candidate.postId)?.score,
      })),
    ).slice(0, k);
    const results = await readResultPosts(db, fused, best, tokens);

    const stats: SearchStats = {
      candidates: candidates.length,
      chunksScored: vectors.chunkIds.length,
      chunksSkipped: vectors.skipped.length,
      chunksCorrupt: best.corrupt,
      milliseconds: performance.now() - started,
    };
    return { results, stats };
  }

  /** Scores every loaded chunk and keeps each post's best chunk. */
  async #scoreChunks(tokens: string[], vectors: ChunkVectors): Promise<BestChunks> {
    const best: BestChunks = Object.assign(new Map<string, { chunkId: string; score: number }>(), { corrupt: 0 });
    this.#logSkipped(vectors);
    if (vectors.chunkIds.length === 0) return best;

    const query = this.#deps.kernels.hashEmbed(tokens, this.#deps.embedder.dim);
    const { scores, corrupt } = await this.#deps.pool.scoreRows({
      query,
      rows: vectors.rows,
      checksums: vectors.checksums,
    });
    for (const row of corrupt) {
      this.#deps.log?.warn({ chunkId: vectors.chunkIds[row] }, "chunk vector does not match its checksum; not scored");
    }
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

  #logSkipped(vectors: ChunkVectors): void {
    if (vectors.skipped.length === 0 || !this.#deps.log) return;
    const first = vectors.skipped[0];
    this.#deps.log.warn(
      { count: vectors.skipped.length, firstChunkId: first?.chunkId, reason: first?.reason },
      "chunk vectors skipped",
    );
  }
}

/** Best chunk per post id, plus the number of corrupt chunks seen. */
export type BestChunks = Map<string, { chunkId: string; score: number }> & { corrupt: number };
