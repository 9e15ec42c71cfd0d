/** `wpllmseo worker status|cleanup|unlock|clear`: inspect and maintain the queue. */
import { clearJobs } from "../../queue/clear-jobs.js";
import { deleteFinishedJobs } from "../../queue/delete-finished-jobs.js";
import { readQueueStatus } from "../../queue/read-queue-status.js";
import { unlockJobs } from "../../queue/unlock-jobs.js";
import { withDb } from "../context.js";
import { readGlobalOptions, readWholeNumber, type ParsedArgs } from "../options.js";
import { UsageError } from "../usage-error.js";
import { formatQueueStatus } from "./format-queue-status.js";

export const WORKER_MAINTENANCE_OPTIONS = {
  days: { type: "string" },
  force: { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
} as const;

export const WORKER_MAINTENANCE_HELP = `Options for cleanup, unlock and clear:
  --days N     cleanup: delete completed and failed jobs last updated more than
               N days ago (required)
  --force      unlock: release every running job, not only those whose lease
               expired; use it only when every worker is known to be stopped
  --yes        clear: confirm deleting every job (dead letters are kept)`;

export async function showStatus({ values }: ParsedArgs): Promise<number> {
  const options = readGlobalOptions(values);
  return withDb(options, false, async (db) => {
    const status = await readQueueStatus(db);
    process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatQueueStatus(status));
    return 0;
  });
}

export async function cleanupJobs({ values }: ParsedArgs): Promise<number> {
  if (values.days === undefined) {
    throw new UsageError("Missing --days: give the age in days of finished jobs to delete, e.g. --days=7.");
  }
  const days = readWholeNumber("days", values.days, 0, { min: 0, max: 36_500 });
  const options = readGlobalOptions(values);
  return withDb(options, false, async (db, log) => {
    const deleted = await deleteFinishedJobs(db, { olderThanDays: days });
    log.info({ deleted, olderThanDays: days }, "deleted finished jobs");
    printResult(options.json, { deleted }, `Deleted ${deleted} completed or failed jobs older than ${days} days.`);
    return 0;
  });
}

export async function unlockStaleJobs({ values }: ParsedArgs): Promise<number> {
  const options = readGlobalOptions(values);
  const force = values.force === true;
  return withDb(options, false, async (db, log) => {
    const result = await unlockJobs(db, { force });
    log.info({ ...result, force }, "unlocked jobs");
    const scope = force ? "running jobs" : "jobs with an expired lease";
    printResult(options.json, result, `Unlocked ${scope}: ${result.requeued} queued again, ${result.deadLettered} moved to the dead letter.`);
    return 0;
  });
}

export async function clearAllJobs({ values }: ParsedArgs): Promise<number> {
  if (values.yes !== true) {
    throw new UsageError("worker clear deletes every job; add --yes to confirm. Dead letters are kept.");
  }
  const options = readGlobalOptions(values);
  return withDb(options, false, async (db, log) => {
    const deleted = await clearJobs(db);
    log.info({ deleted }, "cleared the job queue");
    printResult(options.json, { deleted }, `Deleted ${deleted} jobs.`);
    return 0;
  });
}

export function printResult(json: boolean, data: object, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}
