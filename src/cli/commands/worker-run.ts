/** `wpllmseo worker run`: claim embed_post jobs and index their posts until a limit, an empty queue or a signal. */
import { createIndexPostHandler, EMBED_POST_JOB } from "../../indexer/index-post.js";
import type { ClaimStrategy } from "../../queue/claim-jobs.js";
import { Worker } from "../../queue/worker.js";
import type { Db } from "../../store/db.js";
import { toInt } from "../../store/rows.js";
import { withEngine } from "../context.js";
import { plural, readGlobalOptions, readWholeNumber, type ParsedArgs } from "../options.js";
import { Progress } from "../progress.js";
import { UsageError } from "../usage-error.js";

export const DEFAULT_LIMIT = 10;
export const DEFAULT_LEASE_SECONDS = 60;
export const DEFAULT_GRACE_SECONDS = 30;

const CLAIM_STRATEGIES: readonly ClaimStrategy[] = ["auto", "skip-locked", "claim-token"];

export const WORKER_RUN_OPTIONS = {
  limit: { type: "string" },
  "until-empty": { type: "boolean", default: false },
  concurrency: { type: "string" },
  threads: { type: "string" },
  lease: { type: "string" },
  grace: { type: "string" },
  "max-delay": { type: "string" },
  "claim-strategy": { type: "string" },
} as const;

export const WORKER_RUN_HELP = `Options for run:
  --limit N               jobs to process before exiting; 0 means no limit (default
                          ${DEFAULT_LIMIT}, or no limit with --until-empty)
  --until-empty           exit as soon as no job is ready to run
  --concurrency N         jobs processed at once by this process, 1 to 64 (default 1)
  --threads N             worker threads for chunking and embedding (default: one per core)
  --lease SECONDS         lease a claimed job holds before other workers may take it
                          back; renewed while the job runs (default ${DEFAULT_LEASE_SECONDS})
  --grace SECONDS         on SIGINT or SIGTERM, time running jobs get to finish before
                          they are released to the queue (default ${DEFAULT_GRACE_SECONDS})
  --max-delay SECONDS     cap on the exponential part of the retry delay (default: none)
  --claim-strategy NAME   auto, skip-locked or claim-token (MySQL/MariaDB; default auto:
                          SKIP LOCKED where the server has it)

Progress goes to stderr: on a terminal a bar with jobs per second and the
estimated time left (against the queued jobs at start, capped by --limit),
otherwise a log line every 5 seconds.

The first SIGINT or SIGTERM stops claiming and waits for running jobs up to
--grace; a second one releases them at once. The exit status is 0 either way.`;

export async function runWorker({ values }: ParsedArgs): Promise<number> {
  const options = readGlobalOptions(values);
  const untilEmpty = values["until-empty"] === true;
  const limit = readWholeNumber("limit", values.limit, untilEmpty ? 0 : DEFAULT_LIMIT, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const concurrency = readWholeNumber("concurrency", values.concurrency, 1, { min: 1, max: 64 });
  const threads = readWholeNumber("threads", values.threads, 0, { min: 1, max: 256 }) || undefined;
  const leaseSeconds = readWholeNumber("lease", values.lease, DEFAULT_LEASE_SECONDS, { min: 5, max: 86_400 });
  const graceSeconds = readWholeNumber("grace", values.grace, DEFAULT_GRACE_SECONDS, { min: 0, max: 86_400 });
  const maxDelay = values["max-delay"] === undefined ? undefined : readWholeNumber("max-delay", values["max-delay"], 0, { min: 1, max: 31_536_000 });
  const claimStrategy = readClaimStrategy(values["claim-strategy"]);

  return withEngine({ ...options, threads, createSchema: true }, async (engine) => {
    const progress = new Progress("worker", engine.log, { total: await expectedJobCount(engine.db, limit, untilEmpty) });
    const finished = { completed: 0, failed: 0, other: 0 };
    const worker = new Worker(engine.db, createIndexPostHandler(engine), {
      jobTypes: [EMBED_POST_JOB],
      limit,
      untilEmpty,
      concurrency,
      leaseMs: leaseSeconds * 1000,
      maxDelayMs: maxDelay === undefined ? undefined : maxDelay * 1000,
      claimStrategy,
      logger: engine.log,
      onJobFinished: (outcome) => {
        if (outcome === "completed") finished.completed++;
        else if (outcome === "retried" || outcome === "dead_lettered" || outcome === "fail_not_recorded") finished.failed++;
        else finished.other++;
        progress.tick(`${finished.completed} completed, ${finished.failed} failed, ${finished.other} released or lost`);
      },
    });

    engine.log.info({ embedder: engine.embedder.version }, "indexing with this embedder");
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      const graceMs = signals === 1 ? graceSeconds * 1000 : 0;
      engine.log.info({ signal, graceSeconds: graceMs / 1000 }, signals === 1 ? "stopping: no new claims" : "stopping now: releasing running jobs");
      void worker.stop({ graceMs });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const summary = await worker.run();
      progress.done();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        const queued = await countQueuedJobs(engine.db);
        const reason = limit > 0 ? ` (--limit ${limit} reached or a signal stopped the run)` : "";
        const left = queued > 0 ? ` Still queued: ${plural(queued, "embed_post job")}${reason}.` : "";
        process.stdout.write(`${formatSummary(summary)}${left}\n`);
      }
      return 0;
    } finally {
      progress.done();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}

/**
 * Returns the jobs this run is expected to process, for the progress bar:
 * the queued embed_post jobs, capped by --limit. Returns null when the run
 * has neither a limit nor --until-empty, because it then runs until stopped.
 */
async function expectedJobCount(db: Db, limit: number, untilEmpty: boolean): Promise<number | null> {
  if (limit === 0 && !untilEmpty) return null;
  const queued = await countQueuedJobs(db);
  return limit > 0 ? Math.min(limit, queued) : queued;
}

async function countQueuedJobs(db: Db): Promise<number> {
  const [row] = await db.query(`SELECT COUNT(*) AS total FROM ${db.tables.jobs} WHERE status = 'queued' AND job_type = ?`, [EMBED_POST_JOB]);
  return toInt(row?.["total"] ?? 0);
}

function readClaimStrategy(value: unknown): ClaimStrategy {
  if (value === undefined) return "auto";
  if (typeof value === "string" && (CLAIM_STRATEGIES as readonly string[]).includes(value)) return value as ClaimStrategy;
  throw new UsageError(`Invalid --claim-strategy ${JSON.stringify(value)}: use ${CLAIM_STRATEGIES.join(", ")}.`);
}

function formatSummary(summary: Record<string, number>): string {
  const parts = Object.entries(summary).map(([name, count]) => `${count} ${name.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`)}`);
  return `Worker stopped: ${parts.join(", ")}.`;
}
