import type { JobOutcome } from "./run-job.js";

/** Totals of one `Worker.run()`. */
export type WorkerResult = {
  /** Jobs started and brought to an outcome, released ones included. */
  processed: number;
  completed: number;
  /** Jobs whose handler or writes threw; includes retried and dead-lettered. */
  failed: number;
  retried: number;
  deadLettered: number;
  /**
   * Jobs this worker gave up with no outcome recorded: the lease was lost,
   * or releasing the job failed. Another runner may run them again.
   */
  leaseLost: number;
  /**
   * Jobs put back to queued without counting an attempt, including jobs
   * claimed while the worker was stopping, which never started.
   */
  released: number;
};

export function createWorkerResult(): WorkerResult {
  return {
    processed: 0,
    completed: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    leaseLost: 0,
    released: 0,
  };
}

/** Adds one job's outcome to the worker's totals. */
export function countOutcome(result: WorkerResult, outcome: JobOutcome): void {
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
    case "release_failed":
      result.leaseLost += 1;
      break;
    case "released":
      result.released += 1;
      break;
  }
}
