/**
 * Options shared by every command, validated where they enter, with their
 * defaults in one place.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

import { STOP_WORD_SETTINGS, type StopWordSetting } from "../embedders/embedder.js";
import { UsageError } from "./usage-error.js";

export const DEFAULT_DB_URL = "sqlite:./wpllmseo.db";
export const DEFAULT_PREFIX = "wp_";

export const GLOBAL_OPTIONS = {
  db: { type: "string" },
  prefix: { type: "string" },
  "stop-words": { type: "string" },
  json: { type: "boolean", default: false },
  verbose: { type: "boolean", short: "v", default: false },
  quiet: { type: "boolean", short: "q", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

export const GLOBAL_HELP = `Options for every command:
  --db URL        database: sqlite:<path> or mysql://user:pass@host:port/db
                  (default: $WPLLMSEO_DB, else ${DEFAULT_DB_URL})
  --prefix NAME   table prefix, letters, digits and _ (default: $WPLLMSEO_PREFIX, else ${DEFAULT_PREFIX})
  --stop-words L  stop words dropped from posts and queries: en, de or none
                  (default: $WPLLMSEO_STOP_WORDS, else en); indexing and search
                  must use the same list
  --json          print data as JSON
  -v, --verbose   log debug lines
  -q, --quiet     log only warnings and errors
  -h, --help      show the command's help`;

export interface GlobalOptions {
  dbUrl: string;
  prefix: string;
  stopWords: StopWordSetting;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `args` with the global options plus `extra`; unknown options are usage errors. */
export function parseCommandArgs(args: readonly string[], extra: Options): ParsedArgs {
  try {
    return parseArgs({ args: [...args], options: { ...GLOBAL_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function readGlobalOptions(values: Record<string, unknown>): GlobalOptions {
  const dbUrl = (values.db as string | undefined) ?? (process.env.WPLLMSEO_DB || DEFAULT_DB_URL);
  const prefix = (values.prefix as string | undefined) ?? (process.env.WPLLMSEO_PREFIX || DEFAULT_PREFIX);
  const stopWords = (values["stop-words"] as string | undefined) ?? (process.env.WPLLMSEO_STOP_WORDS || "en");
  if (!(STOP_WORD_SETTINGS as readonly string[]).includes(stopWords)) {
    throw new UsageError(`Invalid --stop-words "${stopWords}": use ${STOP_WORD_SETTINGS.join(", ")}.`);
  }
  return {
    dbUrl,
    prefix,
    stopWords: stopWords as StopWordSetting,
    json: values.json === true,
    verbose: values.verbose === true,
    quiet: values.quiet === true,
  };
}

/** Reads a whole-number option; `undefined` keeps the default. */
export function readWholeNumber(
  name: string,
  value: unknown,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (value === undefined) return fallback;
  const number = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    const option = name.length === 1 ? `-${name}` : `--${name}`;
    throw new UsageError(`Invalid ${option} ${JSON.stringify(value)}: use a whole number from ${range.min} to ${range.max}.`);
  }
  return number;
}
