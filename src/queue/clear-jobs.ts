import type { Db } from "../store/db.js";

/**
 * Deletes every job, whatever its status; dead letters are kept. A worker
 * still running one of the deleted jobs finds its lease lost at completion,
 * so that job's writes roll back. Returns how many jobs were deleted.
 */
export async function clearJobs(db: Db): Promise<number> {
  const result = await db.transaction((tx) => tx.execute(`DELETE FROM ${tx.tables.jobs}`));
  return result.affectedRows;
}
