/** `wpllmseo worker <run|status>`: process the job queue and report on it. */
import { createIndexPostHandler, EMBED_POST_JOB } from "../../indexer/index-post.js";
import { readQueueStatus } from "../../queue/read-queue-status.js";
import { Worker } from "../../queue/worker.js";
import type { Command } from "../command.js";
import { withDb, withEngine } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, readGlobalOptions, readWholeNumber } from "../options.js";
import { UsageError } from "../usage-error.js";
import { rejectPositionals } from "./schema.js";
import { formatQueueStatus } from "./format-queue-status.js";

const DEFAULT_LIMIT = 10;

const HELP = `Usage: wpllmseo worker <subcommand> [options]

Subcommands:
  run       claim embed_post jobs and index their posts
  status    print job counts by status, running jobs and the dead-letter count

Options for run:
  --limit N          jobs to process before exiting; 0 means no limit (default ${DEFAULT_LIMIT})
  --until-empty      exit as soon as no job is ready to run
  --concurrency N    jobs processed at once by this process, 1 to 64 (default 1)
  --threads N        worker threads for chunking and embedding (default: one per core)
  --lease SECONDS    lease a claimed job holds before other workers may take it
                     back; renewed while the job runs (default 60)

SIGINT and SIGTERM stop claiming, let running jobs finish, and exit 0.

${GLOBAL_HELP}`;

export const workerCommand: Command = {
  name: "worker",
  summary: "run the queue worker (run) or show the queue (status)",
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      limit: { type: "string" },
      "until-empty": { type: "boolean", default: false },
      concurrency: { type: "string" },
      threads: { type: "string" },
      lease: { type: "string" },
    });
    const [subcommand, ...rest] = positionals;
    if (values.help || subcommand === undefined) {
      process.stdout.write(`${HELP}\n`);
      return values.help ? 0 : 2;
    }
    rejectPositionals(`worker ${subcommand}`, rest);
    const options = readGlobalOptions(values);

    if (subcommand === "status") {
      return withDb(options, false, async (db) => {
        const status = await readQueueStatus(db);
        process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatQueueStatus(status));
        return 0;
      });
    }
    if (subcommand !== "run") {
      throw new UsageError(`Unknown worker subcommand "${subcommand}": use run or status.`);
    }

    const limit = readWholeNumber("limit", values.limit, DEFAULT_LIMIT, { min: 0, max: Number.MAX_SAFE_INTEGER });
    const concurrency = readWholeNumber("concurrency", values.concurrency, 1, { min: 1, max: 64 });
    const threads = readWholeNumber("threads", values.threads, 0, { min: 1, max: 256 }) || undefined;
    const leaseSeconds = readWholeNumber("lease", values.lease, 60, { min: 5, max: 86_400 });

    return withEngine({ ...options, threads, createSchema: true }, async (engine) => {
      const handler = createIndexPostHandler(engine);
      const worker = new Worker(engine.db, handler, {
        jobTypes: [EMBED_POST_JOB],
        limit,
        untilEmpty: values["until-empty"] === true,
        concurrency,
        leaseMs: leaseSeconds * 1000,
        logger: engine.log,
      });
      const stop = () => void worker.stop();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        const summary = await worker.run();
        if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else process.stdout.write(`Worker done: ${JSON.stringify(summary)}\n`);
        return 0;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
  },
};
