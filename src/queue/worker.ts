import type { Logger } from "pino";

import type { Db } from "../store/db.js";
import { claimJobs } from "./claim-jobs.js";
import { recoverStaleJobs } from "./recover-stale-jobs.js";
import { runJob } from "./run-job.js";
import type { JobOutcome } from "./run-job.js";
import type { ClaimedJob, JobHandler } from "./types.js";
import { resolveWorkerOptions } from "./worker-options.js";
import type { ResolvedWorkerOptions, WorkerOptions } from "./worker-options.js";

export interface WorkerResult {
  /** Jobs claimed and run to an outcome. */
  processed: number;
  completed: number;
  /** Jobs whose handler or writes threw; includes retried and dead-lettered. */
  failed: number;
  retried: number;
  deadLettered: number;
  /** Jobs whose lease was lost, so another runner may run them again. */
  leaseLost: number;
}

/**
 * Claims jobs and runs `handler` on each, up to `concurrency` at once. Stale
 * jobs are recovered on start and then at most once per lease length.
 */
export class Worker {
  private readonly options: ResolvedWorkerOptions;
  private readonly log: Logger;
  private readonly active = new Set<Promise<void>>();
  private readonly result: WorkerResult = {
    processed: 0,
    completed: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    leaseLost: 0,
  };
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

  /** Stops claiming, waits for running jobs to finish, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.notify();
    await this.runPromise?.catch(() => undefined);
  }

  private async runLoop(): Promise<WorkerResult> {
    const { concurrency, limit, untilEmpty } = this.options;
    this.log.info({ concurrency, limit, untilEmpty }, "worker started");
    try {
      while (!this.stopping && !this.isLimitReached()) {
        await this.recoverStaleJobsWhenDue();
        const claimed = await this.claimIntoFreeSlots();
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
    const recovered = await recoverStaleJobs(this.db);
    if (recovered.requeued > 0 || recovered.deadLettered > 0) {
      this.log.info(recovered, "recovered jobs with expired leases");
    }
  }

  /** Claims as many jobs as free slots and the limit allow; returns the count. */
  private async claimIntoFreeSlots(): Promise<number> {
    const { concurrency, limit } = this.options;
    const free = concurrency - this.active.size;
    const remaining = limit > 0 ? limit - this.claimed : free;
    const requested = Math.min(free, remaining);
    if (requested <= 0) {
      return 0;
    }
    const jobs = await claimJobs(this.db, {
      runner: this.options.runner,
      leaseMs: this.options.leaseMs,
      limit: requested,
      jobTypes: this.options.jobTypes,
    });
    this.log.debug({ requested, claimed: jobs.length }, "claim finished");
    this.claimed += jobs.length;
    for (const job of jobs) {
      this.startJob(job);
    }
    return jobs.length;
  }

  private startJob(job: ClaimedJob): void {
    const jobLog = this.log.child({
      jobId: job.id,
      jobType: job.jobType,
      attempt: job.attempts + 1,
    });
    const running = runJob(this.db, this.handler, job, this.options, jobLog).then(
      (outcome) => this.countOutcome(outcome),
    );
    const tracked = running.finally(() => {
      this.active.delete(tracked);
      this.notify();
    });
    this.active.add(tracked);
  }

  private countOutcome(outcome: JobOutcome): void {
    const result = this.result;
    result.processed += 1;
    switch (outcome) {
      case "completed":
        result.completed += 1;
        break;
      case "retried":
        result.failed += 1;
        result.retried += 1;
        break;
      case "dead_lettered":
        result.failed += 1;
        result.deadLettered += 1;
        break;
      case "fail_not_recorded":
        result.failed += 1;
        break;
      case "lost":
        result.leaseLost += 1;
        break;
    }
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
