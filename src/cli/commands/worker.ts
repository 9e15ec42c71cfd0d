/** `wpllmseo worker <subcommand>`: the queue worker and its maintenance commands. */
import type { Command } from "../command.js";
import { GLOBAL_HELP, parseCommandArgs, type ParsedArgs } from "../options.js";
import { UsageError } from "../usage-error.js";
import { rejectPositionals } from "./schema.js";
import {
  WORKER_MAINTENANCE_HELP,
  WORKER_MAINTENANCE_OPTIONS,
  cleanupJobs,
  clearAllJobs,
  showStatus,
  unlockStaleJobs,
} from "./worker-maintenance.js";
import { WORKER_RUN_HELP, WORKER_RUN_OPTIONS, runWorker } from "./worker-run.js";

const SUBCOMMANDS: Record<string, (args: ParsedArgs) => Promise<number>> = {
  run: runWorker,
  status: showStatus,
  cleanup: cleanupJobs,
  unlock: unlockStaleJobs,
  clear: clearAllJobs,
};

const HELP = `Usage: wpllmseo worker <subcommand> [options]

Subcommands:
  run       claim embed_post jobs and index their posts
  status    job counts by status, overdue and running jobs, dead letters, recent completions
  cleanup   delete finished jobs older than --days
  unlock    take back jobs whose lease expired (--force: every running job)
  clear     delete every job (needs --yes)

${WORKER_RUN_HELP}

${WORKER_MAINTENANCE_HELP}

${GLOBAL_HELP}`;

export const workerCommand: Command = {
  name: "worker",
  summary: "run the queue worker and maintain the queue (run, status, cleanup, unlock, clear)",
  async run(args) {
    const parsed = parseCommandArgs(args, { ...WORKER_RUN_OPTIONS, ...WORKER_MAINTENANCE_OPTIONS });
    const [subcommand, ...rest] = parsed.positionals;
    if (parsed.values.help || subcommand === undefined) {
      process.stdout.write(`${HELP}\n`);
      return parsed.values.help ? 0 : 2;
    }
    const handler = SUBCOMMANDS[subcommand];
    if (!handler) {
      throw new UsageError(`Unknown worker subcommand "${subcommand}": use ${Object.keys(SUBCOMMANDS).join(", ")}.`);
    }
    rejectPositionals(`worker ${subcommand}`, rest);
    return handler(parsed);
  },
};
