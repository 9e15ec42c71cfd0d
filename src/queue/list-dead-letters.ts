import type { Db } from "../store/db.js";
import { DEAD_LETTER_COLUMNS, toDeadLetter } from "./dead-letter-row.js";
import type { DeadLetter } from "./dead-letter-row.js";

export interface ListDeadLettersOptions {
  /** Rows to return, 1 to 10,000; default 50. */
  limit?: number;
  /** Rows to skip, for paging through the list; default 0. */
  offset?: number;
}

const MAX_LIST_LIMIT = 10_000;

function validateListOptions(limit: number, offset: number): void {
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIST_LIMIT)) {
    throw new RangeError(`Invalid limit ${limit}: use an integer from 1 to ${MAX_LIST_LIMIT}.`);
  }
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new RangeError(`Invalid offset ${offset}: use an integer of 0 or more.`);
  }
}

/** Lists dead letters, most recent failure first (ties by id, newest first). */
export async function listDeadLetters(
  db: Db,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetter[]> {
  const limit = options.limit ?? 50;
  const offset = options.offset ?? 0;
  validateListOptions(limit, offset);
  const rows = await db.query(
    `SELECT ${DEAD_LETTER_COLUMNS} FROM ${db.tables.deadLetter}` +
      " ORDER BY failed_at DESC, id DESC LIMIT ? OFFSET ?",
    [limit, offset],
  );
  return rows.map(toDeadLetter);
}
