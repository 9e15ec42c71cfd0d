import type { Db } from "../store/db.js";
import { recoverRunningJobs } from "./recover-stale-jobs.js";
import type { RecoverStaleJobsResult } from "./recover-stale-jobs.js";

export interface UnlockJobsOptions {
  /**
   * Take back every running job, not only those whose lease expired. Use it
   * only when no worker is running: a live worker's job is counted as an
   * interrupted attempt and may then run twice.
   */
  force?: boolean;
}

export type UnlockJobsResult = RecoverStaleJobsResult;

/**
 * Takes back running jobs: by default those whose lease expired (stale-job
 * recovery), with `force` every running job. Each counts an attempt; a job
 * that reaches max_attempts is dead-lettered, the others are queued and
 * ready at once. Returns how many went each way.
 */
export async function unlockJobs(
  db: Db,
  options: UnlockJobsOptions = {},
): Promise<UnlockJobsResult> {
  return recoverRunningJobs(db, options.force === true ? "all" : "expired");
}
