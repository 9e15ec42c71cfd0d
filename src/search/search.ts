/**
 * Hybrid search over posts. The lexical leg selects candidate posts from the
 * token table in SQL. The vector leg scans every chunk vector and also
 * scores the candidates' chunks, on the pool's threads. Reciprocal rank
 * fusion merges the two into one ranking of posts.
 */
import type { Logger } from "pino";

import type { Embedder } from "../embedders/embedder.js";
import type { Kernels } from "../kernels/index.js";
import type { KernelPool } from "../pool/pool.js";
import type { Db } from "../store/db.js";
import { findCandidates, scoreLexicalPosts, type LexicalCandidate, type LexicalLeg } from "./find-candidates.js";
import { LexicalRanker } from "./lexical-rank.js";
import { fusedScore, fuseRanks, type FusedPost, type LegScores } from "./fuse.js";
import { readResultPosts, type ResultPost } from "./read-result-posts.js";
import { scoreChunksExactly } from "./rescore-chunks.js";
import { tokenIndexHints } from "./token-indexes.js";
import { TokenStats } from "./token-stats.js";
import { validateSearchRequest, type SearchRequest } from "./search-request.js";
import type { ScoredChunk, VectorIndex, VectorLeg } from "./vector-index.js";

export interface SearchResult extends Omit<ResultPost, "explain"> {
  explain: RankExplanation;
}

/** A result's place in each leg, null where the leg did not score it. */
export interface RankExplanation extends Omit<FusedPost, "postId" | "score"> {
  /** The lexical rank is estimated: the post is below the posts the prefilter scored in full. */
  lexicalRankEstimated: boolean;
  /** The vector rank is estimated from a histogram of all posts' scores: the post is not among the nearest chunks. */
  vectorRankEstimated: boolean;
}

export interface SearchStats {
  /** Tokens the query gave after stop words; 0 means nothing could match. */
  queryTokens: number;
  /** Distinct query tokens found in posts but left out of the lexical leg, which weighs the MAX_QUERY_TOKENS rarest. */
  lexicalTokensDropped: number;
  /** Posts selected by the lexical leg. */
  candidates: number;
  /** Posts found only by the vector leg. */
  vectorOnly: number;
  /** Chunk vectors in the index, all scanned. */
  chunksIndexed: number;
  /** Chunks not indexed since start: another embedder version, a wrong dimension, or failed checks. */
  chunksSkipped: number;
  chunksCorrupt: number;
  /** Error message of a failed query embedding. The results then come from the lexical leg alone. */
  vectorLegError?: string;
  milliseconds: number;
  /** Milliseconds spent in each step, in order. */
  steps: SearchSteps;
}

export interface SearchSteps {
  /** Tokenize and embed the query (WASM on the main thread, or a request to the embedding API). */
  query: number;
  /** Token prefilter in SQL. Loading new vectors and the vector scan run at the same time. */
  lexical: number;
  /**
   * What the vector leg adds after the prefilter: the rest of the sync and
   * of the int8 scan on the pool, the float32 rescoring and the lexical
   * scores of the posts only the vector leg found.
   */
  vector: number;
  /** Rank fusion, with the counted lexical ranks of posts that may enter the top k. */
  fusion: number;
  /** Posts, chunk texts and excerpts. */
  read: number;
}

export interface SearchResponse {
  results: SearchResult[];
  stats: SearchStats;
}

export interface SearcherDeps {
  db: Db;
  pool: KernelPool;
  kernels: Kernels;
  embedder: Embedder;
  vectors: VectorIndex;
  log?: Logger;
  /** Best chunks of the int8 scan rescored with float32 vectors; 0 turns all rescoring off. */
  rescoreCount?: number;
}

export const DEFAULT_RESCORE_COUNT = 20;

/** Shown with the results of a query whose every word was dropped, so that nothing could match. */
export const NO_QUERY_TOKENS_HINT = "Every word of the query is a stop word, too short, or has no letter or digit to index.";

/** Nearest chunks the vector leg returns, at least; more when k is large. */
const MIN_NEAREST_CHUNKS = 100;
/**
 * Fused posts, from the best, whose estimated vector ranks are refined
 * (#rescoreOutsideNearest). It does not grow with k. NOTE: the nearest
 * chunks (10 per result) and the vector-only posts scored lexically (k) do,
 * so past the 10th result the order can differ slightly between values of k.
 */
const REFINED_POSTS = 20;

export class Searcher {
  readonly #deps: SearcherDeps;
  readonly #tokenStats: TokenStats;
  readonly #rescoreCount: number;
  #indexChecked = false;

  constructor(deps: SearcherDeps) {
    this.#deps = deps;
    this.#tokenStats = new TokenStats(deps.db, deps.log);
    this.#rescoreCount = deps.rescoreCount ?? DEFAULT_RESCORE_COUNT;
  }

  /**
   * Logs a warning when the token table lacks the (token, post_id, score)
   * index, as tables created before the index joined the schema do.
   * Searches then read whole posting lists of common tokens.
   */
  async #warnOfMissingIndex(): Promise<void> {
    const { db, log } = this.#deps;
    try {
      if ((await tokenIndexHints(db)).byPost !== "") return;
    } catch {
      // The search's own reads of the token table report the failure.
      return;
    }
    log?.warn(
      { table: db.tables.tokens },
      `${db.tables.tokens} has no (token, post_id, score) index, which makes searches slower on large sites: ` +
        "run `wpllmseo upgrade --force` to add it, and searches use it after a restart",
    );
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const started = performance.now();
    const { query, k, candidateLimit } = validateSearchRequest(request);
    const { db, kernels, embedder, vectors, pool } = this.#deps;
    if (!this.#indexChecked && db.dialect === "mysql") {
      this.#indexChecked = true;
      void this.#warnOfMissingIndex();
    }

    const lap = stopwatch(started);
    const tokens = kernels.tokenize(query, { stopWords: embedder.stopWords });
    const embedded = await this.#embedQuery(query, tokens);
    const queryVector = embedded.vector;
    const queryMs = lap();
    // The prefilter's SQL starts first, and new vectors load while it runs.
    // The vector scan on the pool threads follows. It needs the candidates
    // only at its end.
    const lexicalTimed = timed(findCandidates(db, this.#tokenStats, tokens, { limit: candidateLimit }));
    await vectors.sync.sync();
    const nearestCount = Math.max(MIN_NEAREST_CHUNKS, k * 10);
    const pendingIds = lexicalTimed.promise.then((found) => found.candidates.map((candidate) => candidate.postId));
    const [lexical, leg] = await Promise.all([
      lexicalTimed.promise,
      vectors.search(pool, queryVector, nearestCount, pendingIds),
    ]);
    const { candidates } = lexical;
    const lexicalMs = lexicalTimed.milliseconds();
    const forget = (chunkId: string) => vectors.sync.forget(chunkId);
    const others = postsMissingFrom(leg.nearest, candidates);
    const poolScores = new Map(lexical.pool.map((post) => [post.postId, post.lexicalScore]));
    const outsidePool = others.filter((postId) => !poolScores.has(postId)).slice(0, k);
    const nearestPosts = new Set(leg.nearest.map((chunk) => chunk.postId));
    // The best lexical candidates outside the nearest chunks are most of
    // the posts the refinement covers, so their chunks are read and
    // rescored together with the nearest ones.
    const refineFirst = candidates
      .slice(0, REFINED_POSTS)
      .map((candidate) => candidate.postId)
      .filter((postId) => leg.bestOfPosts.has(postId) && !nearestPosts.has(postId));
    const [exact, outsideScores] = await Promise.all([
      this.#rescore(leg, refineFirst, queryVector, forget),
      scoreLexicalPosts(db, lexical.weights, outsidePool, lexical.frequencies),
    ]);
    const inPool = others.flatMap((postId) => {
      const lexicalScore = poolScores.get(postId);
      return lexicalScore === undefined ? [] : [{ postId, lexicalScore }];
    });
    const vectorMs = lap() - lexicalMs;

    const ranker = new LexicalRanker(lexical);
    const ranked: RankedLexical[] = [
      ...candidates.map((candidate, index) => ({ ...candidate, rank: index + 1 })),
      ...[...inPool, ...outsideScores].map((post) => ({ ...post, rank: ranker.rankOfPost(post.postId, post.lexicalScore) })),
    ];
    const bestChunks = bestChunkPerPost(leg);
    for (const [postId, chunk] of exact) bestChunks.set(postId, chunk);
    let fused = fuseRanks(legScores(ranked, bestChunks, leg));
    const closeCalls = findCloseCalls(fused, ranked, ranker, k);
    const refineLater = fused
      .slice(0, REFINED_POSTS)
      .map((post) => post.postId)
      .filter((postId) => bestChunks.has(postId) && !nearestPosts.has(postId) && !exact.has(postId));
    const [counted, refined] = await Promise.all([
      closeCalls.length > 0 ? ranker.countRanks(db, closeCalls.map((post) => post.lexicalScore)) : undefined,
      this.#rescoreOutsideNearest(refineLater, forget, queryVector),
    ]);
    if (counted) {
      for (const post of closeCalls) post.rank = counted.get(post.lexicalScore) ?? post.rank;
    }
    for (const [postId, chunk] of refined) bestChunks.set(postId, chunk);
    if (counted || refined.size > 0) fused = fuseRanks(legScores(ranked, bestChunks, leg));
    fused = fused.slice(0, k);
    const fusionMs = lap();
    const results = (await readResultPosts(db, fused, bestChunks, tokens, forget)).map((result) => {
      const { lexicalScore, vectorRank } = result.explain;
      const lexicalRankEstimated = lexicalScore !== null && ranker.isEstimated(lexicalScore);
      const vectorRankEstimated = vectorRank !== null && !nearestPosts.has(result.id);
      return { ...result, explain: { ...result.explain, lexicalRankEstimated, vectorRankEstimated } };
    });
    const readMs = lap();

    const syncStats = vectors.sync.stats;
    const candidateIds = new Set(candidates.map((candidate) => candidate.postId));
    const stats: SearchStats = {
      queryTokens: tokens.length,
      lexicalTokensDropped: lexical.droppedTokens,
      candidates: candidates.length,
      vectorOnly: [...bestChunks.keys()].filter((postId) => !candidateIds.has(postId)).length,
      chunksIndexed: vectors.catalog.size,
      chunksSkipped: syncStats.skippedVersion + syncStats.skippedDimension + syncStats.corrupt,
      chunksCorrupt: syncStats.corrupt,
      ...(embedded.error === undefined ? {} : { vectorLegError: embedded.error }),
      milliseconds: performance.now() - started,
      steps: { query: queryMs, lexical: lexicalMs, vector: vectorMs, fusion: fusionMs, read: readMs },
    };
    return { results, stats };
  }

  /**
   * Rescores with float32 vectors, in one read, the best `rescoreCount`
   * nearest chunks (sorting `leg.nearest` again) and every chunk of
   * `posts`, and returns each of those posts' best exact chunk.
   */
  async #rescore(
    leg: VectorLeg,
    posts: readonly string[],
    queryVector: Float32Array,
    forget: (chunkId: string) => void,
  ): Promise<Map<string, ScoredChunk>> {
    const head = leg.nearest.slice(0, this.#rescoreCount);
    const headIds = new Set(head.map((chunk) => chunk.chunkId));
    const postChunks = this.#rescoreCount === 0 ? [] : this.#chunksOf(posts);
    const { db, kernels } = this.#deps;
    const scored = await scoreChunksExactly(db, kernels, queryVector, [...head, ...postChunks], forget);
    const rescoredHead = scored.filter((chunk) => headIds.has(chunk.chunkId));
    leg.nearest = [...rescoredHead, ...leg.nearest.slice(head.length)].sort((a, b) => b.score - a.score);
    return bestPerPost(scored.filter((chunk) => !headIds.has(chunk.chunkId)));
  }

  /**
   * Rescores in float32 every chunk of the given posts, whose vector ranks
   * are estimated (posts outside the nearest chunks), and returns each
   * post's best exact chunk.
   *
   * Far down the vector leg, many posts share each small range of scores,
   * so an int8 score's error moves a post's estimated rank by thousands on
   * 100,000 posts. In a fusion that error decides between a post strong in
   * one leg and a post strong in the other.
   */
  async #rescoreOutsideNearest(
    posts: readonly string[],
    forget: (chunkId: string) => void,
    queryVector: Float32Array,
  ): Promise<Map<string, ScoredChunk>> {
    if (this.#rescoreCount === 0 || posts.length === 0) return new Map();
    const { db, kernels } = this.#deps;
    return bestPerPost(await scoreChunksExactly(db, kernels, queryVector, this.#chunksOf(posts), forget));
  }

  /** Returns every indexed chunk of the given posts, with a score of 0 until rescored. */
  #chunksOf(posts: readonly string[]): ScoredChunk[] {
    const { catalog } = this.#deps.vectors;
    return posts.flatMap((postId) =>
      catalog.slotsOf(postId).flatMap((slot) => {
        const chunk = catalog.chunkAt(slot);
        return chunk ? [{ ...chunk, score: 0 }] : [];
      }),
    );
  }

  /**
   * Embeds the query. When the embedder fails, as a remote embedding API
   * can, search goes on with the lexical leg alone: the zero vector it
   * gets instead matches no chunk.
   */
  async #embedQuery(query: string, tokens: readonly string[]): Promise<{ vector: Float32Array; error?: string }> {
    const { embedder, log } = this.#deps;
    try {
      return { vector: await embedder.embedQuery(query, tokens) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log?.warn({ err: error }, "embedding the query failed; searching with the lexical leg only");
      return { vector: new Float32Array(embedder.dim), error: message };
    }
  }
}

/** Wraps a promise with the milliseconds it took to settle, read once it has. */
function timed<T>(promise: Promise<T>): { promise: Promise<T>; milliseconds: () => number } {
  const started = performance.now();
  let elapsed = 0;
  const settled = promise.finally(() => {
    elapsed = performance.now() - started;
  });
  return { promise: settled, milliseconds: () => elapsed };
}

/** Returns a function that gives the milliseconds since its previous call. */
function stopwatch(start: number): () => number {
  let last = start;
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}

/**
 * Picks each post's best chunk. The nearest chunks come first because the
 * best of them carry exact float32 scores. The candidates' int8 scores fill
 * in the posts that the nearest chunks do not cover.
 */
function bestChunkPerPost(leg: VectorLeg): Map<string, ScoredChunk> {
  const best = new Map<string, ScoredChunk>();
  for (const chunk of leg.nearest) {
    if (!best.has(chunk.postId)) best.set(chunk.postId, chunk);
  }
  for (const [postId, chunk] of leg.bestOfPosts) {
    if (!best.has(postId)) best.set(postId, chunk);
  }
  return best;
}

/** Returns each post's best chunk among `chunks`. */
function bestPerPost(chunks: readonly ScoredChunk[]): Map<string, ScoredChunk> {
  const best = new Map<string, ScoredChunk>();
  for (const chunk of chunks) {
    const current = best.get(chunk.postId);
    if (!current || chunk.score > current.score) best.set(chunk.postId, chunk);
  }
  return best;
}

/**
 * Returns the posts of `chunks`, in order, that are not among the
 * candidates. Those in the lexical pool have their scores already. Search
 * scores only the first k of the others, to bound the statement. NOTE: a
 * post further down the vector leg then gets no lexical rank. Below the
 * pool, that rank would add at most 1 / (60 + pool size) to its fused
 * score.
 */
function postsMissingFrom(chunks: readonly ScoredChunk[], candidates: readonly LexicalCandidate[]): string[] {
  const seen = new Set(candidates.map((candidate) => candidate.postId));
  const missing: string[] = [];
  for (const chunk of chunks) {
    if (seen.has(chunk.postId)) continue;
    seen.add(chunk.postId);
    missing.push(chunk.postId);
  }
  return missing;
}

/**
 * Returns the posts with an estimated lexical rank (below the lexical pool)
 * that may belong in the top k, whose ranks are worth counting. Such a post
 * gets its best possible fused score with the rank right after the pool.
 * If that score stays below the k-th score of a fusion in which these
 * posts have no lexical rank at all, the post stays out of the top k
 * whatever its rank is.
 */
function findCloseCalls(fused: readonly FusedPost[], ranked: readonly RankedLexical[], ranker: LexicalRanker, k: number): RankedLexical[] {
  const estimated = new Map(ranked.filter((post) => ranker.isEstimated(post.lexicalScore)).map((post) => [post.postId, post]));
  if (estimated.size === 0 || fused.length <= k) return [];
  const lowerScores = fused.map((post) => (estimated.has(post.postId) ? fusedScore(null, post.vectorRank) : post.score));
  const kthLowerScore = lowerScores.sort((a, b) => b - a)[k - 1] as number;
  return fused
    .filter((post) => estimated.has(post.postId) && fusedScore(ranker.next, post.vectorRank) >= kthLowerScore)
    .map((post) => estimated.get(post.postId) as RankedLexical);
}

interface RankedLexical extends LexicalCandidate {
  rank: number;
}

/**
 * Gives each post its lexical score and rank and its vector score and rank.
 * The vector rank is over every post in the index. The posts of the
 * nearest chunks, in their order, take the first ranks exactly. Any other
 * post gets the rank that the histogram of all posts' best scores
 * estimates, never better than those.
 */
function legScores(lexical: readonly RankedLexical[], bestChunks: Map<string, ScoredChunk>, leg: VectorLeg): LegScores[] {
  const nearestRanks = new Map<string, number>();
  for (const chunk of leg.nearest) {
    if (!nearestRanks.has(chunk.postId)) nearestRanks.set(chunk.postId, nearestRanks.size + 1);
  }
  const posts = new Map<string, LegScores>();
  for (const post of lexical) {
    posts.set(post.postId, { postId: post.postId, lexicalScore: post.lexicalScore, lexicalRank: post.rank });
  }
  for (const [postId, chunk] of bestChunks) {
    const entry = posts.get(postId) ?? { postId };
    entry.vectorScore = chunk.score;
    entry.vectorRank = nearestRanks.get(postId) ?? Math.max(nearestRanks.size + 1, leg.ranks.rankOf(chunk.score));
    posts.set(postId, entry);
  }
  return [...posts.values()];
}
