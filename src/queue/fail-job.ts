import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { offsetParam, sqlNow, sqlNowPlus } from "../store/sql-time.js";
import { insertDeadLetters } from "./insert-dead-letters.js";
import { isPermanentJobError } from "./permanent-job-error.js";
import { computeRetryDelayMs } from "./retry-delay.js";
import type { ClaimedJob, FailOutcome } from "./types.js";

export interface FailJobOptions {
  /** Cap on the exponential part of the retry delay, in milliseconds. */
  maxDelayMs?: number;
}

type FailedJob = Pick<ClaimedJob, "id" | "claimToken" | "attempts" | "maxAttempts">;

/** Longest error message stored, in characters, because MySQL TEXT stores at most 65,535 bytes. */
const MAX_ERROR_LENGTH = 8000;

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}...` : message;
}

async function requeueFailedJob(
  tx: Db,
  job: FailedJob,
  message: string,
  delayMs: number,
): Promise<boolean> {
  const now = sqlNow(tx);
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'queued', attempts = ?, last_error = ?,` +
      " locked = 0, locked_at = NULL, lease_expires_at = NULL, claim_token = NULL, claim_batch = NULL," +
      ` runner = NULL, run_after = ${sqlNowPlus(tx)}, updated_at = ${now}` +
      " WHERE id = ? AND claim_token = ? AND status = 'running'",
    [job.attempts + 1, message, offsetParam(tx, delayMs), toIdParam(job.id), job.claimToken],
  );
  return result.affectedRows === 1;
}

async function markJobFailed(tx: Db, job: FailedJob, message: string): Promise<boolean> {
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'failed', attempts = ?, last_error = ?,` +
      " locked = 0, lease_expires_at = NULL, claim_token = NULL, claim_batch = NULL," +
      ` updated_at = ${sqlNow(tx)}` +
      " WHERE id = ? AND claim_token = ? AND status = 'running'",
    [job.attempts + 1, message, toIdParam(job.id), job.claimToken],
  );
  return result.affectedRows === 1;
}

/**
 * Records a failed attempt of a claimed job. Below max_attempts the job is
 * queued again after `computeRetryDelayMs`. At max_attempts it is marked
 * failed and copied to the dead-letter table in the same transaction, with
 * the error message as the reason. A PermanentJobError (see
 * permanent-job-error.ts) dead-letters the job at any attempt. Returns
 * "lost", changing nothing, when the claim token no longer matches a
 * running job.
 */
export async function failJob(
  db: Db,
  job: FailedJob,
  error: unknown,
  options: FailJobOptions = {},
): Promise<FailOutcome> {
  const message = describeError(error);
  const attempts = job.attempts + 1;
  return db.transaction(async (tx) => {
    if (attempts < job.maxAttempts && !isPermanentJobError(error)) {
      const delayMs = computeRetryDelayMs(attempts, options.maxDelayMs);
      return (await requeueFailedJob(tx, job, message, delayMs)) ? "retried" : "lost";
    }
    if (!(await markJobFailed(tx, job, message))) {
      return "lost";
    }
    await insertDeadLetters(tx, [job.id], message);
    return "dead_lettered";
  });
}
