/**
 * The lexical leg: selects candidate posts from the token table in SQL.
 *
 * A post's lexical score is the sum over matching query tokens of its
 * stored token weight times the token's idf (token-stats.ts). A query reads
 * at most `postingBudget` postings in all, each token its best-weighted ones
 * through the (token, score, post_id) index, so a token found in most posts
 * cannot make a query slow. The budget is shared out so that rare tokens
 * read all their postings and the common ones split the rest. The statement has the same shape for any query: it
 * has MAX_QUERY_TOKENS slots, and unused slots match no row.
 */
import type { Db } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import type { TokenStats } from "./token-stats.js";

export interface LexicalCandidate {
  postId: string;
  lexicalScore: number;
}

/** Query tokens used by the prefilter; a longer query keeps its highest-idf tokens. */
export const MAX_QUERY_TOKENS = 16;
export const DEFAULT_POSTING_BUDGET = 12_000;

/** Fewest (post, token) pairs in a scoreLexicalPosts statement. */
const MIN_PAIRS = 16;

export interface CandidateOptions {
  limit: number;
  postingBudget?: number;
}

export interface LexicalLeg {
  /** The best posts by lexical score, best first, at most `limit`. */
  candidates: LexicalCandidate[];
  /** The query tokens the prefilter used, with their idf. */
  weights: [token: string, idf: number][];
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
  const chosen = [...idfs].filter(([, idf]) => idf > 0).sort((a, b) => b[1] - a[1]).slice(0, MAX_QUERY_TOKENS);
  if (chosen.length === 0) return { candidates: [], weights: [], matchingPosts: 0 };
  const frequencies = await stats.documentFrequencies(chosen.map(([token]) => token));
  const postCount = await stats.readPostCount();
  const frequencySum = [...frequencies.values()].reduce((sum, df) => sum + df, 0);
  const matchingPosts = Math.min(postCount, frequencySum);

  const caps = shareBudget(
    chosen.map(([token]) => frequencies.get(token) ?? 0),
    options.postingBudget ?? DEFAULT_POSTING_BUDGET,
  );
  const params: unknown[] = [];
  for (let slot = 0; slot < MAX_QUERY_TOKENS; slot++) {
    const [token, idf] = chosen[slot] ?? ["", 0];
    params.push(idf, token, caps[slot] ?? 0);
  }
  params.push(options.limit);

  const rows = await db.query(candidateSql(db.tables.tokens), params);
  const candidates = rows.map((row) => ({ postId: toId(row.post_id), lexicalScore: Number(row.lexical) }));
  return { candidates, weights: chosen, matchingPosts };
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
 * Scores the given posts as the prefilter scores its candidates, but over
 * all their postings of the weighted tokens, through the (post_id, token)
 * key. Posts with no matching token are left out.
 */
export async function scoreLexicalPosts(
  db: Db,
  weights: readonly [string, number][],
  postIds: readonly string[],
): Promise<LexicalCandidate[]> {
  if (weights.length === 0 || postIds.length === 0) return [];
  const idfOf = new Map(weights);
  // One (post_id, token) pair per lookup on the table's unique key; SQLite
  // takes the list as a VALUES clause, MySQL as row constructors. The list
  // is padded with pairs that match no row to a power of two, so a few
  // statement shapes serve every query.
  const pairs: unknown[] = postIds.flatMap((postId) => weights.flatMap(([token]) => [toIdParam(postId), token]));
  const pairCount = 2 ** Math.ceil(Math.log2(Math.max(MIN_PAIRS, pairs.length / 2)));
  while (pairs.length < pairCount * 2) pairs.push(0, "");
  const list = Array.from({ length: pairCount }, () => "(?, ?)").join(", ");
  const rows = await db.query(
    `SELECT post_id, token, score FROM ${db.tables.tokens}` +
      ` WHERE (post_id, token) IN (${db.dialect === "sqlite" ? `VALUES ${list}` : list})`,
    pairs,
  );
  const sums = new Map<string, number>();
  for (const row of rows) {
    const postId = toId(row.post_id);
    const weight = Number(row.score) * (idfOf.get(String(row.token)) ?? 0);
    sums.set(postId, (sums.get(postId) ?? 0) + weight);
  }
  return [...sums].map(([postId, lexicalScore]) => ({ postId, lexicalScore }));
}

const statements = new Map<string, string>();

function candidateSql(table: string): string {
  let sql = statements.get(table);
  if (sql) return sql;
  const branches = Array.from(
    { length: MAX_QUERY_TOKENS },
    (_, slot) =>
      `SELECT post_id, score * ? AS weight FROM (SELECT post_id, score FROM ${table}` +
      ` WHERE token = ? ORDER BY score DESC LIMIT ?) AS p${slot}`,
  );
  sql =
    `SELECT post_id, SUM(weight) AS lexical FROM (${branches.join(" UNION ALL ")}) AS postings` +
    " GROUP BY post_id ORDER BY lexical DESC, post_id LIMIT ?";
  statements.set(table, sql);
  return sql;
}
