import type { Row } from "../store/db.js";
import { toId, toIdOrNull, toInt } from "../store/rows.js";
import { parsePayload } from "./job-row.js";

/** A job that used all its attempts, as kept in the dead-letter table. */
export interface DeadLetter {
  id: string;
  originalJobId: string;
  jobType: string;
  postId: string | null;
  /** The payload column parsed as JSON, or null when it is empty. */
  payload: unknown;
  /** The job's dedupe key; null for jobs without one and for plugin rows. */
  dedupeKey: string | null;
  priority: number;
  maxAttempts: number;
  reason: string | null;
  attempts: number;
  /** Failure time, UTC, as stored ('YYYY-MM-DD HH:MM:SS.ffffff'). */
  failedAt: string;
}

/** Columns read for a dead letter, in the order `toDeadLetter` maps them. */
export const DEAD_LETTER_COLUMNS =
  "id, original_job_id, job_type, post_id, payload, dedupe_key, priority," +
  " max_attempts, reason, attempts, failed_at";

function toStringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function toDeadLetter(row: Row): DeadLetter {
  return {
    id: toId(row["id"]),
    originalJobId: toId(row["original_job_id"]),
    jobType: String(row["job_type"]),
    postId: toIdOrNull(row["post_id"]),
    payload: parsePayload(row["payload"]),
    dedupeKey: toStringOrNull(row["dedupe_key"]),
    priority: toInt(row["priority"]),
    maxAttempts: toInt(row["max_attempts"]),
    reason: toStringOrNull(row["reason"]),
    attempts: toInt(row["attempts"]),
    failedAt: String(row["failed_at"]),
  };
}
