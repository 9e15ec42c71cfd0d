import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { offsetParam, sqlNowPlus } from "../store/sql-time.js";
import type { ClaimedJob } from "./types.js";

/**
 * Extends a claimed job's lease to now + `leaseMs`. Returns false when the
 * claim token no longer matches a running job, meaning the lease was lost.
 */
export async function renewLease(
  db: Db,
  job: Pick<ClaimedJob, "id" | "claimToken">,
  leaseMs: number,
): Promise<boolean> {
  const result = await db.execute(
    `UPDATE ${db.tables.jobs} SET lease_expires_at = ${sqlNowPlus(db)}` +
      " WHERE id = ? AND claim_token = ? AND status = 'running'",
    [offsetParam(db, leaseMs), toIdParam(job.id), job.claimToken],
  );
  return result.affectedRows === 1;
}
