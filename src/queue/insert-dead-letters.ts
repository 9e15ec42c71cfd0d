import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { sqlNow } from "../store/sql-time.js";

/**
 * Copies failed jobs into the dead-letter table. Call it in the transaction
 * that set their status to failed, so that both commit together. `reason`
 * null keeps each job's last_error as the reason.
 */
export async function insertDeadLetters(
  tx: Db,
  jobIds: readonly string[],
  reason: string | null,
): Promise<number> {
  if (jobIds.length === 0) {
    return 0;
  }
  const idList = jobIds.map(() => "?").join(", ");
  const result = await tx.execute(
    `INSERT INTO ${tx.tables.deadLetter}` +
      " (original_job_id, job_type, post_id, payload, dedupe_key, priority, max_attempts," +
      " reason, attempts, failed_at)" +
      " SELECT id, job_type, post_id, payload, dedupe_key, priority, max_attempts," +
      ` COALESCE(?, last_error), attempts, ${sqlNow(tx)}` +
      ` FROM ${tx.tables.jobs} WHERE id IN (${idList}) AND status = 'failed'`,
    [reason, ...jobIds.map(toIdParam)],
  );
  return result.affectedRows;
}
