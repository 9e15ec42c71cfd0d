import type { Db } from "../store/db.js";
import { isDuplicateKeyError } from "../store/errors.js";
import { toId, toIdParam } from "../store/rows.js";
import { offsetParam, sqlNow, sqlNowPlus } from "../store/sql-time.js";

export interface EnqueueJobOptions {
  jobType: string;
  postId?: string | null;
  /** Stored as JSON text. */
  payload?: unknown;
  /** At most one queued or running job exists per dedupe key. */
  dedupeKey?: string | null;
  /** Default 5. */
  maxAttempts?: number;
  /** Lower runs first; default 0. */
  priority?: number;
  /** Milliseconds before the job is ready; default 0. */
  delayMs?: number;
}

export interface EnqueueJobResult {
  id: string;
  /** False when an active job with the same dedupe key already existed. */
  created: boolean;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Inserts that may meet a duplicate whose job finishes before it is read. */
const MAX_ENQUEUE_TRIES = 5;

function validateEnqueueOptions(options: EnqueueJobOptions): void {
  const { jobType, dedupeKey, maxAttempts, priority, delayMs } = options;
  if (!jobType || jobType.length > 64) {
    throw new RangeError(
      `Invalid jobType ${JSON.stringify(jobType)}: use 1-64 characters.`,
    );
  }
  if (dedupeKey != null && (dedupeKey === "" || dedupeKey.length > 191)) {
    throw new RangeError(
      `Invalid dedupeKey ${JSON.stringify(dedupeKey)}: use 1-191 characters.`,
    );
  }
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new RangeError(`Invalid maxAttempts ${maxAttempts}: use an integer of 1 or more.`);
  }
  if (priority !== undefined && !Number.isInteger(priority)) {
    throw new RangeError(`Invalid priority ${priority}: use an integer.`);
  }
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new RangeError(`Invalid delayMs ${delayMs}: use a number of 0 or more.`);
  }
}

async function insertJob(db: Db, options: EnqueueJobOptions): Promise<string> {
  const now = sqlNow(db);
  const result = await db.execute(
    `INSERT INTO ${db.tables.jobs} (job_type, post_id, payload, status,` +
      " priority, max_attempts, dedupe_key, run_after, created_at, updated_at)" +
      ` VALUES (?, ?, ?, 'queued', ?, ?, ?, ${sqlNowPlus(db)}, ${now}, ${now})`,
    [
      options.jobType,
      options.postId == null ? null : toIdParam(options.postId),
      options.payload === undefined ? null : JSON.stringify(options.payload),
      options.priority ?? 0,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.dedupeKey ?? null,
      offsetParam(db, options.delayMs ?? 0),
    ],
  );
  if (result.insertId === null) {
    throw new Error(`Inserting a ${options.jobType} job returned no id.`);
  }
  return result.insertId;
}

/**
 * Selects the active job holding a dedupe key. On MySQL the locking read
 * returns the latest committed row even inside an older transaction snapshot.
 */
async function selectActiveJobId(db: Db, dedupeKey: string): Promise<string | null> {
  const sql =
    db.dialect === "mysql"
      ? `SELECT id FROM ${db.tables.jobs} WHERE active_dedupe_key = ? LOCK IN SHARE MODE`
      : `SELECT id FROM ${db.tables.jobs}` +
        " WHERE dedupe_key = ? AND status IN ('queued', 'running')";
  const rows = await db.query(sql, [dedupeKey]);
  return rows[0] ? toId(rows[0]["id"]) : null;
}

/**
 * Enqueues a job. The unique index over active dedupe keys decides races:
 * when the insert hits it, the id of the job already queued or running is
 * returned with `created: false`.
 */
export async function enqueueJob(
  db: Db,
  options: EnqueueJobOptions,
): Promise<EnqueueJobResult> {
  validateEnqueueOptions(options);
  for (let tryNumber = 1; ; tryNumber += 1) {
    try {
      return { id: await insertJob(db, options), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error) || options.dedupeKey == null) {
        throw error;
      }
      const existingId = await selectActiveJobId(db, options.dedupeKey);
      if (existingId !== null) {
        return { id: existingId, created: false };
      }
      if (tryNumber >= MAX_ENQUEUE_TRIES) {
        throw new Error(
          `Enqueueing ${options.jobType} with dedupe key ${options.dedupeKey} ` +
            `failed ${tryNumber} times: the active job with that key kept ` +
            "finishing before it could be read.",
          { cause: error },
        );
      }
    }
  }
}
