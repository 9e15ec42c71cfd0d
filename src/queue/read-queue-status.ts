import type { Db } from "../store/db.js";
import { toId, toInt, toNumber } from "../store/rows.js";
import { offsetParam, sqlNowPlus, sqlSecondsSince } from "../store/sql-time.js";
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
  /**
   * Queued jobs whose run_after is more than 60 s before now on the
   * database clock: ready for over a minute yet not claimed, a sign that
   * too few workers are running. Jobs waiting for a retry delay or a
   * requested delay are not overdue until 60 s after that delay ends.
   */
  overdueCount: number;
  /** Jobs completed in the last 5 minutes (status completed, by updated_at). */
  completedLast5Minutes: number;
  /** Jobs completed in the last 60 minutes (status completed, by updated_at). */
  completedLast60Minutes: number;
  running: RunningJobStatus[];
}

/** How long a ready job may wait before it counts as overdue, in ms. */
const OVERDUE_AFTER_MS = 60_000;

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

/**
 * Counts completed jobs whose updated_at is within the last `ms`; a job's
 * updated_at is its completion time, because completed is final.
 */
async function countJobsCompletedWithin(db: Db, ms: number): Promise<number> {
  const rows = await db.query(
    `SELECT COUNT(*) AS total FROM ${db.tables.jobs}` +
      ` WHERE status = 'completed' AND updated_at >= ${sqlNowPlus(db)}`,
    [offsetParam(db, -ms)],
  );
  return toInt(rows[0]?.["total"] ?? 0);
}

async function countOverdueJobs(db: Db): Promise<number> {
  const rows = await db.query(
    `SELECT COUNT(*) AS total FROM ${db.tables.jobs}` +
      ` WHERE status = 'queued' AND run_after < ${sqlNowPlus(db)}`,
    [offsetParam(db, -OVERDUE_AFTER_MS)],
  );
  return toInt(rows[0]?.["total"] ?? 0);
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

/**
 * Reads job counts by status, the dead-letter count, overdue and recently
 * completed counts, and the running jobs. Each figure is its own query, so
 * under load they may disagree by the jobs that moved in between.
 */
export async function readQueueStatus(db: Db): Promise<QueueStatus> {
  return {
    counts: await countJobsByStatus(db),
    deadLetterCount: await countDeadLetters(db),
    oldestQueuedSeconds: await readOldestQueuedSeconds(db),
    overdueCount: await countOverdueJobs(db),
    completedLast5Minutes: await countJobsCompletedWithin(db, 300_000),
    completedLast60Minutes: await countJobsCompletedWithin(db, 3_600_000),
    running: await selectRunningJobs(db),
  };
}

/** Completed and failed jobs in one minute of the last hour. */
export interface MinuteBucket {
  /** Whole minutes before now on the database clock: 0 is the current minute. */
  minutesAgo: number;
  completed: number;
  /** Jobs that used their last attempt (status failed) in that minute. */
  failed: number;
}

/**
 * Counts jobs that reached completed or failed in each of the last
 * `minutes` minutes, by updated_at, which is the time a job reached either
 * final status. Returns one bucket per minute, oldest first, with zeros for
 * minutes without jobs. Jobs retried after a failed attempt are not counted
 * as failed until their last attempt fails.
 */
export async function readMinuteBuckets(db: Db, minutes = 60): Promise<MinuteBucket[]> {
  if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440)) {
    throw new RangeError(`Invalid minutes ${minutes}: use a whole number from 1 to 1440.`);
  }
  const age = sqlSecondsSince(db, "updated_at");
  // SQLite's CAST truncates, which floors the non-negative ages; MySQL's CAST rounds.
  const minutesAgo = db.dialect === "mysql" ? `FLOOR(${age} / 60)` : `CAST(${age} / 60 AS INTEGER)`;
  const rows = await db.query(
    `SELECT ${minutesAgo} AS minutes_ago, status, COUNT(*) AS total FROM ${db.tables.jobs}` +
      ` WHERE status IN ('completed', 'failed') AND updated_at >= ${sqlNowPlus(db)}` +
      " GROUP BY minutes_ago, status",
    [offsetParam(db, -minutes * 60_000)],
  );
  const buckets: MinuteBucket[] = Array.from({ length: minutes }, (_, index) => ({
    minutesAgo: minutes - 1 - index,
    completed: 0,
    failed: 0,
  }));
  for (const row of rows) {
    const minutesAgo = toInt(row["minutes_ago"]);
    const bucket = buckets[minutes - 1 - minutesAgo];
    if (!bucket) continue;
    if (row["status"] === "completed") bucket.completed += toInt(row["total"]);
    else bucket.failed += toInt(row["total"]);
  }
  return buckets;
}
