/**
 * The lexical leg: selects candidate posts from the token table in SQL.
 *
 * A post's lexical score is the sum over matching query tokens of its
 * stored token weight times the token's idf (token-stats.ts). A query reads
 * at most `postingBudget` postings in all, each token its best-weighted ones
 * through the (token, score, post_id) index, so a token found in most posts
 * cannot make a query slow. The budget is shared out so that rare tokens
 * read all their postings and the common ones split the rest. The
 * statements have the same shape for any query.
 *
 * On MySQL each token's postings come from one statement, the same for
 * every token, all at once on pooled connections, and the sums per post
 * are made here. On 10,000 bench posts in MariaDB 10.11, one statement
 * that summed and sorted all tokens' postings (a UNION ALL of derived
 * tables under GROUP BY) took 15.4 ms at the median, and this 8.9 ms.
 * SQLite runs that one statement, with MAX_QUERY_TOKENS slots of which
 * unused ones match no row. It sums in process, on the thread that also
 * serves HTTP requests, and that is faster than turning 12,000 postings
 * into rows to sum here. On 10,000 bench posts the search's p90 was 21-26
 * ms with it and 28-31 ms with one statement per token.
 *
 * The prefilter ranks posts by the postings it read, so a post's sum can
 * lack the weight of a common token whose postings were cut off. It keeps
 * the best `poolSize` posts by those sums (more than the candidate limit)
 * and, per post, which token slots it read. Their missing weights are then
 * read, and the pool is ranked by full lexical scores. The best `limit` of
 * the pool are the candidates. The rest ranks posts that only the vector
 * leg finds (lexical-rank.ts).
 */
import type { Db, Row } from "../store/db.js";
import { placeholders } from "../store/placeholders.js";
import { toId, toIdParam, toInt } from "../store/rows.js";
import { compareIds } from "./fuse.js";
import type { TokenStats } from "./token-stats.js";
import { readWithTokenIndexes, type TokenIndexHints } from "./token-indexes.js";

export interface LexicalCandidate {
  postId: string;
  lexicalScore: number;
}

/** Query tokens used by the prefilter; a longer query keeps its highest-idf tokens. */
export const MAX_QUERY_TOKENS = 16;
export const DEFAULT_POSTING_BUDGET = 12_000;
/**
 * Posts the prefilter scores in full, at least. On the bench's synthetic
 * corpus of 100,000 posts, a pool of 300 gave a top-10 overlap with the
 * exhaustive search of 0.90 and a pool of 1,000 gave 0.95.
 */
export const DEFAULT_POOL_SIZE = 1000;

/** Minimum (post, token) pairs in a statement of readPairsAsValues, which pads shorter lists. */
const MIN_PAIRS = 16;
/** Maximum (post, token) pairs in one SQLite statement, which binds two parameters per pair. */
const MAX_PAIRS = 2048;
/** Maximum posts in one IN list of a MySQL statement that looks them up through the (post_id, token) key. */
const MAX_POSTS_PER_KEY_LOOKUP = 512;
/** Maximum posts in one IN list of a MySQL statement that reads them from one of the token's indexes. */
const MAX_POSTS_PER_TOKEN_READ = 999;
/**
 * Postings that MySQL reads in order on the (token, score, post_id) index
 * for the cost of one lookup through (post_id, token), which also reads the
 * row for its score. On 100,000 bench posts in MariaDB 10.11 with a 128 MiB
 * buffer pool (2-core host), a lookup took 0.04 ms warm and 0.4 ms cold, and
 * an ordered posting 0.1-0.7 microseconds, so the ratio is 300-700.
 */
const POSTINGS_PER_LOOKUP = 300;

export interface CandidateOptions {
  limit: number;
  postingBudget?: number;
  /** Posts scored in full; the larger of this and `limit` (default DEFAULT_POOL_SIZE). */
  poolSize?: number;
}

export interface LexicalLeg {
  /** The best posts by lexical score, best first, at most `limit`. */
  candidates: LexicalCandidate[];
  /** The candidates followed by the next best posts by full lexical score, at most `poolSize` in all. */
  pool: LexicalCandidate[];
  /** True when the pool contains every post with a match: it is shorter than its size and no token's postings were cut off. */
  complete: boolean;
  /** The query tokens the prefilter used, with their idf. */
  weights: [token: string, idf: number][];
  /** Distinct query tokens found in posts but left out of `weights` because a query weighs at most MAX_QUERY_TOKENS. */
  droppedTokens: number;
  /** Document frequency of each token of `weights`. */
  frequencies: ReadonlyMap<string, number>;
  /**
   * Posts that contain at least one weighted token, at most: the sum of
   * their document frequencies, or the indexed posts if fewer.
   */
  matchingPosts: number;
}

export async function findCandidates(
  db: Db,
  stats: TokenStats,
  tokens: readonly string[],
  options: CandidateOptions,
): Promise<LexicalLeg> {
  const idfs = await stats.inverseFrequencies([...new Set(tokens)]);
  const found = [...idfs].filter(([, idf]) => idf > 0).sort((a, b) => b[1] - a[1]);
  const chosen = found.slice(0, MAX_QUERY_TOKENS);
  const droppedTokens = found.length - chosen.length;
  const poolSize = Math.max(options.limit, options.poolSize ?? DEFAULT_POOL_SIZE);
  if (chosen.length === 0) {
    return { candidates: [], pool: [], complete: true, weights: [], droppedTokens, frequencies: new Map(), matchingPosts: 0 };
  }
  const frequencies = await stats.documentFrequencies(chosen.map(([token]) => token));
  const postCount = await stats.readPostCount();
  const frequencySum = [...frequencies.values()].reduce((sum, df) => sum + df, 0);
  const matchingPosts = Math.min(postCount, frequencySum);

  const caps = shareBudget(
    chosen.map(([token]) => frequencies.get(token) ?? 0),
    options.postingBudget ?? DEFAULT_POSTING_BUDGET,
  );
  const read = await prefilter(db, chosen, caps, poolSize);
  const pool = read.map(({ postId, lexicalScore }) => ({ postId, lexicalScore }));
  const cutOff = chosen.map(([token], slot) => (caps[slot] ?? 0) < (frequencies.get(token) ?? 0));
  const missing: [postId: string, token: string][] = [];
  for (const { postId, seen } of read) {
    chosen.forEach(([token], slot) => {
      if (cutOff[slot] && (seen & (1 << slot)) === 0) missing.push([postId, token]);
    });
  }
  const added = await readPostingScores(db, chosen, missing, frequencies);
  for (const post of pool) post.lexicalScore += added.get(post.postId) ?? 0;
  pool.sort((a, b) => b.lexicalScore - a.lexicalScore || compareIds(a.postId, b.postId));
  const complete = pool.length < poolSize && !cutOff.includes(true);
  return { candidates: pool.slice(0, options.limit), pool, complete, weights: chosen, droppedTokens, frequencies, matchingPosts };
}

/** A post of the prefilter: its sum over the postings read, and a bit per token slot whose postings contained it. */
interface PrefilterPost extends LexicalCandidate {
  seen: number;
}

/**
 * Runs the prefilter: reads each token's `caps[slot]` best postings, sums
 * their weights per post, and returns the best `poolSize` posts by those
 * sums, ties ordered by post id.
 */
async function prefilter(
  db: Db,
  chosen: readonly [string, number][],
  caps: readonly number[],
  poolSize: number,
): Promise<PrefilterPost[]> {
  if (db.dialect === "sqlite") return prefilterInOneStatement(db, chosen, caps, poolSize);
  const lists = await readWithTokenIndexes(db, ({ byScore }) => {
    const sql = `SELECT post_id, score FROM ${db.tables.tokens}${byScore} WHERE token = ? ORDER BY score DESC LIMIT ?`;
    return Promise.all(
      chosen.map(([token], slot) => ((caps[slot] ?? 0) > 0 ? db.query(sql, [token, caps[slot]]) : Promise.resolve([]))),
    );
  });
  const posts = new Map<string, PrefilterPost>();
  lists.forEach((rows, slot) => {
    const idf = (chosen[slot] as [string, number])[1];
    const bit = 1 << slot;
    for (const row of rows) {
      const postId = toId(row.post_id);
      const weight = Number(row.score) * idf;
      const post = posts.get(postId);
      if (post) {
        post.lexicalScore += weight;
        post.seen |= bit;
      } else {
        posts.set(postId, { postId, lexicalScore: weight, seen: bit });
      }
    }
  });
  return bestPosts([...posts.values()], poolSize);
}

/** Runs the prefilter as one statement that reads, sums and ranks the postings of every token slot. */
async function prefilterInOneStatement(
  db: Db,
  chosen: readonly [string, number][],
  caps: readonly number[],
  poolSize: number,
): Promise<PrefilterPost[]> {
  const params: unknown[] = [];
  for (let slot = 0; slot < MAX_QUERY_TOKENS; slot++) {
    const [token, idf] = chosen[slot] ?? ["", 0];
    params.push(idf, token, caps[slot] ?? 0);
  }
  params.push(poolSize);
  const rows = await db.query(candidateSql(db.tables.tokens), params);
  return rows.map((row) => ({ postId: toId(row.post_id), lexicalScore: Number(row.lexical), seen: toInt(row.seen) }));
}

const statements = new Map<string, string>();

function candidateSql(table: string): string {
  let sql = statements.get(table);
  if (sql) return sql;
  const branches = Array.from(
    { length: MAX_QUERY_TOKENS },
    (_, slot) =>
      `SELECT post_id, score * ? AS weight, ${2 ** slot} AS slot_bit FROM (SELECT post_id, score FROM ${table}` +
      ` WHERE token = ? ORDER BY score DESC LIMIT ?) AS p${slot}`,
  );
  sql =
    `SELECT post_id, SUM(weight) AS lexical, SUM(slot_bit) AS seen FROM (${branches.join(" UNION ALL ")}) AS postings` +
    " GROUP BY post_id ORDER BY lexical DESC, post_id LIMIT ?";
  statements.set(table, sql);
  return sql;
}

/**
 * Returns the best `count` posts by score, ties ordered by post id. Only
 * posts at or above the count-th best score are sorted as objects.
 */
function bestPosts(posts: PrefilterPost[], count: number): PrefilterPost[] {
  let best = posts;
  if (posts.length > count) {
    const scores = Float64Array.from(posts, (post) => post.lexicalScore).sort();
    const threshold = scores[posts.length - count] as number;
    best = posts.filter((post) => post.lexicalScore >= threshold);
  }
  return best.sort((a, b) => b.lexicalScore - a.lexicalScore || compareIds(a.postId, b.postId)).slice(0, count);
}

/**
 * Splits `budget` postings among tokens with the given document
 * frequencies: going from the rarest token up, each takes all its postings
 * or an equal share of what is left, whichever is smaller.
 */
export function shareBudget(frequencies: readonly number[], budget: number): number[] {
  const caps = new Array<number>(frequencies.length).fill(0);
  const order = frequencies.map((_, index) => index).sort((a, b) => (frequencies[a] as number) - (frequencies[b] as number));
  let left = budget;
  order.forEach((index, position) => {
    const share = Math.floor(left / (order.length - position));
    const cap = Math.min(frequencies[index] as number, share);
    caps[index] = cap;
    left -= cap;
  });
  return caps;
}

/**
 * Scores the given posts as the prefilter scores its candidates, over all
 * their postings of the weighted tokens. Posts with no matching token are
 * left out. `frequencies`, the tokens' document frequencies, lets MySQL
 * choose how to read them.
 */
export async function scoreLexicalPosts(
  db: Db,
  weights: readonly [string, number][],
  postIds: readonly string[],
  frequencies: ReadonlyMap<string, number> = new Map(),
): Promise<LexicalCandidate[]> {
  const pairs = postIds.flatMap((postId) => weights.map(([token]): [string, string] => [postId, token]));
  const sums = await readPostingScores(db, weights, pairs, frequencies);
  return [...sums].map(([postId, lexicalScore]) => ({ postId, lexicalScore }));
}

/**
 * Reads the postings of the given (post, token) pairs through the table's
 * unique (post_id, token) key and returns, per post found, the sum of its
 * scores times the tokens' idf.
 */
async function readPostingScores(
  db: Db,
  weights: readonly [string, number][],
  pairs: readonly [postId: string, token: string][],
  frequencies: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const idfOf = new Map(weights);
  const sums = new Map<string, number>();
  const rows = db.dialect === "sqlite" ? await readPairsAsValues(db, pairs) : await readPairsByToken(db, pairs, frequencies);
  for (const row of rows) {
    const postId = toId(row.post_id);
    const weight = Number(row.score) * (idfOf.get(String(row.token)) ?? 0);
    sums.set(postId, (sums.get(postId) ?? 0) + weight);
  }
  return sums;
}

/**
 * Reads pairs on SQLite, which looks each pair of a VALUES list up on the
 * unique key. The list is padded with pairs that match no row to a power
 * of two, so a few statement shapes serve every query.
 */
async function readPairsAsValues(db: Db, pairs: readonly [postId: string, token: string][]): Promise<Row[]> {
  const rows: Row[] = [];
  for (let start = 0; start < pairs.length; start += MAX_PAIRS) {
    const batch = pairs.slice(start, start + MAX_PAIRS);
    const pairCount = 2 ** Math.ceil(Math.log2(Math.max(MIN_PAIRS, batch.length)));
    const params: unknown[] = batch.flatMap(([postId, token]) => [toIdParam(postId), token]);
    while (params.length < pairCount * 2) params.push(0, "");
    const list = Array.from({ length: pairCount }, () => "(?, ?)").join(", ");
    rows.push(
      ...(await db.query(`SELECT post_id, token, score FROM ${db.tables.tokens} WHERE (post_id, token) IN (VALUES ${list})`, params)),
    );
  }
  return rows;
}

/**
 * Reads pairs on MySQL and MariaDB. MariaDB 10.11 plans a long list of
 * (post_id, token) row constructors badly: 1,200 pairs took over 300 ms on
 * 10,000 posts. Instead, one statement per token and batch of posts reads
 * the listed posts that lack the token, and the statements run at once on
 * pooled connections, so the server reads their pages in parallel.
 *
 * The (token, post_id, score) index finds each pair among the token's own
 * postings, which common tokens keep in the buffer pool. On 100,000
 * bench posts in MariaDB 10.11 (128 MiB buffer pool) the search's p50 went
 * from 57-58 to 44 ms with it.
 *
 * A table created before that index joined the schema lacks it until
 * `wpllmseo upgrade --force` adds it. Its pairs are found through the
 * (post_id, token) key, and every such lookup also reads the row for its
 * score. Those random reads took 340-660 ms for 800-1,300 pairs with a
 * cold buffer pool. A token whose posts cost more as such lookups than a read of all
 * its postings (POSTINGS_PER_LOOKUP) is then read on the covering (token,
 * score, post_id) index instead: 10-50 ms for the same pairs.
 */
async function readPairsByToken(
  db: Db,
  pairs: readonly [postId: string, token: string][],
  frequencies: ReadonlyMap<string, number>,
): Promise<Row[]> {
  const postsOfToken = new Map<string, string[]>();
  for (const [postId, token] of pairs) {
    const postIds = postsOfToken.get(token);
    if (postIds) postIds.push(postId);
    else postsOfToken.set(token, [postId]);
  }
  return readWithTokenIndexes(db, (hints) => readPairsWithHints(db, postsOfToken, frequencies, hints));
}

/** Reads the pairs of readPairsByToken, grouped by token, with the given index hints. */
async function readPairsWithHints(
  db: Db,
  postsOfToken: ReadonlyMap<string, string[]>,
  frequencies: ReadonlyMap<string, number>,
  hints: TokenIndexHints,
): Promise<Row[]> {
  const statements: Promise<Row[]>[] = [];
  for (const [token, postIds] of postsOfToken) {
    const lookup = hints.byPost !== "";
    const scan = !lookup && hints.byScore !== "" && postIds.length * POSTINGS_PER_LOOKUP >= (frequencies.get(token) ?? Infinity);
    let hint = "";
    if (lookup) hint = hints.byPost;
    else if (scan) hint = hints.byScore;
    // Batches stay below MariaDB's in_predicate_conversion_threshold
    // (1,000 values by default), above which an IN list becomes a subquery.
    // Lookups through the (post_id, token) key take smaller batches, so
    // that more statements read rows in parallel.
    const batchSize = scan || lookup ? MAX_POSTS_PER_TOKEN_READ : MAX_POSTS_PER_KEY_LOOKUP;
    for (let start = 0; start < postIds.length; start += batchSize) {
      const batch = postIds.slice(start, start + batchSize);
      statements.push(
        db.query(
          `SELECT post_id, token, score FROM ${db.tables.tokens}${hint} WHERE token = ? AND post_id IN (${placeholders(batch.length)})`,
          [token, ...batch.map(toIdParam)],
        ),
      );
    }
  }
  return (await Promise.all(statements)).flat();
}
