import { randomBytes } from "node:crypto";

import type { Db } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import { offsetParam, sqlNow, sqlNowPlus } from "../store/sql-time.js";
import { claimJobsByToken } from "./claim-jobs-by-token.js";
import { CLAIMED_JOB_COLUMNS, placeholders, toClaimedJob } from "./job-row.js";
import { CLAIM_STRATEGIES } from "./types.js";
import type { ClaimedJob, ClaimStrategy } from "./types.js";

export type { ClaimStrategy } from "./types.js";

export interface ClaimJobsOptions {
  /** `host:pid` of the claiming process, at most 128 characters. */
  runner: string;
  /** Lease length in milliseconds. */
  leaseMs: number;
  /** Maximum number of jobs to claim. */
  limit: number;
  /** Claim only these job types; all types when omitted or empty. */
  jobTypes?: readonly string[];
  /** MySQL/MariaDB claim method; default "auto". SQLite ignores it. */
  strategy?: ClaimStrategy;
}

function validateClaimOptions(options: ClaimJobsOptions): void {
  const { runner, leaseMs, limit, strategy } = options;
  if (!runner || runner.length > 128) {
    throw new RangeError(`Invalid runner ${JSON.stringify(runner)}: use 1-128 characters.`);
  }
  if (!(Number.isInteger(leaseMs) && leaseMs >= 1)) {
    throw new RangeError(`Invalid leaseMs ${leaseMs}: use an integer of 1 or more.`);
  }
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new RangeError(`Invalid limit ${limit}: use an integer of 1 or more.`);
  }
  if (strategy !== undefined && !CLAIM_STRATEGIES.includes(strategy)) {
    throw new RangeError(
      `Invalid strategy ${JSON.stringify(strategy)}: use ${CLAIM_STRATEGIES.join(", ")}.`,
    );
  }
}

/**
 * Picks the claim method: SQLite always claims under its write lock; on
 * MySQL/MariaDB "auto" follows `db.capabilities.skipLocked`. A forced
 * "skip-locked" on a server without SKIP LOCKED fails with its syntax error.
 */
export function resolveClaimStrategy(
  db: Db,
  strategy: ClaimStrategy = "auto",
): "sqlite-write-lock" | "skip-locked" | "claim-token" {
  if (db.dialect === "sqlite") {
    return "sqlite-write-lock";
  }
  if (strategy === "auto") {
    return db.capabilities.skipLocked ? "skip-locked" : "claim-token";
  }
  return strategy;
}

/**
 * Selects the ids of ready jobs in claim order. MySQL/MariaDB lock them and
 * skip rows other claimers hold; SQLite already holds the database's write
 * lock (BEGIN IMMEDIATE), so no other claimer runs meanwhile.
 */
async function selectReadyJobIds(
  tx: Db,
  limit: number,
  jobTypes: readonly string[],
): Promise<string[]> {
  const typeFilter =
    jobTypes.length > 0 ? ` AND job_type IN (${placeholders(jobTypes.length)})` : "";
  const lockClause = tx.dialect === "mysql" ? " FOR UPDATE SKIP LOCKED" : "";
  const rows = await tx.query(
    `SELECT id FROM ${tx.tables.jobs}` +
      ` WHERE status = 'queued' AND run_after <= ${sqlNow(tx)}${typeFilter}` +
      ` ORDER BY priority, run_after, id LIMIT ?${lockClause}`,
    [...jobTypes, limit],
  );
  return rows.map((row) => toId(row["id"]));
}

/** Marks the selected jobs running, each with its own new claim token. */
async function updateClaimedJobs(
  tx: Db,
  ids: readonly string[],
  options: ClaimJobsOptions,
): Promise<void> {
  const tokenCases = ids.map(() => "WHEN ? THEN ?").join(" ");
  const tokenParams = ids.flatMap((id) => [toIdParam(id), randomBytes(16).toString("hex")]);
  const now = sqlNow(tx);
  const result = await tx.execute(
    `UPDATE ${tx.tables.jobs} SET status = 'running',` +
      ` claim_token = CASE id ${tokenCases} END, locked = 1, locked_at = ${now},` +
      ` lease_expires_at = ${sqlNowPlus(tx)}, runner = ?, updated_at = ${now}` +
      ` WHERE id IN (${placeholders(ids.length)}) AND status = 'queued'`,
    [...tokenParams, offsetParam(tx, options.leaseMs), options.runner, ...ids.map(toIdParam)],
  );
  if (result.affectedRows !== ids.length) {
    throw new Error(
      `Claiming jobs ${ids.join(", ")} updated ${result.affectedRows} rows; ` +
        "another claimer changed them despite the row locks.",
    );
  }
}

async function selectClaimedJobs(tx: Db, ids: readonly string[]): Promise<ClaimedJob[]> {
  const rows = await tx.query(
    `SELECT ${CLAIMED_JOB_COLUMNS} FROM ${tx.tables.jobs}` +
      ` WHERE id IN (${placeholders(ids.length)}) ORDER BY priority, run_after, id`,
    ids.map(toIdParam),
  );
  return rows.map(toClaimedJob);
}

/**
 * Claims with a locking SELECT, then an UPDATE by id, in one transaction:
 * FOR UPDATE SKIP LOCKED on MySQL/MariaDB, BEGIN IMMEDIATE on SQLite.
 *
 * NOTE: when the connection is lost after the server committed, the retry
 * claims other jobs. The first ones stay running, with tokens no runner
 * holds, until their lease expires and recovery counts an attempt.
 */
async function claimJobsBySelect(db: Db, options: ClaimJobsOptions): Promise<ClaimedJob[]> {
  return db.transaction(async (tx) => {
    const ids = await selectReadyJobIds(tx, options.limit, options.jobTypes ?? []);
    if (ids.length === 0) {
      return [];
    }
    await updateClaimedJobs(tx, ids, options);
    return selectClaimedJobs(tx, ids);
  });
}

/**
 * Claims up to `limit` ready jobs for one runner, in claim order (priority,
 * then run_after, then id). Deadlocks, lock wait timeouts, SQLITE_BUSY and
 * lost connections are retried by `db.transaction`; once its bound is
 * reached a StoreError RETRIES_EXHAUSTED is raised.
 */
export async function claimJobs(db: Db, options: ClaimJobsOptions): Promise<ClaimedJob[]> {
  validateClaimOptions(options);
  if (resolveClaimStrategy(db, options.strategy) === "claim-token") {
    return claimJobsByToken(db, options);
  }
  return claimJobsBySelect(db, options);
}
