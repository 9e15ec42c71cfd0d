import type { Db } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import { sqlNow } from "../store/sql-time.js";
import { insertDeadLetters } from "./insert-dead-letters.js";
import { placeholders } from "./job-row.js";

export interface RecoverStaleJobsResult {
  requeued: number;
  deadLettered: number;
}

/** Running jobs to take back: those whose lease expired, or every one. */
export type RecoveryScope = "expired" | "all";

/**
 * Selects running jobs in `scope` and locks them on MySQL/MariaDB, skipping
 * rows another transaction holds where the server has SKIP LOCKED, else
 * waiting for them.
 */
async function selectRunningJobIds(tx: Db, scope: RecoveryScope): Promise<string[]> {
  const expiredFilter = scope === "expired" ? ` AND lease_expires_at < ${sqlNow(tx)}` : "";
  let lockClause = "";
  if (tx.dialect === "mysql") {
    lockClause = tx.capabilities.skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
  }
  const rows = await tx.query(
    `SELECT id FROM ${tx.tables.jobs}` +
      ` WHERE status = 'running'${expiredFilter} ORDER BY id${lockClause}`,
  );
  return rows.map((row) => toId(row["id"]));
}

/**
 * Counts an attempt for each job and moves it to failed when that reaches
 * max_attempts, else to queued and ready at once. `cause` starts the stored
 * last_error, followed by " while runner <runner> held the job".
 *
 * Every expression that reads a column comes before that column's own
 * assignment, because MySQL evaluates SET left to right with updated values
 * while SQLite reads the old ones.
 */
async function requeueInterruptedJobs(
  tx: Db,
  ids: readonly string[],
  cause: string,
): Promise<number> {
  const now = sqlNow(tx);
  const runner = "COALESCE(runner, 'unknown')";
  const lastError =
    tx.dialect === "mysql"
      ? `CONCAT(?, ' while runner ', ${runner}, ' held the job')`
      : `? || ' while runner ' || ${runner} || ' held the job'`;
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET` +
      " status = CASE WHEN attempts + 1 >= max_attempts THEN 'failed' ELSE 'queued' END," +
      ` run_after = CASE WHEN attempts + 1 >= max_attempts THEN run_after ELSE ${now} END,` +
      ` attempts = attempts + 1, last_error = ${lastError}, runner = NULL,` +
      " locked = 0, locked_at = NULL, lease_expires_at = NULL, claim_token = NULL," +
      ` claim_batch = NULL, updated_at = ${now}` +
      ` WHERE id IN (${placeholders(ids.length)}) AND status = 'running'`,
    [cause, ...ids.map(toIdParam)],
  );
  return result.affectedRows;
}

/**
 * Takes back running jobs in `scope`, in one transaction. Each counts an
 * attempt, because its run was interrupted; jobs that reach max_attempts
 * are marked failed and copied to the dead-letter table.
 */
export async function recoverRunningJobs(
  db: Db,
  scope: RecoveryScope,
): Promise<RecoverStaleJobsResult> {
  const cause = scope === "expired" ? "Lease expired" : "Unlocked by force";
  return db.transaction(async (tx) => {
    const ids = await selectRunningJobIds(tx, scope);
    if (ids.length === 0) {
      return { requeued: 0, deadLettered: 0 };
    }
    const released = await requeueInterruptedJobs(tx, ids, cause);
    const deadLettered = await insertDeadLetters(tx, ids, null);
    return { requeued: released - deadLettered, deadLettered };
  });
}

/**
 * Takes back running jobs whose lease expired (their runner died or
 * stalled). Each counts an attempt, so a job that kills its runner ends in
 * the dead-letter table after max_attempts instead of looping.
 */
export async function recoverStaleJobs(db: Db): Promise<RecoverStaleJobsResult> {
  return recoverRunningJobs(db, "expired");
}
