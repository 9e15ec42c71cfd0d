import type { Db } from "../store/db.js";
import { toId, toInt, toNumber } from "../store/rows.js";
import { sqlSecondsSince } from "../store/sql-time.js";
import { JOB_STATUSES } from "./types.js";
import type { JobStatus } from "./types.js";

export interface RunningJobStatus {
  id: string;
  jobType: string;
  runner: string | null;
  /** Seconds since the job was claimed. */
  heldSeconds: number;
  /** Seconds until the lease expires; negative once it has expired. */
  leaseRemainingSeconds: number | null;
}

export interface QueueStatus {
  counts: Record<JobStatus, number>;
  deadLetterCount: number;
  /** Age of the oldest queued job in seconds, or null with none queued. */
  oldestQueuedSeconds: number | null;
  running: RunningJobStatus[];
}

async function countJobsByStatus(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db.query(
    `SELECT status, COUNT(*) AS total FROM ${db.tables.jobs} GROUP BY status`,
  );
  const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0]));
  for (const row of rows) {
    counts[String(row["status"])] = toInt(row["total"]);
  }
  return counts as Record<JobStatus, number>;
}

async function countDeadLetters(db: Db): Promise<number> {
  const rows = await db.query(`SELECT COUNT(*) AS total FROM ${db.tables.deadLetter}`);
  return toInt(rows[0]?.["total"] ?? 0);
}

async function readOldestQueuedSeconds(db: Db): Promise<number | null> {
  const rows = await db.query(
    `SELECT ${sqlSecondsSince(db, "MIN(created_at)")} AS age` +
      ` FROM ${db.tables.jobs} WHERE status = 'queued'`,
  );
  const age = rows[0]?.["age"];
  return age === null || age === undefined ? null : toNumber(age);
}

async function selectRunningJobs(db: Db): Promise<RunningJobStatus[]> {
  const rows = await db.query(
    `SELECT id, job_type, runner, ${sqlSecondsSince(db, "locked_at")} AS held,` +
      ` -${sqlSecondsSince(db, "lease_expires_at")} AS remaining` +
      ` FROM ${db.tables.jobs} WHERE status = 'running' ORDER BY id`,
  );
  return rows.map((row) => ({
    id: toId(row["id"]),
    jobType: String(row["job_type"]),
    runner: row["runner"] == null ? null : String(row["runner"]),
    heldSeconds: row["held"] == null ? 0 : toNumber(row["held"]),
    leaseRemainingSeconds: row["remaining"] == null ? null : toNumber(row["remaining"]),
  }));
}

/** Reads job counts by status, the dead-letter count and the running jobs. */
export async function readQueueStatus(db: Db): Promise<QueueStatus> {
  return {
    counts: await countJobsByStatus(db),
    deadLetterCount: await countDeadLetters(db),
    oldestQueuedSeconds: await readOldestQueuedSeconds(db),
    running: await selectRunningJobs(db),
  };
}
