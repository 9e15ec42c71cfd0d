import type { Db } from "../store/db.js";
import { sqlAgeCutoff, validateOlderThanDays } from "./age-cutoff.js";

export interface DeleteFinishedJobsOptions {
  /** Delete jobs whose last change (updated_at, UTC) is older than this. */
  olderThanDays: number;
}

/**
 * Deletes completed and failed jobs last updated more than `olderThanDays`
 * days ago on the database clock. Their dead-letter rows are kept. Returns
 * how many jobs were deleted.
 */
export async function deleteFinishedJobs(
  db: Db,
  options: DeleteFinishedJobsOptions,
): Promise<number> {
  validateOlderThanDays(options.olderThanDays);
  const cutoff = sqlAgeCutoff(db, options.olderThanDays);
  const result = await db.transaction((tx) =>
    tx.execute(
      `DELETE FROM ${tx.tables.jobs}` +
        ` WHERE status IN ('completed', 'failed') AND updated_at <= ${cutoff.sql}`,
      [cutoff.param],
    ),
  );
  return result.affectedRows;
}
