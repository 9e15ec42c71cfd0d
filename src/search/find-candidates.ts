/**
 * The lexical leg: selects candidate posts from the token table in SQL.
 *
 * A post's lexical score is the sum over matching query tokens of
 * stored score x idf, with idf = ln(1 + (N - df + 0.5) / (df + 0.5)) as in
 * BM25, N the number of indexed posts and df the token's post count.
 */
import type { Db } from "../store/db.js";
import { toId, toInt } from "../store/rows.js";

export interface LexicalCandidate {
  postId: string;
  lexicalScore: number;
}

export async function findCandidates(db: Db, tokens: readonly string[], limit: number): Promise<LexicalCandidate[]> {
  const unique = [...new Set(tokens)];
  if (unique.length === 0) return [];

  const weights = await readTokenWeights(db, unique);
  if (weights.size === 0) return [];

  const present = [...weights.keys()];
  const cases = present.map(() => "WHEN ? THEN ?").join(" ");
  const caseParams = present.flatMap((token) => [token, weights.get(token)]);
  const rows = await db.query(
    `SELECT post_id, SUM(score * CASE token ${cases} ELSE 0 END) AS lexical` +
      ` FROM ${db.tables.tokens} WHERE token IN (${placeholders(present.length)})` +
      ` GROUP BY post_id ORDER BY lexical DESC, post_id LIMIT ?`,
    [...caseParams, ...present, limit],
  );
  return rows.map((row) => ({ postId: toId(row.post_id), lexicalScore: Number(row.lexical) }));
}

/** Returns the idf of each query token that occurs in the index. */
async function readTokenWeights(db: Db, tokens: readonly string[]): Promise<Map<string, number>> {
  const [documentCount, frequencies] = await Promise.all([
    db.query(`SELECT COUNT(*) AS n FROM ${db.tables.posts}`),
    db.query(
      `SELECT token, COUNT(*) AS df FROM ${db.tables.tokens} WHERE token IN (${placeholders(tokens.length)}) GROUP BY token`,
      tokens,
    ),
  ]);
  const total = Math.max(1, toInt(documentCount[0]?.n ?? 0));
  const weights = new Map<string, number>();
  for (const row of frequencies) {
    const df = toInt(row.df);
    weights.set(String(row.token), Math.log(1 + (total - df + 0.5) / (df + 0.5)));
  }
  return weights;
}

export function placeholders(count: number): string {
  return new Array<string>(count).fill("?").join(", ");
}
