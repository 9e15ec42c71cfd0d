import { hostname } from "node:os";

import type { Logger } from "pino";

import { createLogger } from "../log.js";
import type { JobOutcome } from "./run-job.js";
import { CLAIM_STRATEGIES } from "./types.js";
import type { ClaimStrategy } from "./types.js";

export interface WorkerOptions {
  /** Name stored on claimed jobs; default `host:pid`. */
  runner?: string;
  /** Jobs run at once; default 1. */
  concurrency?: number;
  /** Jobs to claim before `run()` resolves; 0 (default) means no limit. */
  limit?: number;
  /** Resolve `run()` once no job is ready and none is running. */
  untilEmpty?: boolean;
  /** Wait between claims when no job is ready, in ms; default 1000. */
  pollMs?: number;
  /** Lease length in ms, renewed every third of it; default 60000. */
  leaseMs?: number;
  /** Cap on the exponential part of the retry delay, in ms; default none. */
  maxDelayMs?: number;
  /** Claim only these job types; default all. */
  jobTypes?: readonly string[];
  /** MySQL/MariaDB claim method; default "auto". SQLite ignores it. */
  claimStrategy?: ClaimStrategy;
  /**
   * Time running jobs get to finish after `stop()`, in ms, before their
   * signal aborts and they are released; default 30000.
   * `stop({ graceMs })` overrides it for one call.
   */
  stopGraceMs?: number;
  logger?: Logger;
  /** Called after each job reaches an outcome, such as to show progress. */
  onJobFinished?: (outcome: JobOutcome) => void;
}

export type ResolvedWorkerOptions = Required<Omit<WorkerOptions, "maxDelayMs" | "onJobFinished">> & {
  maxDelayMs: number | undefined;
  onJobFinished: ((outcome: JobOutcome) => void) | undefined;
};

function requireInteger(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`Invalid ${name} ${value}: use an integer of ${minimum} or more.`);
  }
  return value;
}

/** Applies the defaults and validates each option, naming the bad one. */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const runner = options.runner ?? `${hostname()}:${process.pid}`;
  if (runner.length === 0 || runner.length > 128) {
    throw new RangeError(`Invalid runner ${JSON.stringify(runner)}: use 1-128 characters.`);
  }
  if (options.maxDelayMs !== undefined && !(options.maxDelayMs >= 0)) {
    throw new RangeError(`Invalid maxDelayMs ${options.maxDelayMs}: use 0 or more.`);
  }
  const claimStrategy = options.claimStrategy ?? "auto";
  if (!CLAIM_STRATEGIES.includes(claimStrategy)) {
    throw new RangeError(
      `Invalid claimStrategy ${JSON.stringify(claimStrategy)}: use ${CLAIM_STRATEGIES.join(", ")}.`,
    );
  }
  return {
    runner,
    concurrency: requireInteger("concurrency", options.concurrency ?? 1, 1),
    limit: requireInteger("limit", options.limit ?? 0, 0),
    untilEmpty: options.untilEmpty ?? false,
    pollMs: requireInteger("pollMs", options.pollMs ?? 1000, 1),
    leaseMs: requireInteger("leaseMs", options.leaseMs ?? 60_000, 1000),
    maxDelayMs: options.maxDelayMs,
    jobTypes: options.jobTypes ?? [],
    claimStrategy,
    stopGraceMs: requireInteger("stopGraceMs", options.stopGraceMs ?? 30_000, 0),
    logger: options.logger ?? createLogger(),
    onJobFinished: options.onJobFinished,
  };
}
