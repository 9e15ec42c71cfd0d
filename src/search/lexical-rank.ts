/**
 * Ranks in the lexical leg for posts that the prefilter did not select.
 *
 * The prefilter scores a pool of posts in full (find-candidates.ts). A post
 * that only the vector leg found, with its own score x (scoreLexicalPosts),
 * ranks among the pool by that score. Below the pool's last post, its rank
 * has two estimates:
 * - `rankOf` interpolates the log of the rank linearly in the score: the
 *   pool's lowest score maps to the rank after the pool, a score of 0 to
 *   the most posts that can match a query token. It costs nothing but can
 *   be several times off.
 * - `countRanks` counts, in SQL on the (token, score, post_id) index, the
 *   postings of the query's tokens whose weight (score times idf) alone
 *   exceeds x. That count counts a post once per token above x, and it
 *   misses posts whose sum exceeds x although no single token does. On the
 *   bench's synthetic corpus of 100,000 posts most such counts were within
 *   10% of the exact rank. Each token's count stops at its share of
 *   RANK_COUNT_BUDGET postings, which bounds the work; a rank that deep adds
 *   little to a fused score.
 * When the pool contains every post with a match, any other post ranks
 * right after it.
 */
import type { Db } from "../store/db.js";
import { toInt } from "../store/rows.js";
import type { LexicalLeg } from "./find-candidates.js";
import { readWithTokenIndexes } from "./token-indexes.js";

/** Maximum postings that one countRanks statement reads, shared evenly among the query's tokens. */
export const RANK_COUNT_BUDGET = 10_000;

/** A threshold above any weight, so padded columns count nothing. */
const PAST_EVERY_WEIGHT = 1e300;

export class LexicalRanker {
  readonly #leg: LexicalLeg;
  readonly #poolScores: number[];
  readonly #poolRanks: Map<string, number>;
  /** Rank of the first post below the pool. */
  readonly next: number;
  readonly #lowest: number;
  readonly #complete: boolean;

  constructor(leg: LexicalLeg) {
    this.#leg = leg;
    this.#poolScores = leg.pool.map((post) => post.lexicalScore);
    this.#poolRanks = new Map(leg.pool.map((post, index) => [post.postId, index + 1]));
    this.next = this.#poolScores.length + 1;
    this.#lowest = this.#poolScores[this.#poolScores.length - 1] ?? 0;
    this.#complete = leg.complete || leg.matchingPosts <= this.next || this.#lowest <= 0;
  }

  /** Tells whether a score ranks below an incomplete pool, where ranks are estimates. */
  isEstimated(score: number): boolean {
    return !this.#complete && score < this.#lowest;
  }

  /**
   * Returns the rank of a post with the given lexical score: its place in
   * the pool, where ties are ordered by post id as in the prefilter, or
   * else the rank of its score.
   */
  rankOfPost(postId: string, score: number): number {
    return this.#poolRanks.get(postId) ?? this.rankOf(score);
  }

  /** Returns the rank of `score`: exact within the pool, interpolated below it. */
  rankOf(score: number): number {
    if (!this.isEstimated(score)) return 1 + countAbove(this.#poolScores, score);
    const shareBelowLowest = Math.min(1, (this.#lowest - score) / this.#lowest);
    return Math.round(this.next * (this.#leg.matchingPosts / this.next) ** shareBelowLowest);
  }

  /**
   * Returns the counted rank of each score below the pool: 1 plus the
   * postings whose weight alone exceeds it, never better than the rank
   * after the pool. One statement reads each token's postings from its best
   * down to the lowest score, up to the token's share of RANK_COUNT_BUDGET,
   * and counts every score in that one pass.
   */
  async countRanks(db: Db, scores: readonly number[]): Promise<Map<number, number>> {
    const ranks = new Map<number, number>();
    const below = [...new Set(scores.filter((score) => this.isEstimated(score)))];
    const tokens = this.#leg.weights.filter(([, idf]) => idf > 0);
    if (below.length === 0 || tokens.length === 0) return ranks;
    // Padding the score columns to a power of two keeps the statement
    // shapes few.
    const columnCount = 2 ** Math.ceil(Math.log2(below.length));
    const lowest = Math.min(...below);
    const perToken = Math.floor(RANK_COUNT_BUDGET / tokens.length);
    const columns = Array.from({ length: columnCount }, (_, column) => `SUM(CASE WHEN score > ? THEN 1 ELSE 0 END) AS c${column}`);
    const countSql = (byScore: string): string => {
      const branch =
        `SELECT ${columns.join(", ")} FROM (SELECT score FROM ${db.tables.tokens}${byScore}` +
        " WHERE token = ? AND score > ? ORDER BY score DESC LIMIT ?) AS postings";
      return tokens.map(() => branch).join(" UNION ALL ");
    };
    const params: unknown[] = [];
    for (const [token, idf] of tokens) {
      for (let column = 0; column < columnCount; column++) params.push((below[column] ?? PAST_EVERY_WEIGHT) / idf);
      params.push(token, lowest / idf, perToken);
    }
    const rows =
      db.dialect === "mysql"
        ? await readWithTokenIndexes(db, ({ byScore }) => db.query(countSql(byScore), params))
        : await db.query(countSql(""), params);
    below.forEach((score, column) => {
      const count = rows.reduce((sum, row) => sum + toInt(row[`c${column}`] ?? 0), 0);
      ranks.set(score, Math.max(this.next, 1 + count));
    });
    return ranks;
  }
}

/** Counts the scores (sorted best first) above `score`, by binary search. */
function countAbove(scores: readonly number[], score: number): number {
  let low = 0;
  let high = scores.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((scores[middle] as number) > score) low = middle + 1;
    else high = middle;
  }
  return low;
}
