/** `wpllmseo dead-letter list|retry|purge`: inspect and recover jobs that used all their attempts. */
import { listDeadLetters, purgeDeadLetters, retryDeadLetters, type DeadLetter } from "../../queue/dead-letters.js";
import type { Command } from "../command.js";
import { withDb } from "../context.js";
import { GLOBAL_HELP, parseCommandArgs, plural, readGlobalOptions, readWholeNumber, type ParsedArgs } from "../options.js";
import { UsageError } from "../usage-error.js";
import { printResult } from "./worker-maintenance.js";

const DEFAULT_LIST_LIMIT = 50;

const HELP = `Usage: wpllmseo dead-letter <subcommand> [options]

Subcommands:
  list                      newest dead letters first, with their reason
  retry <id>... | --all     enqueue the jobs again as new jobs and delete their
                            dead letters (a job already queued for the same
                            post is kept instead of a second one)
  purge --older-than DAYS   delete dead letters that failed more than DAYS days ago

Options:
  --limit N           list: rows to print, 1 to 1000 (default ${DEFAULT_LIST_LIMIT})
  --offset N          list: rows to skip (default 0)
  --all               retry: every dead letter
  --older-than DAYS   purge: minimum age in days of the dead letters to delete,
                      by failed_at in UTC (required)

${GLOBAL_HELP}`;

const OPTIONS = {
  limit: { type: "string" },
  offset: { type: "string" },
  all: { type: "boolean", default: false },
  "older-than": { type: "string" },
} as const;

export const deadLetterCommand: Command = {
  name: "dead-letter",
  summary: "list, retry or purge jobs that used all their attempts",
  async run(args) {
    const parsed = parseCommandArgs(args, OPTIONS);
    const [subcommand, ...rest] = parsed.positionals;
    if (parsed.values.help || subcommand === undefined) {
      process.stdout.write(`${HELP}\n`);
      return parsed.values.help ? 0 : 2;
    }
    if (subcommand === "list") return listCommand(parsed, rest);
    if (subcommand === "retry") return retryCommand(parsed, rest);
    if (subcommand === "purge") return purgeCommand(parsed, rest);
    throw new UsageError(`Unknown dead-letter subcommand "${subcommand}": use list, retry or purge.`);
  },
};

async function listCommand({ values }: ParsedArgs, rest: string[]): Promise<number> {
  rejectExtra("list", rest);
  const limit = readWholeNumber("limit", values.limit, DEFAULT_LIST_LIMIT, { min: 1, max: 1000 });
  const offset = readWholeNumber("offset", values.offset, 0, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const options = readGlobalOptions(values);
  return withDb(options, false, async (db) => {
    const rows = await listDeadLetters(db, { limit, offset });
    process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : formatDeadLetters(rows));
    return 0;
  });
}

async function retryCommand({ values }: ParsedArgs, ids: string[]): Promise<number> {
  const all = values.all === true;
  if (all && ids.length > 0) {
    throw new UsageError("dead-letter retry takes dead-letter ids or --all, not both.");
  }
  if (!all && ids.length === 0) {
    throw new UsageError("Missing dead-letter ids: name them (e.g. `wpllmseo dead-letter retry 12 15`) or pass --all.");
  }
  const badId = ids.find((id) => !/^\d{1,20}$/.test(id));
  if (badId !== undefined) throw new UsageError(`Invalid dead-letter id "${badId}": use the id column of \`dead-letter list\`.`);
  const options = readGlobalOptions(values);
  return withDb(options, false, async (db, log) => {
    const result = await retryDeadLetters(db, all ? { all: true } : { ids });
    log.info(result, "retried dead letters");
    const notFound = result.notFound > 0 ? ` ${result.notFound} of the given ids ${result.notFound === 1 ? "was" : "were"} not found in the dead-letter table.` : "";
    printResult(options.json, result, `Enqueued ${plural(result.retried, "job")} again; ${result.skippedAsDuplicate} already queued.${notFound}`);
    return result.notFound > 0 ? 1 : 0;
  });
}

async function purgeCommand({ values }: ParsedArgs, rest: string[]): Promise<number> {
  rejectExtra("purge", rest);
  if (values["older-than"] === undefined) {
    throw new UsageError("Missing --older-than: give the age in days of dead letters to delete, e.g. --older-than=30.");
  }
  const days = readWholeNumber("older-than", values["older-than"], 0, { min: 0, max: 36_500 });
  const options = readGlobalOptions(values);
  return withDb(options, false, async (db, log) => {
    const deleted = await purgeDeadLetters(db, { olderThanDays: days });
    log.info({ deleted, olderThanDays: days }, "purged dead letters");
    printResult(options.json, { deleted }, `Deleted ${deleted} dead letters older than ${days} days.`);
    return 0;
  });
}

function rejectExtra(subcommand: string, rest: string[]): void {
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" for dead-letter ${subcommand}.`);
}

function formatDeadLetters(rows: readonly DeadLetter[]): string {
  if (rows.length === 0) return "No dead letters.\n";
  const lines = rows.map(
    (row) => `${row.id}  job ${row.originalJobId}  ${row.jobType ?? "?"}  post ${row.postId ?? "-"}  ${row.failedAt}  ${row.reason ?? ""}`,
  );
  return `id  original job  type  post  failed at (UTC)  reason\n${lines.join("\n")}\n`;
}
