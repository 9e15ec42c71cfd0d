/**
 * Fills the engine's jobs table for the queue benches. Jobs go in through
 * multi-row INSERTs with the columns `enqueueJob` writes (no dedupe key), so
 * 20,000 jobs take well under a second instead of one statement each.
 */
import type { Db } from "../src/store/db.js";
import { toInt } from "../src/store/rows.js";
import { sqlNow } from "../src/store/sql-time.js";

export const NOOP_JOB_TYPE = "bench_noop";

const ROWS_PER_INSERT = 500;

/** Inserts `count` ready jobs of type `bench_noop` in id order. */
export async function insertQueuedJobs(db: Db, count: number): Promise<void> {
  const now = sqlNow(db);
  const row = `(?, NULL, NULL, 'queued', 0, 5, NULL, ${now}, ${now}, ${now})`;
  await db.transaction(async (tx) => {
    for (let first = 0; first < count; first += ROWS_PER_INSERT) {
      const rows = Math.min(ROWS_PER_INSERT, count - first);
      await tx.execute(
        `INSERT INTO ${tx.tables.jobs} (job_type, post_id, payload, status, priority,` +
          " max_attempts, dedupe_key, run_after, created_at, updated_at)" +
          ` VALUES ${new Array<string>(rows).fill(row).join(", ")}`,
        new Array<string>(rows).fill(NOOP_JOB_TYPE),
      );
    }
  });
}

/** Deletes every job, so the next bench starts from an empty table. */
export async function deleteAllJobs(db: Db): Promise<void> {
  await db.execute(`DELETE FROM ${db.tables.jobs}`);
}

/** Counts jobs with `status`. */
export async function countJobs(db: Db, status: "queued" | "running" | "completed" | "failed"): Promise<number> {
  const rows = await db.query(`SELECT COUNT(*) AS count FROM ${db.tables.jobs} WHERE status = ?`, [status]);
  return toInt(rows[0]?.["count"]);
}
