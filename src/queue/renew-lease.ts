import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { offsetParam, sqlNowPlus } from "../store/sql-time.js";
import type { ClaimedJob } from "./types.js";

/**
 * Extends a claimed job's lease to now + `leaseMs`. Returns false when the
 * claim token no longer matches a running job, meaning the lease was lost.
 * Runs in `db.transaction` so that transient database errors are retried.
 */
export async function renewLease(
  db: Db,
  job: Pick<ClaimedJob, "id" | "claimToken">,
  leaseMs: number,
): Promise<boolean> {
  const result = await db.transaction((tx) =>
    tx.execute(
      `UPDATE ${tx.tables.jobs} SET lease_expires_at = ${sqlNowPlus(tx)}` +
        " WHERE id = ? AND claim_token = ? AND status = 'running'",
      [offsetParam(tx, leaseMs), toIdParam(job.id), job.claimToken],
    ),
  );
  return result.affectedRows === 1;
}
