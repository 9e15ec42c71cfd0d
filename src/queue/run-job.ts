import type { Logger } from "pino";

import type { Db } from "../store/db.js";
import { isTransientError, toError } from "../store/errors.js";
import { completeJob } from "./complete-job.js";
import { failJob } from "./fail-job.js";
import { isPermanentJobError } from "./permanent-job-error.js";
import { releaseJobs } from "./release-jobs.js";
import { renewLease } from "./renew-lease.js";
import type { ClaimedJob, FailOutcome, JobContext, JobHandler, JobWrite } from "./types.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/**
 * Outcome of one run. "released": put back to queued without counting an
 * attempt. "release_failed": the release failed too, so the job stays
 * running until its lease expires and recovery counts an attempt.
 */
export type JobOutcome =
  | "completed"
  | FailOutcome
  | "fail_not_recorded"
  | "released"
  | "release_failed";

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
      log.warn({ err: error }, "job failed; retry scheduled");
    } else if (outcome === "dead_lettered" && isPermanentJobError(error)) {
      log.error({ err: error }, "job failed with an error that retries cannot fix; moved to dead letter");
    } else if (outcome === "dead_lettered") {
      log.error({ err: error }, "job failed at its last attempt; moved to dead letter");
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

type HandlerResult = { stopped: false; write: JobWrite | void } | { stopped: true };

/**
 * Runs the handler until it settles or `stopSignal` aborts, whichever comes
 * first. On a stop the handler's own signal aborts with the stop reason and
 * whatever the handler does afterwards is ignored.
 */
function runHandlerUntilStopped(
  handler: JobHandler,
  job: ClaimedJob,
  context: JobContext,
  controller: AbortController,
  stopSignal: AbortSignal,
): Promise<HandlerResult> {
  return new Promise<HandlerResult>((resolve, reject) => {
    const onStop = (): void => {
      controller.abort(stopSignal.reason);
      resolve({ stopped: true });
    };
    if (stopSignal.aborted) {
      onStop();
      return;
    }
    stopSignal.addEventListener("abort", onStop, { once: true });
    Promise.resolve()
      .then(() => handler(job, context))
      .then(
        (write) => resolve({ stopped: false, write }),
        (error: unknown) => reject(error),
      )
      .finally(() => stopSignal.removeEventListener("abort", onStop));
  });
}

/** Releases a job that did not fail, so that no attempt is counted. */
async function releaseJob(db: Db, job: ClaimedJob, reason: string, log: Logger): Promise<JobOutcome> {
  try {
    if ((await releaseJobs(db, [job])) === 1) {
      log.info({ reason }, "job released without counting an attempt");
      return "released";
    }
    log.warn({ reason }, "job not released: its lease was already lost");
    return "lost";
  } catch (error) {
    log.error(
      { err: error, reason },
      "releasing the job failed; it is taken back when its lease expires",
    );
    return "release_failed";
  }
}

/**
 * Commits the handler's writes with the completion. A transient database
 * error that outlasted the retries is no fault of the job, so the job is
 * released instead of failed.
 */
async function commitOrRelease(
  db: Db,
  job: ClaimedJob,
  write: JobWrite | void,
  options: ResolvedWorkerOptions,
  log: Logger,
): Promise<JobOutcome> {
  try {
    await commitJob(db, job, write);
    log.info("job completed");
    return "completed";
  } catch (thrown) {
    if (thrown instanceof LeaseLostError) {
      log.warn({ err: thrown }, "lease lost; job writes rolled back");
      return "lost";
    }
    if (isTransientError(thrown)) {
      log.warn({ err: thrown }, "committing the job failed on database errors; writes rolled back");
      return releaseJob(db, job, "completion failed on transient database errors", log);
    }
    return recordFailure(db, job, toError(thrown), options, log);
  }
}

/**
 * Runs one claimed job: handler, then its writes and completion in one
 * transaction. A handler error counts an attempt through `failJob`. When
 * `stopSignal` aborts before the handler settles, the job is released.
 */
export async function runJob(
  db: Db,
  handler: JobHandler,
  job: ClaimedJob,
  options: ResolvedWorkerOptions,
  log: Logger,
  stopSignal: AbortSignal,
): Promise<JobOutcome> {
  const controller = new AbortController();
  const stopRenewal = startLeaseRenewal(db, job, options.leaseMs, log, controller);
  log.debug("job started");
  try {
    const context = { log, signal: controller.signal };
    let result: HandlerResult;
    try {
      result = await runHandlerUntilStopped(handler, job, context, controller, stopSignal);
    } catch (thrown) {
      if (thrown instanceof LeaseLostError) {
        log.warn({ err: thrown }, "lease lost while the handler was running");
        return "lost";
      }
      return await recordFailure(db, job, toError(thrown), options, log);
    }
    if (result.stopped) {
      return await releaseJob(db, job, "worker stopped before the job finished", log);
    }
    return await commitOrRelease(db, job, result.write, options, log);
  } finally {
    stopRenewal();
  }
}
