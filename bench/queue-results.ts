/**
 * Figures of the job-queue benches: claim latency, no-op job throughput by
 * worker process count, and the claim race against the PHP plugin's claim.
 */
import type { LatencyFigure } from "./results.js";

/** Claim method: one of the engine's two MariaDB/MySQL strategies, or SQLite's write lock. */
export type ClaimMethod = "skip-locked" | "claim-token" | "sqlite-write-lock";

export interface ClaimLatencyFigure {
  dialect: "sqlite" | "mysql";
  method: ClaimMethod;
  /** Queued jobs in the table when the timed claims start. */
  queuedJobs: number;
  /** Timed `claimJobs(db, { limit: 1 })` calls. */
  claims: number;
  claim: LatencyFigure;
  /** One claim followed by the completion transaction of a no-op job. */
  roundTrip: LatencyFigure;
}

/** Counters read from the MariaDB/MySQL server around a run, divided by the jobs run. */
export interface ServerLoadFigure {
  /** Client statements (`Questions`), per job. */
  statementsPerJob: number;
  /** fsync calls InnoDB counted (`Innodb_data_fsyncs`), per job. */
  fsyncsPerJob: number;
  /** Row lock waits (`Innodb_row_lock_waits`) over the whole run. */
  rowLockWaits: number;
  /** Server process CPU time per job in ms, or null when the server runs on another host. */
  cpuMsPerJob: number | null;
}

export interface ThroughputFigure {
  dialect: "sqlite" | "mysql";
  processes: number;
  /** `Worker` concurrency in each process. */
  concurrency: number;
  jobs: number;
  /** From the start signal to the last process reporting an empty queue. */
  seconds: number;
  jobsPerSecond: number;
  /** Rows with status completed after the run. */
  completed: number;
  /** Handler calls summed over the processes. */
  handlerRuns: number;
  /** Jobs whose handler ran more than once. */
  jobsRunTwice: number;
  /** Worker processes' CPU time (user + system) per job, in ms. */
  clientCpuMsPerJob: number;
  /** Null on SQLite. */
  server: ServerLoadFigure | null;
  /** 1-minute load average when the run ended. */
  loadAverageEnd: number;
  /** Round of the run, from 1; each round runs every process count once. */
  round: number;
}

/** One claim pattern run by several workers over the same number of jobs. */
export interface ClaimRaceFigure {
  pattern: string;
  /** Session transaction isolation level of the workers' connections. */
  isolation: string;
  workers: number;
  jobs: number;
  seconds: number;
  /** Claim calls or statements, failed ones included. */
  claimCalls: number;
  /** Claim calls that failed with a database error (deadlock, lock wait timeout). */
  failedClaims: number;
  /** Handler runs recorded in the executions table. */
  executions: number;
  /** Jobs executed more than once. */
  jobsRunTwice: number;
  /** Executions of a job other than the one the worker's own claim took. */
  wrongReReads: number;
  /** Claims that took a job but whose worker then found no job to run. */
  emptyReReads: number;
  /** Jobs not completed at the end. */
  notCompleted: number;
}

export interface QueueFigures {
  claimLatency: ClaimLatencyFigure[];
  throughput: ThroughputFigure[];
  claimRace: ClaimRaceFigure[];
}
