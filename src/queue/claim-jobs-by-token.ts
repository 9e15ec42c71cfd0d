import { randomBytes } from "node:crypto";

import type { Db } from "../store/db.js";
import { offsetParam, sqlNow, sqlNowPlus } from "../store/sql-time.js";
import { toId, toIdParam } from "../store/rows.js";
import { CLAIMED_JOB_COLUMNS, placeholders, toClaimedJob } from "./job-row.js";
import type { ClaimedJob } from "./types.js";

interface TokenClaimOptions {
  runner: string;
  leaseMs: number;
  limit: number;
  jobTypes?: readonly string[];
}

/**
 * Marks up to `limit` ready jobs running without SKIP LOCKED, in two steps:
 * a plain SELECT reads the ids of the first ready jobs, in claim order,
 * through the claim index, and an UPDATE by primary key takes them, with
 * `status = 'queued'` checked again. InnoDB locks each row it
 * updates and an UPDATE reads the latest committed row rather than the
 * transaction's snapshot (MySQL manual, "Consistent Nonlocking Reads"), so a
 * row another claimer took meanwhile fails the check and two claimers never
 * take one job. A single UPDATE ... ORDER BY ... LIMIT over the whole table
 * would be one statement, but it changes `status`, a column of the claim
 * index, so MariaDB 10.11 scans and sorts every queued row instead
 * (measured: 7,000 rows read per claim with 7,000 queued jobs;
 * bench/claim-latency.ts).
 *
 * Claimers that start together read the same first ids and all but one
 * take nothing. A claimer that took nothing reads again with a window one
 * `limit` wider each round and tries the last `limit` ids of it, rows the
 * others are less likely to be taking at that moment. It stops
 * only when it took at least one job or no job is ready: every round it
 * loses is a round in which another claimer took the jobs it read, so the
 * loop ends once the ready jobs run out. Answering "none ready" while jobs
 * wait would end `worker run --until-empty` early.
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
  for (let window = options.limit; ; window += options.limit) {
    const ready = await selectReadyJobIds(tx, options.jobTypes ?? [], window);
    if (ready.length === 0) return 0;
    const claimed = await updateJobsByIds(tx, batch, ready.slice(-options.limit), options);
    if (claimed > 0) return claimed;
  }
}

async function selectReadyJobIds(
  tx: Db,
  jobTypes: readonly string[],
  window: number,
): Promise<string[]> {
  const typeFilter =
    jobTypes.length > 0 ? ` AND job_type IN (${placeholders(jobTypes.length)})` : "";
  const rows = await tx.query(
    `SELECT id FROM ${tx.tables.jobs}` +
      ` WHERE status = 'queued' AND run_after <= ${sqlNow(tx)}${typeFilter}` +
      " ORDER BY priority, run_after, id LIMIT ?",
    [...jobTypes, window],
  );
  return rows.map((row) => toId(row["id"]));
}

async function updateJobsByIds(
  tx: Db,
  batch: string,
  ids: readonly string[],
  options: TokenClaimOptions,
): Promise<number> {
  const now = sqlNow(tx);
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'running', claim_batch = ?,` +
      " claim_token = CONCAT(?, LPAD(LOWER(HEX(id)), 16, '0'))," +
      ` locked = 1, locked_at = ${now}, lease_expires_at = ${sqlNowPlus(tx)},` +
      ` runner = ?, updated_at = ${now}` +
      ` WHERE id IN (${placeholders(ids.length)}) AND status = 'queued' AND run_after <= ${now}`,
    [batch, batch.slice(0, 16), offsetParam(tx, options.leaseMs), options.runner, ...ids.map(toIdParam)],
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
