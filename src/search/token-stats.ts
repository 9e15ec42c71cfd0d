/**
 * Corpus statistics for BM25's inverse document frequency, cached on the
 * search node: the number of indexed posts and each query token's document
 * frequency (its posting count). Both change slowly, so a search counts
 * only the tokens it has never seen. A value older than STATS_TTL_MS is
 * used once more while a count in the background replaces it, so no search
 * waits to count a common token again. A failed background count keeps the
 * old value, and the next search that reads it tries again.
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
 *
 * On MySQL, the first search also runs one statement that counts every
 * token's postings and caches the tokens found in at least
 * PRELOAD_MIN_POSTINGS posts, while the vector index loads. A token
 * missing from it then costs a search at most a short count. On 100,000
 * bench posts in MariaDB 10.11, counts of tokens a search had not seen
 * before took 9.6 ms of the median query, and the statement took 3.5 s
 * alone and 11 s beside the vector index load. SQLite runs statements on
 * the thread that serves searches, so it counts each token when a search
 * first needs it.
 */
import type { Logger } from "pino";

import type { Db } from "../store/db.js";
import { toInt } from "../store/rows.js";

export const STATS_TTL_MS = 60_000;
export const DF_COUNT_CAP = 1_000_000;
const MAX_CACHED_TOKENS = 100_000;
/** Postings from which a token's frequency is loaded with the others on MySQL. */
export const PRELOAD_MIN_POSTINGS = 1000;

interface Cached {
  value: number;
  at: number;
}

export class TokenStats {
  readonly #db: Db;
  readonly #log: Logger | undefined;
  readonly #frequencies = new Map<string, Cached>();
  /** Keys ("" for the post count) whose background count is running. */
  readonly #refreshing = new Set<string>();
  #postCount: Cached | undefined;
  #preload: Promise<void> | undefined;

  constructor(db: Db, log?: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** Returns the idf of each token: ln(1 + (N - df + 0.5) / (df + 0.5)). Tokens in no post get 0. */
  async inverseFrequencies(tokens: readonly string[]): Promise<Map<string, number>> {
    await this.#loadCommonFrequencies();
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
    if (this.#postCount) {
      this.#refreshIfStale("", this.#postCount, async () => {
        this.#setPostCount(await this.#countPosts());
      });
      return this.#postCount.value;
    }
    return this.#setPostCount(await this.#countPosts());
  }

  /** Returns each token's document frequency, counted up to DF_COUNT_CAP. */
  async documentFrequencies(tokens: readonly string[]): Promise<Map<string, number>> {
    return this.#readFrequencies(tokens);
  }

  async #readFrequencies(tokens: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const missing: string[] = [];
    for (const token of tokens) {
      const cached = this.#frequencies.get(token);
      if (!cached) {
        missing.push(token);
        continue;
      }
      result.set(token, cached.value);
      this.#refreshIfStale(token, cached, () => this.#countPostings(token).then((df) => this.#remember(token, df)));
    }
    // On MySQL the counts run on separate pooled connections at once.
    const counts = await Promise.all(missing.map((token) => this.#countPostings(token)));
    missing.forEach((token, index) => {
      const df = counts[index] as number;
      result.set(token, df);
      this.#remember(token, df);
    });
    return result;
  }

  /**
   * Loads the frequencies of common tokens on MySQL, once, and returns the
   * same promise to later calls. A token counted after the load started
   * keeps its own count. A failed load leaves each token to be counted when
   * a search needs it. NOTE: the statement reads every posting, and the
   * first search waits for it: on a site with millions of posts that may
   * take minutes (an estimate from 3.5 s for 21 million postings).
   */
  #loadCommonFrequencies(): Promise<void> {
    if (this.#preload) return this.#preload;
    if (this.#db.dialect !== "mysql") {
      this.#preload = Promise.resolve();
      return this.#preload;
    }
    const at = Date.now();
    const sql = `SELECT token, COUNT(*) AS df FROM ${this.#db.tables.tokens} GROUP BY token HAVING COUNT(*) >= ?`;
    this.#preload = this.#db
      .query(sql, [PRELOAD_MIN_POSTINGS])
      .then((rows) => {
        const counted = rows.map((row) => ({ token: String(row.token), df: toInt(row.df) })).sort((a, b) => b.df - a.df);
        for (const { token, df } of counted.slice(0, MAX_CACHED_TOKENS / 2)) {
          const cached = this.#frequencies.get(token);
          if (!cached || cached.at < at) this.#frequencies.set(token, { value: df, at });
        }
      })
      .catch((error: unknown) => {
        this.#log?.warn({ err: error, table: this.#db.tables.tokens }, "loading common tokens' document frequencies failed, so searches count each token when they need it");
      });
    return this.#preload;
  }

  /** Starts one background count for `key` when its cached value is older than STATS_TTL_MS. */
  #refreshIfStale(key: string, cached: Cached, count: () => Promise<void>): void {
    if (Date.now() - cached.at < STATS_TTL_MS || this.#refreshing.has(key)) return;
    this.#refreshing.add(key);
    count()
      .catch(() => undefined)
      .finally(() => this.#refreshing.delete(key));
  }

  async #countPosts(): Promise<number> {
    const rows = await this.#db.query(`SELECT COUNT(DISTINCT post_id) AS n FROM ${this.#db.tables.chunks}`);
    return toInt(rows[0]?.n ?? 0);
  }

  #setPostCount(value: number): number {
    this.#postCount = { value, at: Date.now() };
    return value;
  }

  /**
   * Counts the token's postings. A token has at most one posting per post,
   * so while the corpus has at most half DF_COUNT_CAP posts (the half
   * covers posts added since the count was cached) a plain count stays
   * under the cap. MariaDB 10.11 materializes the capped form's derived
   * table: on 10,000 bench posts it counted 4,815 postings in 1.7 ms
   * against 1.0 ms for the plain count.
   */
  async #countPostings(token: string): Promise<number> {
    const table = this.#db.tables.tokens;
    const posts = this.#postCount?.value;
    const sql =
      posts !== undefined && posts * 2 <= DF_COUNT_CAP
        ? `SELECT COUNT(*) AS df FROM ${table} WHERE token = ?`
        : `SELECT COUNT(*) AS df FROM (SELECT 1 AS hit FROM ${table} WHERE token = ? LIMIT ${DF_COUNT_CAP}) AS postings`;
    const rows = await this.#db.query(sql, [token]);
    return toInt(rows[0]?.df ?? 0);
  }

  /** Caches a positive frequency, and removes from the cache a token that no post contains any more. */
  #remember(token: string, df: number): void {
    if (df === 0) {
      this.#frequencies.delete(token);
      return;
    }
    if (this.#frequencies.size >= MAX_CACHED_TOKENS) this.#frequencies.clear();
    this.#frequencies.set(token, { value: df, at: Date.now() });
  }
}
