import type { Row } from "../store/db.js";
import { toId, toIdOrNull, toInt } from "../store/rows.js";
import type { ClaimedJob } from "./types.js";

/** Columns read for a claimed job, in the order `toClaimedJob` maps them. */
export const CLAIMED_JOB_COLUMNS =
  "id, job_type, post_id, payload, attempts, max_attempts, claim_token, runner";

export { placeholders } from "../store/placeholders.js";

/**
 * Parses a payload column. Text that is not JSON (written by other tools)
 * is returned as the string it is.
 */
export function parsePayload(value: unknown): unknown {
  if (value === null || value === undefined || value === "") {
    return null;
  }
  const text = Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function toClaimedJob(row: Row): ClaimedJob {
  return {
    id: toId(row["id"]),
    jobType: String(row["job_type"]),
    postId: toIdOrNull(row["post_id"]),
    payload: parsePayload(row["payload"]),
    attempts: toInt(row["attempts"]),
    maxAttempts: toInt(row["max_attempts"]),
    claimToken: String(row["claim_token"]),
    runner: String(row["runner"]),
  };
}
