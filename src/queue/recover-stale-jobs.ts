import type { Db } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import { sqlNow } from "../store/sql-time.js";
import { insertDeadLetters } from "./insert-dead-letters.js";

export interface RecoverStaleJobsResult {
  requeued: number;
  deadLettered: number;
}

/** Selects running jobs whose lease has expired, locking them on MySQL. */
async function selectExpiredJobIds(tx: Db): Promise<string[]> {
  const lockClause = tx.dialect === "mysql" ? " FOR UPDATE SKIP LOCKED" : "";
  const rows = await tx.query(
    `SELECT id FROM ${tx.tables.jobs}` +
      ` WHERE status = 'running' AND lease_expires_at < ${sqlNow(tx)} ORDER BY id${lockClause}`,
  );
  return rows.map((row) => toId(row["id"]));
}

/**
 * Counts an attempt for each expired job and moves it to failed when that
 * reaches max_attempts, else to queued and ready at once.
 *
 * Every expression that reads a column comes before that column's own
 * assignment, because MySQL evaluates SET left to right with updated values
 * while SQLite reads the old ones.
 */
async function releaseExpiredJobs(tx: Db, ids: readonly string[]): Promise<number> {
  const now = sqlNow(tx);
  const runner = "COALESCE(runner, 'unknown')";
  const lastError =
    tx.dialect === "mysql"
      ? `CONCAT('Lease expired while runner ', ${runner}, ' held the job')`
      : `'Lease expired while runner ' || ${runner} || ' held the job'`;
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET` +
      " status = CASE WHEN attempts + 1 >= max_attempts THEN 'failed' ELSE 'queued' END," +
      ` run_after = CASE WHEN attempts + 1 >= max_attempts THEN run_after ELSE ${now} END,` +
      ` attempts = attempts + 1, last_error = ${lastError}, runner = NULL,` +
      " locked = 0, locked_at = NULL, lease_expires_at = NULL, claim_token = NULL," +
      ` updated_at = ${now}` +
      ` WHERE id IN (${ids.map(() => "?").join(", ")}) AND status = 'running'`,
    ids.map(toIdParam),
  );
  return result.affectedRows;
}

/**
 * Takes back running jobs whose lease expired (their runner died or
 * stalled). Each counts an attempt, so a job that kills its runner ends in
 * the dead-letter table after max_attempts instead of looping.
 */
export async function recoverStaleJobs(db: Db): Promise<RecoverStaleJobsResult> {
  return db.transaction(async (tx) => {
    const ids = await selectExpiredJobIds(tx);
    if (ids.length === 0) {
      return { requeued: 0, deadLettered: 0 };
    }
    const released = await releaseExpiredJobs(tx, ids);
    const deadLettered = await insertDeadLetters(tx, ids, null);
    return { requeued: released - deadLettered, deadLettered };
  });
}
