/**
 * Index hints for the token table on MySQL.
 */
import { readIndexes } from "../store/complete-table.js";
import type { Db } from "../store/db.js";

export interface TokenIndexHints {
  /** " FORCE INDEX (...)" for the (token, score, post_id) index, or "". */
  byScore: string;
  /** " FORCE INDEX (...)" for the (token, post_id, score) index, or "". */
  byPost: string;
}

const indexHints = new WeakMap<Db, Promise<TokenIndexHints>>();

/** MySQL's ER_KEY_DOES_NOT_EXITS: a FORCE INDEX names an index the table no longer has. */
const MYSQL_NO_SUCH_KEY = 1176;

/**
 * Runs `read` with the token table's index hints. When the table lost a
 * hinted index since the hints were read, as when an index is dropped
 * while the process runs, the hints are read again and `read` runs once
 * more with them.
 */
export async function readWithTokenIndexes<T>(db: Db, read: (hints: TokenIndexHints) => Promise<T>): Promise<T> {
  const hints = await tokenIndexHints(db);
  try {
    return await read(hints);
  } catch (error) {
    if ((error as { errno?: unknown } | null)?.errno !== MYSQL_NO_SUCH_KEY || indexHints.get(db) === undefined) throw error;
    indexHints.delete(db);
    return read(await tokenIndexHints(db));
  }
}

/**
 * Returns the index hints that make MySQL read the token table through its
 * (token, score, post_id) or (token, post_id, score) index. The indexes are
 * found by their columns, once per database handle, because a table that
 * predates the engine's schema may name them differently or lack one.
 */
export function tokenIndexHints(db: Db): Promise<TokenIndexHints> {
  let hints = indexHints.get(db);
  if (!hints) {
    hints = readIndexes(db, db.tables.tokens).then((indexes) => {
      const force = (columns: string): string => {
        const index = indexes.find((candidate) => candidate.columns.map((column) => column.toLowerCase()).join() === columns);
        return index ? ` FORCE INDEX (\`${index.name.replaceAll("`", "``")}\`)` : "";
      };
      return { byScore: force("token,score,post_id"), byPost: force("token,post_id,score") };
    });
    hints.catch(() => indexHints.delete(db));
    indexHints.set(db, hints);
  }
  return hints;
}
