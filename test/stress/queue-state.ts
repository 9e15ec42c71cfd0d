/**
 * Database helpers for the stress suites: a fresh queue with its effects
 * table, a producer that enqueues at a steady rate, polling for a state,
 * and read-outs of jobs, effects and dead letters.
 */
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import type { EnqueueJobOptions } from "../../src/queue/enqueue-job.js";
import type { Db } from "../../src/store/db.js";
import { toId, toInt } from "../../src/store/rows.js";
import { readTablePrefix } from "../../src/store/table-names.js";
import { sleep } from "../helpers/db.js";
import type { TestDatabase } from "../helpers/db.js";

export interface StressQueue {
  db: Db;
  prefix: string;
  /** `<prefix>effects`: one row per committed job write, unique on job_id. */
  effectsTable: string;
}

/** Opens a migrated queue with a fresh prefix and creates its effects table. */
export async function openStressQueue(database: TestDatabase): Promise<StressQueue> {
  const db = await database.openMigrated();
  const prefix = readTablePrefix(db.tables);
  const effectsTable = `${prefix}effects`;
  const sql =
    db.dialect === "mysql"
      ? `CREATE TABLE ${effectsTable} (job_id BIGINT UNSIGNED NOT NULL,` +
        " runner VARCHAR(128) NOT NULL, UNIQUE KEY job_id (job_id)) ENGINE=InnoDB"
      : `CREATE TABLE ${effectsTable} (job_id INTEGER NOT NULL UNIQUE, runner TEXT NOT NULL)`;
  await db.execute(sql);
  return { db, prefix, effectsTable };
}

export interface ProduceOptions {
  count: number;
  perSecond: number;
  /** Jobs enqueued together in one transaction. */
  batchSize: number;
  payload: unknown;
  maxAttempts?: number;
}

/**
 * Enqueues `count` jobs at about `perSecond`, one batch per tick, and
 * returns their ids. Each tick is scheduled from the start time, so a slow
 * batch shortens the next wait instead of slowing the whole run.
 */
export async function produceJobs(db: Db, options: ProduceOptions): Promise<string[]> {
  const ids: string[] = [];
  const tickMs = (options.batchSize / options.perSecond) * 1000;
  const startedAt = Date.now();
  const job: EnqueueJobOptions = {
    jobType: "stress",
    payload: options.payload,
    maxAttempts: options.maxAttempts,
  };
  for (let tick = 0; ids.length < options.count; tick += 1) {
    const size = Math.min(options.batchSize, options.count - ids.length);
    // A retried transaction runs its callback again, so the ids are kept
    // only once the batch has committed.
    const batch = await db.transaction(async (tx) => {
      const batchIds: string[] = [];
      for (let i = 0; i < size; i += 1) {
        batchIds.push((await enqueueJob(tx, job)).id);
      }
      return batchIds;
    });
    ids.push(...batch);
    await sleep(Math.max(0, startedAt + (tick + 1) * tickMs - Date.now()));
  }
  return ids;
}

/**
 * Polls `read` until `isDone` accepts its value, and returns that value.
 * Throws after `timeoutMs`, with the last value in the message.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  { timeoutMs, intervalMs = 200, what }: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Last state: ${JSON.stringify(value)}`);
    }
    await sleep(intervalMs);
  }
}

export interface JobCounts {
  queued: number;
  running: number;
  completed: number;
  failed: number;
}

/** Counts jobs by status. */
export async function countJobs(db: Db): Promise<JobCounts> {
  const rows = await db.query(`SELECT status, COUNT(*) AS total FROM ${db.tables.jobs} GROUP BY status`);
  const counts: JobCounts = { queued: 0, running: 0, completed: 0, failed: 0 };
  for (const row of rows) {
    counts[String(row["status"]) as keyof JobCounts] = toInt(row["total"]);
  }
  return counts;
}

/** Counts jobs by their attempts column, as `{ attempts: jobs }`. */
export async function countJobsByAttempts(db: Db): Promise<Record<number, number>> {
  const rows = await db.query(
    `SELECT attempts, COUNT(*) AS total FROM ${db.tables.jobs} GROUP BY attempts`,
  );
  return Object.fromEntries(rows.map((row) => [toInt(row["attempts"]), toInt(row["total"])]));
}

/** Reads the job id of every effect row, in id order. */
export async function readEffectJobIds(queue: StressQueue): Promise<string[]> {
  const rows = await queue.db.query(`SELECT job_id FROM ${queue.effectsTable} ORDER BY job_id`);
  return rows.map((row) => toId(row["job_id"]));
}

/** Reads the ids of jobs with `status`. */
export async function readJobIds(db: Db, status: keyof JobCounts): Promise<string[]> {
  const rows = await db.query(`SELECT id FROM ${db.tables.jobs} WHERE status = ? ORDER BY id`, [status]);
  return rows.map((row) => toId(row["id"]));
}

/** Reads the original job id of every dead-letter row, in id order. */
export async function readDeadLetterJobIds(db: Db): Promise<string[]> {
  const rows = await db.query(
    `SELECT original_job_id FROM ${db.tables.deadLetter} ORDER BY original_job_id`,
  );
  return rows.map((row) => toId(row["original_job_id"]));
}

/** Returns the values that occur more than once in `values`. */
export function findDuplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) {
      duplicates.add(value);
    }
    seen.add(value);
  }
  return [...duplicates];
}
