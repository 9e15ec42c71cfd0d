import { randomBytes } from "node:crypto";

import type { Db } from "../store/db.js";
import { offsetParam, sqlNow, sqlNowPlus } from "../store/sql-time.js";
import { CLAIMED_JOB_COLUMNS, placeholders, toClaimedJob } from "./job-row.js";
import type { ClaimedJob } from "./types.js";

interface TokenClaimOptions {
  runner: string;
  leaseMs: number;
  limit: number;
  jobTypes?: readonly string[];
}

/**
 * Marks up to `limit` ready jobs running in one UPDATE ... ORDER BY ...
 * LIMIT, which needs no SKIP LOCKED. InnoDB locks each row it updates, and
 * an UPDATE reads the latest committed row rather than the transaction's
 * snapshot (MySQL manual, "Consistent Nonlocking Reads"), so a claimer that
 * waited on a row re-checks `status = 'queued'` and two claimers never take
 * one job. Concurrent claimers wait on each other's rows instead of
 * skipping them, so claims queue up under contention.
 *
 * Each claimed row gets the batch token in `claim_batch`, and a claim token
 * made of the batch token's first 16 characters and the id in 16 hex
 * digits, which is unique per job because the id is.
 */
async function updateReadyJobsByBatch(
  tx: Db,
  batch: string,
  options: TokenClaimOptions,
): Promise<number> {
  const jobTypes = options.jobTypes ?? [];
  const typeFilter =
    jobTypes.length > 0 ? ` AND job_type IN (${placeholders(jobTypes.length)})` : "";
  const now = sqlNow(tx);
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'running', claim_batch = ?,` +
      " claim_token = CONCAT(?, LPAD(LOWER(HEX(id)), 16, '0'))," +
      ` locked = 1, locked_at = ${now}, lease_expires_at = ${sqlNowPlus(tx)},` +
      ` runner = ?, updated_at = ${now}` +
      ` WHERE status = 'queued' AND run_after <= ${now}${typeFilter}` +
      " ORDER BY priority, run_after, id LIMIT ?",
    [
      batch,
      batch.slice(0, 16),
      offsetParam(tx, options.leaseMs),
      options.runner,
      ...jobTypes,
      options.limit,
    ],
  );
  return result.affectedRows;
}

/** Reads the jobs one claim call took, by its batch token. */
async function selectJobsByBatch(tx: Db, batch: string): Promise<ClaimedJob[]> {
  const rows = await tx.query(
    `SELECT ${CLAIMED_JOB_COLUMNS} FROM ${tx.tables.jobs}` +
      " WHERE claim_batch = ? AND status = 'running' ORDER BY priority, run_after, id",
    [batch],
  );
  return rows.map(toClaimedJob);
}

/**
 * Claims jobs on MySQL/MariaDB without SKIP LOCKED: one UPDATE marks the
 * jobs with a new random batch token, then a SELECT reads them back by that
 * token. A retry after a lost connection first looks for rows with the
 * token, so jobs whose claim committed before the connection dropped are
 * returned rather than left running unowned.
 */
export async function claimJobsByToken(
  db: Db,
  options: TokenClaimOptions,
): Promise<ClaimedJob[]> {
  const batch = randomBytes(16).toString("hex");
  let isRetry = false;
  return db.transaction(async (tx) => {
    if (isRetry) {
      const claimedEarlier = await selectJobsByBatch(tx, batch);
      if (claimedEarlier.length > 0) {
        return claimedEarlier;
      }
    }
    isRetry = true;
    const claimed = await updateReadyJobsByBatch(tx, batch, options);
    return claimed === 0 ? [] : selectJobsByBatch(tx, batch);
  });
}
