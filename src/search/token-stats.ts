/**
 * Corpus statistics for BM25's inverse document frequency, cached on the
 * search node: the number of indexed posts and each query token's document
 * frequency (its posting count). Both change slowly, so a search reads them
 * from the cache and only a token not seen for STATS_TTL_MS costs a query.
 * A token found in no post is not cached, so a word that a new post brings
 * matches from the next search on.
 *
 * A frequency is counted exactly up to DF_COUNT_CAP postings, which bounds
 * the cost of a query that misses the cache (about 40 ms for a million
 * postings on SQLite on a 2-core AMD EPYC). An exact count matters: counted
 * only to 50,000, a token found in 98,000 of 100,000 posts would get an idf
 * of 0.69 instead of 0.017 and outweigh rarer tokens. NOTE: in a corpus
 * with more than DF_COUNT_CAP posts, a token above the cap still gets too
 * high an idf.
 */
import type { Db } from "../store/db.js";
import { toInt } from "../store/rows.js";

export const STATS_TTL_MS = 60_000;
export const DF_COUNT_CAP = 1_000_000;
const MAX_CACHED_TOKENS = 100_000;

interface Cached {
  value: number;
  at: number;
}

export class TokenStats {
  readonly #db: Db;
  readonly #frequencies = new Map<string, Cached>();
  #postCount: Cached | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Returns the idf of each token: ln(1 + (N - df + 0.5) / (df + 0.5)). Tokens in no post get 0. */
  async inverseFrequencies(tokens: readonly string[]): Promise<Map<string, number>> {
    const [total, frequencies] = await Promise.all([this.readPostCount(), this.#readFrequencies(tokens)]);
    const weights = new Map<string, number>();
    for (const token of tokens) {
      const df = frequencies.get(token) ?? 0;
      weights.set(token, df === 0 ? 0 : Math.log(1 + (Math.max(total, df) - df + 0.5) / (df + 0.5)));
    }
    return weights;
  }

  /** Returns the number of indexed posts (posts with chunks), cached like the frequencies. */
  async readPostCount(): Promise<number> {
    const now = Date.now();
    if (this.#postCount && now - this.#postCount.at < STATS_TTL_MS) return this.#postCount.value;
    const rows = await this.#db.query(`SELECT COUNT(DISTINCT post_id) AS n FROM ${this.#db.tables.chunks}`);
    this.#postCount = { value: toInt(rows[0]?.n ?? 0), at: now };
    return this.#postCount.value;
  }

  /** Returns each token's document frequency, counted up to DF_COUNT_CAP. */
  async documentFrequencies(tokens: readonly string[]): Promise<Map<string, number>> {
    return this.#readFrequencies(tokens);
  }

  async #readFrequencies(tokens: readonly string[]): Promise<Map<string, number>> {
    const now = Date.now();
    const result = new Map<string, number>();
    const missing: string[] = [];
    for (const token of tokens) {
      const cached = this.#frequencies.get(token);
      if (cached && now - cached.at < STATS_TTL_MS) result.set(token, cached.value);
      else missing.push(token);
    }
    for (const token of missing) {
      const rows = await this.#db.query(
        `SELECT COUNT(*) AS df FROM (SELECT 1 AS hit FROM ${this.#db.tables.tokens} WHERE token = ? LIMIT ${DF_COUNT_CAP}) AS postings`,
        [token],
      );
      const df = toInt(rows[0]?.df ?? 0);
      result.set(token, df);
      if (df > 0) this.#remember(token, { value: df, at: now });
    }
    return result;
  }

  #remember(token: string, entry: Cached): void {
    if (this.#frequencies.size >= MAX_CACHED_TOKENS) this.#frequencies.clear();
    this.#frequencies.set(token, entry);
  }
}
