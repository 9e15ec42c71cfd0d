import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { sqlNow } from "../store/sql-time.js";
import type { ClaimedJob } from "./types.js";

/**
 * Marks a claimed job completed. Returns false when the job's lease was lost
 * (its claim token no longer matches a running job), in which case the
 * caller must roll back the transaction holding the job's writes.
 */
export async function completeJob(
  tx: Db,
  job: Pick<ClaimedJob, "id" | "claimToken">,
): Promise<boolean> {
  const now = sqlNow(tx);
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'completed', locked = 0,` +
      ` claim_token = NULL, claim_batch = NULL, lease_expires_at = NULL, updated_at = ${now}` +
      " WHERE id = ? AND claim_token = ? AND status = 'running'",
    [toIdParam(job.id), job.claimToken],
  );
  return result.affectedRows === 1;
}
