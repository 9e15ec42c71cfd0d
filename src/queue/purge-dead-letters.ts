import type { Db } from "../store/db.js";
import { sqlAgeCutoff, validateOlderThanDays } from "./age-cutoff.js";

export interface PurgeDeadLettersOptions {
  /** Delete dead letters whose failed_at (UTC) is older than this. */
  olderThanDays: number;
}

/**
 * Deletes dead letters that failed more than `olderThanDays` days ago on
 * the database clock. Returns how many were deleted.
 */
export async function purgeDeadLetters(
  db: Db,
  options: PurgeDeadLettersOptions,
): Promise<number> {
  validateOlderThanDays(options.olderThanDays);
  const cutoff = sqlAgeCutoff(db, options.olderThanDays);
  const result = await db.transaction((tx) =>
    tx.execute(`DELETE FROM ${tx.tables.deadLetter} WHERE failed_at <= ${cutoff.sql}`, [
      cutoff.param,
    ]),
  );
  return result.affectedRows;
}
