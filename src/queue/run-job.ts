import type { Logger } from "pino";

import type { Db } from "../store/db.js";
import { toError } from "../store/errors.js";
import { completeJob } from "./complete-job.js";
import { failJob } from "./fail-job.js";
import { renewLease } from "./renew-lease.js";
import type { ClaimedJob, FailOutcome, JobHandler, JobWrite } from "./types.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

export type JobOutcome = "completed" | FailOutcome | "fail_not_recorded";

/** Raised inside the completion transaction so the job's writes roll back. */
export class LeaseLostError extends Error {
  constructor(readonly jobId: string) {
    super(`Lease on job ${jobId} was lost before completion; its writes were rolled back.`);
    this.name = "LeaseLostError";
  }
}

/**
 * Renews the lease every third of its length until the returned function is
 * called, and aborts `controller` once the lease is found lost.
 */
function startLeaseRenewal(
  db: Db,
  job: ClaimedJob,
  leaseMs: number,
  log: Logger,
  controller: AbortController,
): () => void {
  let inFlight = false;
  const renew = async (): Promise<void> => {
    inFlight = true;
    try {
      if (await renewLease(db, job, leaseMs)) {
        log.debug("lease renewed");
      } else {
        log.warn("lease lost while the handler was running");
        controller.abort(new LeaseLostError(job.id));
      }
    } catch (error) {
      log.warn({ err: error }, "renewing lease failed; retrying at the next interval");
    } finally {
      inFlight = false;
    }
  };
  const timer = setInterval(() => {
    if (!inFlight && !controller.signal.aborted) {
      void renew();
    }
  }, Math.max(1, Math.floor(leaseMs / 3)));
  return () => clearInterval(timer);
}

async function commitJob(db: Db, job: ClaimedJob, write: JobWrite | void): Promise<void> {
  await db.transaction(async (tx) => {
    if (write) {
      await write(tx);
    }
    if (!(await completeJob(tx, job))) {
      throw new LeaseLostError(job.id);
    }
  });
}

async function recordFailure(
  db: Db,
  job: ClaimedJob,
  error: Error,
  options: ResolvedWorkerOptions,
  log: Logger,
): Promise<JobOutcome> {
  try {
    const outcome = await failJob(db, job, error, { maxDelayMs: options.maxDelayMs });
    if (outcome === "retried") {
      log.info({ err: error }, "job failed; retry scheduled");
    } else if (outcome === "dead_lettered") {
      log.info({ err: error }, "job failed at its last attempt; moved to dead letter");
    } else {
      log.warn({ err: error }, "job failed after its lease was lost; not recorded");
    }
    return outcome;
  } catch (failError) {
    log.error(
      { err: failError, jobError: error.message },
      "recording the job failure failed; the job is retried when its lease expires",
    );
    return "fail_not_recorded";
  }
}

/**
 * Runs one claimed job: handler, then its writes and completion in one
 * transaction; on an error, `failJob` in a transaction of its own.
 */
export async function runJob(
  db: Db,
  handler: JobHandler,
  job: ClaimedJob,
  options: ResolvedWorkerOptions,
  log: Logger,
): Promise<JobOutcome> {
  const controller = new AbortController();
  const stopRenewal = startLeaseRenewal(db, job, options.leaseMs, log, controller);
  log.info("job started");
  try {
    const write = await handler(job, { log, signal: controller.signal });
    await commitJob(db, job, write);
    log.info("job completed");
    return "completed";
  } catch (thrown) {
    if (thrown instanceof LeaseLostError) {
      log.warn({ err: thrown }, "lease lost; job writes rolled back");
      return "lost";
    }
    return await recordFailure(db, job, toError(thrown), options, log);
  } finally {
    stopRenewal();
  }
}
