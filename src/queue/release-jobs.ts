import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { sqlNow } from "../store/sql-time.js";
import { placeholders } from "./job-row.js";
import type { ClaimedJob } from "./types.js";

/** Jobs released per UPDATE, to keep the IN lists short. */
const RELEASE_BATCH_SIZE = 500;

async function updateReleasedJobs(
  tx: Db,
  jobs: readonly Pick<ClaimedJob, "id" | "claimToken">[],
): Promise<number> {
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'queued', locked = 0, locked_at = NULL,` +
      " lease_expires_at = NULL, claim_token = NULL, claim_batch = NULL, runner = NULL," +
      ` updated_at = ${sqlNow(tx)}` +
      ` WHERE id IN (${placeholders(jobs.length)})` +
      ` AND claim_token IN (${placeholders(jobs.length)}) AND status = 'running'`,
    [...jobs.map((job) => toIdParam(job.id)), ...jobs.map((job) => job.claimToken)],
  );
  return result.affectedRows;
}

/**
 * Puts claimed jobs back to queued, ready at once, without counting an
 * attempt: for jobs that did not fail but must not finish here (a worker
 * shutting down, a completion that failed on database errors). A job is
 * released only while it is running under the claim token given, so a job
 * whose lease was lost is left as it is. Returns how many were released.
 */
export async function releaseJobs(
  db: Db,
  jobs: readonly Pick<ClaimedJob, "id" | "claimToken">[],
): Promise<number> {
  if (jobs.length === 0) {
    return 0;
  }
  return db.transaction(async (tx) => {
    let released = 0;
    for (let start = 0; start < jobs.length; start += RELEASE_BATCH_SIZE) {
      released += await updateReleasedJobs(tx, jobs.slice(start, start + RELEASE_BATCH_SIZE));
    }
    return released;
  });
}
