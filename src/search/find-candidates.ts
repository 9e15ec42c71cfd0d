/**
 * The lexical leg: selects candidate posts from the token table in SQL.
 *
 * A post's lexical score is the sum over matching query tokens of its
 * stored token weight times the token's idf (token-stats.ts). Each token
 * reads at most `postingsPerToken` postings, its best-weighted ones through
 * the (token, score, post_id) index, so a token found in most posts cannot
 * make a query slow. The statement has the same shape for any query: it
 * has MAX_QUERY_TOKENS slots, and unused slots match no row.
 */
import type { Db } from "../store/db.js";
import { toId } from "../store/rows.js";
import type { TokenStats } from "./token-stats.js";

export interface LexicalCandidate {
  postId: string;
  lexicalScore: number;
}

/** Query tokens used by the prefilter; a longer query keeps its highest-idf tokens. */
export const MAX_QUERY_TOKENS = 16;
export const DEFAULT_POSTINGS_PER_TOKEN = 2000;

export interface CandidateOptions {
  limit: number;
  postingsPerToken?: number;
}

export async function findCandidates(
  db: Db,
  stats: TokenStats,
  tokens: readonly string[],
  options: CandidateOptions,
): Promise<LexicalCandidate[]> {
  const weights = await stats.inverseFrequencies([...new Set(tokens)]);
  const chosen = [...weights].filter(([, idf]) => idf > 0).sort((a, b) => b[1] - a[1]).slice(0, MAX_QUERY_TOKENS);
  if (chosen.length === 0) return [];

  const postings = options.postingsPerToken ?? DEFAULT_POSTINGS_PER_TOKEN;
  const params: unknown[] = [];
  for (let slot = 0; slot < MAX_QUERY_TOKENS; slot++) {
    const [token, idf] = chosen[slot] ?? ["", 0];
    params.push(idf, token, token === "" ? 0 : postings);
  }
  params.push(options.limit);

  const rows = await db.query(candidateSql(db.tables.tokens), params);
  return rows.map((row) => ({ postId: toId(row.post_id), lexicalScore: Number(row.lexical) }));
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
