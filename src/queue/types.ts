/**
 * Core queue types.
 *
 * Glossary:
 * - job: one row of the jobs table, a unit of work of one `job_type`.
 * - attempt: one run of a job's handler. `attempts` counts the attempts
 *   that ended without success: a thrown error or an expired lease.
 * - lease: the time until which a runner holds a claimed job
 *   (`lease_expires_at`). The runner renews it while the handler runs; once
 *   it expires, stale-job recovery may take the job back.
 * - claim: the atomic move of a ready job from queued to running.
 * - claim token: a value unique to one claim of one job, written at claim
 *   time. Every later change by the runner matches it, so a runner whose
 *   lease was lost changes nothing.
 * - claim strategy: how MySQL/MariaDB claims: "skip-locked" locks ready
 *   rows with FOR UPDATE SKIP LOCKED; "claim-token" marks them with one
 *   UPDATE and reads them back by the claim call's batch token, for servers
 *   without SKIP LOCKED.
 * - release: the move of a claimed job back to queued without counting an
 *   attempt, when the job did not fail (shutdown, database errors).
 * - dead letter: a copy of a job that used all of its attempts, kept in the
 *   dead-letter table with the reason.
 * - runner: the process holding a claim, named `host:pid`.
 *
 * The state machine is described in lifecycle.md beside this file.
 */
import type { Logger } from "pino";

import type { Db } from "../store/db.js";

export type JobStatus = "queued" | "running" | "completed" | "failed";

export const JOB_STATUSES: readonly JobStatus[] = [
  "queued",
  "running",
  "completed",
  "failed",
];

/** A job held by one runner under one claim token. */
export interface ClaimedJob {
  id: string;
  jobType: string;
  postId: string | null;
  /** The payload column parsed as JSON, or null when it is empty. */
  payload: unknown;
  /** Attempts that ended without success before this one. */
  attempts: number;
  maxAttempts: number;
  claimToken: string;
  runner: string;
}

/** Database writes of a job, committed in one transaction with its completion. */
export type JobWrite = (tx: Db) => Promise<void>;

export interface JobContext {
  log: Logger;
  /**
   * Aborted when the lease is lost, or when the worker stops and the grace
   * period ends; the job is then released and its result ignored.
   */
  signal: AbortSignal;
}

/**
 * Runs one job. It may return its database writes, which the worker commits
 * together with the job's completion; a thrown error counts a failed attempt.
 */
export type JobHandler = (
  job: ClaimedJob,
  context: JobContext,
) => Promise<JobWrite | void>;

export type FailOutcome = "retried" | "dead_lettered" | "lost";

/**
 * "auto" uses SKIP LOCKED where `db.capabilities.skipLocked` is true and the
 * claim token elsewhere. SQLite ignores the strategy: it claims under its
 * write lock.
 */
export type ClaimStrategy = "auto" | "skip-locked" | "claim-token";

export const CLAIM_STRATEGIES: readonly ClaimStrategy[] = [
  "auto",
  "skip-locked",
  "claim-token",
];
