import type { Logger } from "pino";

import type { Db } from "../store/db.js";
import { isTransientError } from "../store/errors.js";
import { claimJobs } from "./claim-jobs.js";
import { recoverStaleJobs } from "./recover-stale-jobs.js";
import { releaseJobs } from "./release-jobs.js";
import { runJob } from "./run-job.js";
import type { ClaimedJob, JobHandler } from "./types.js";
import { resolveWorkerOptions } from "./worker-options.js";
import type { ResolvedWorkerOptions, WorkerOptions } from "./worker-options.js";
import { countOutcome, createWorkerResult } from "./worker-result.js";
import type { WorkerResult } from "./worker-result.js";

export type { WorkerResult } from "./worker-result.js";

export interface StopOptions {
  /** Overrides `WorkerOptions.stopGraceMs` for this call, in ms. */
  graceMs?: number;
}

/** The reason a running job's signal aborts when the grace period ends. */
export class WorkerStoppedError extends Error {
  constructor(graceMs: number) {
    super(`Worker stopped: the job did not finish within the ${graceMs} ms grace period.`);
    this.name = "WorkerStoppedError";
  }
}

/**
 * Claims jobs and runs `handler` on each, up to `concurrency` at once. Stale
 * jobs are recovered on start and then at most once per lease length.
 * A claim that fails on transient database errors after its retries is
 * logged and tried again after `pollMs`. A recovery that fails that way is
 * logged and tried again after the next lease length. Any other error from
 * either rejects `run()`.
 */
export class Worker {
  private readonly options: ResolvedWorkerOptions;
  private readonly log: Logger;
  private readonly active = new Set<Promise<void>>();
  private readonly result = createWorkerResult();
  private readonly stopController = new AbortController();
  private claimed = 0;
  private stopping = false;
  private wake: (() => void) | null = null;
  private wakeRequested = false;
  private runPromise: Promise<WorkerResult> | null = null;
  private lastRecoveryAt = 0;

  constructor(
    private readonly db: Db,
    private readonly handler: JobHandler,
    options: WorkerOptions = {},
  ) {
    this.options = resolveWorkerOptions(options);
    this.log = this.options.logger.child({ runner: this.options.runner });
  }

  /** Runs until `stop()`, the claim limit, or (untilEmpty) an empty queue. */
  run(): Promise<WorkerResult> {
    if (this.runPromise) {
      throw new Error("Worker.run() was already called on this worker.");
    }
    this.runPromise = this.runLoop();
    return this.runPromise;
  }

  /**
   * Stops claiming at once and resolves when `run()` has. Running jobs get
   * `graceMs` to finish; then their handlers' signals abort with a
   * WorkerStoppedError and the jobs are released without counting an
   * attempt. A second call may shorten the grace period, not extend it.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const graceMs = options.graceMs ?? this.options.stopGraceMs;
    if (!(Number.isFinite(graceMs) && graceMs >= 0)) {
      throw new RangeError(`Invalid graceMs ${graceMs}: use a number of 0 or more.`);
    }
    this.stopping = true;
    this.notify();
    const abortRunningJobs = (): void => {
      if (!this.stopController.signal.aborted) {
        this.log.info({ graceMs, running: this.active.size }, "grace period ended; releasing running jobs");
        this.stopController.abort(new WorkerStoppedError(graceMs));
      }
    };
    const timer = setTimeout(abortRunningJobs, graceMs);
    try {
      await this.runPromise?.catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runLoop(): Promise<WorkerResult> {
    const { concurrency, limit, untilEmpty } = this.options;
    this.log.info({ concurrency, limit, untilEmpty }, "worker started");
    try {
      while (!this.stopping && !this.isLimitReached()) {
        await this.recoverStaleJobsWhenDue();
        const claimed = await this.claimIntoFreeSlots();
        if (claimed === null) {
          await this.waitForWake(this.options.pollMs);
          continue;
        }
        if (claimed === 0 && untilEmpty && this.active.size === 0) {
          break;
        }
        if (claimed === 0 || this.active.size >= concurrency) {
          await this.waitForWake(this.options.pollMs);
        }
      }
    } finally {
      await Promise.all(this.active);
    }
    this.log.info({ ...this.result }, "worker stopped");
    return { ...this.result };
  }

  private isLimitReached(): boolean {
    return this.options.limit > 0 && this.claimed >= this.options.limit;
  }

  private async recoverStaleJobsWhenDue(): Promise<void> {
    if (Date.now() - this.lastRecoveryAt < this.options.leaseMs) {
      return;
    }
    this.lastRecoveryAt = Date.now();
    try {
      const recovered = await recoverStaleJobs(this.db);
      if (recovered.requeued > 0 || recovered.deadLettered > 0) {
        this.log.info(recovered, "recovered jobs with expired leases");
      }
    } catch (error) {
      if (!isTransientError(error)) {
        throw error;
      }
      this.log.error({ err: error }, "recovering stale jobs failed; trying again after the next lease length");
    }
  }

  /**
   * Claims as many jobs as free slots and the limit allow and starts them.
   * Returns the count, or null when the claim failed on transient database
   * errors. Jobs claimed after `stop()` was called are released unstarted.
   */
  private async claimIntoFreeSlots(): Promise<number | null> {
    const { concurrency, limit } = this.options;
    const free = concurrency - this.active.size;
    const remaining = limit > 0 ? limit - this.claimed : free;
    const requested = Math.min(free, remaining);
    if (requested <= 0) {
      return 0;
    }

    const jobs = await this.claimOrLog(requested);
    if (jobs === null) {
      return null;
    }
    if (this.stopping) {
      await this.releaseUnstartedJobs(jobs);
      return 0;
    }

    this.claimed += jobs.length;
    for (const job of jobs) {
      this.startJob(job);
    }
    return jobs.length;
  }

  /** Claims up to `requested` jobs; logs a transient failure and returns null. */
  private async claimOrLog(requested: number): Promise<ClaimedJob[] | null> {
    try {
      const jobs = await claimJobs(this.db, {
        runner: this.options.runner,
        leaseMs: this.options.leaseMs,
        limit: requested,
        jobTypes: this.options.jobTypes,
        strategy: this.options.claimStrategy,
      });
      this.log.debug({ requested, claimed: jobs.length }, "claim finished");
      return jobs;
    } catch (error) {
      if (!isTransientError(error)) {
        throw error;
      }
      // Deadlocks between claimers are expected under contention on the
      // claim-token strategy; the loop claims again after pollMs.
      this.log.warn({ err: error, pollMs: this.options.pollMs }, "claiming jobs failed on a transient database error; retrying after pollMs");
      return null;
    }
  }

  /** Releases jobs claimed while `stop()` was called, before any started. */
  private async releaseUnstartedJobs(jobs: readonly ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) {
      return;
    }
    const ids = jobs.map((job) => job.id);
    try {
      const released = await releaseJobs(this.db, jobs);
      this.result.released += released;
      this.log.info({ jobIds: ids, released }, "released jobs claimed while stopping");
    } catch (error) {
      this.log.error(
        { err: error, jobIds: ids },
        "releasing jobs claimed while stopping failed; they are taken back when their leases expire",
      );
    }
  }

  private startJob(job: ClaimedJob): void {
    const jobLog = this.log.child({
      jobId: job.id,
      jobType: job.jobType,
      attempt: job.attempts + 1,
    });
    const stopSignal = this.stopController.signal;
    const running = runJob(this.db, this.handler, job, this.options, jobLog, stopSignal).then((outcome) => {
      countOutcome(this.result, outcome);
      this.options.onJobFinished?.(outcome);
    });
    const tracked = running.finally(() => {
      this.active.delete(tracked);
      this.notify();
    });
    this.active.add(tracked);
  }

  /** Wakes the loop, or makes its next wait return at once. */
  private notify(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  /** Waits until a job finishes, `stop()` is called, or `ms` pass. */
  private waitForWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
      if (this.wakeRequested) {
        finish();
      }
    });
  }
}
