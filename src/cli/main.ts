/**
 * The `wpllmseo` command line: parses the command name, runs the command, and
 * maps errors to exit codes (1: the command failed, 2: invalid usage).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { findPackageRoot } from "../kernels/load-wasm.js";
import { SearchRequestError } from "../search/search-request.js";
import type { Command } from "./command.js";
import { deadLetterCommand } from "./commands/dead-letter.js";
import { dbVersionCommand, upgradeCommand } from "./commands/schema.js";
import { importCommand } from "./commands/import.js";
import { migrateEmbeddingsCommand } from "./commands/migrate-embeddings.js";
import { reembedCommand, reindexCommand } from "./commands/reindex.js";
import { searchCommand } from "./commands/search.js";
import { serveCommand } from "./commands/serve.js";
import { syncCommand } from "./commands/sync.js";
import { workerCommand } from "./commands/worker.js";
import { GLOBAL_HELP } from "./options.js";
import { UsageError } from "./usage-error.js";

const COMMANDS: readonly Command[] = [
  upgradeCommand,
  dbVersionCommand,
  importCommand,
  syncCommand,
  reindexCommand,
  reembedCommand,
  workerCommand,
  deadLetterCommand,
  searchCommand,
  serveCommand,
  migrateEmbeddingsCommand,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `wpllmseo: index a site's posts through a job queue and search them.

Usage: wpllmseo <command> [options]

Commands:
${lines.join("\n")}

${GLOBAL_HELP}

Run \`wpllmseo <command> --help\` for a command's options; \`wpllmseo --version\` prints the version.`;
}

/** Returns the version in the package's package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(findPackageRoot(), "package.json"), "utf8")) as { version?: unknown };
  return String(manifest.version);
}

/** Global options that take a value, so that their value is not taken for the command name. */
const VALUE_OPTIONS = new Set([
  "--db",
  "--prefix",
  "--stop-words",
  "--embedder",
  "--embed-url",
  "--embed-model",
  "--embed-dim",
  "--embed-batch",
  "--embed-max-chars",
  "--embed-timeout-ms",
  "--embed-retry-after-cap-ms",
]);

/**
 * Moves the command name to the front, so global options may come before it
 * (`wpllmseo --db URL worker status`).
 */
function commandFirst(argv: readonly string[]): string[] {
  let index = 0;
  while (index < argv.length && argv[index]?.startsWith("-") && argv[index] !== "--") {
    index += VALUE_OPTIONS.has(argv[index] as string) ? 2 : 1;
  }
  if (index === 0 || index >= argv.length) return [...argv];
  return [argv[index] as string, ...argv.slice(0, index), ...argv.slice(index + 1)];
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = commandFirst(argv);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${mainHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    process.stdout.write(`wpllmseo ${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`wpllmseo: unknown command "${name}". Run \`wpllmseo --help\` for the list of commands.\n`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof UsageError || error instanceof SearchRequestError) {
    process.stderr.write(`wpllmseo: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`wpllmseo: ${describeError(error)}\n`);
  return 1;
}

/** Joins an error's message with the messages of its causes that it does not already contain. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && parts.length < 5) {
    const message = current instanceof Error ? current.message : String(current);
    if (!parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\n  caused by: ");
}
