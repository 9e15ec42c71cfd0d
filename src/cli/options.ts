/**
 * Options shared by every command, validated where they enter, with their
 * defaults in one place.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

import { DEFAULT_EMBEDDING_DIM, HASH_DIM_RANGE, MODEL_DIM_RANGE, STOP_WORD_SETTINGS, type StopWordSetting } from "../embedders/embedder.js";
import { describeEmbedder, EMBED_DEFAULTS, EMBEDDER_KINDS, type EmbedderConfig, type EmbedderKind } from "../embedders/embedder-config.js";
import { redactUrl } from "../store/open-db.js";
import { UsageError } from "./usage-error.js";

export const DEFAULT_DB_URL = "sqlite:./wpllmseo.db";
export const DEFAULT_PREFIX = "wp_";

export const GLOBAL_OPTIONS = {
  db: { type: "string" },
  prefix: { type: "string" },
  "stop-words": { type: "string" },
  embedder: { type: "string" },
  "embed-url": { type: "string" },
  "embed-model": { type: "string" },
  "embed-dim": { type: "string" },
  "embed-batch": { type: "string" },
  "embed-max-chars": { type: "string" },
  "embed-timeout-ms": { type: "string" },
  "embed-retry-after-cap-ms": { type: "string" },
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
  --embedder NAME hash (offline, the default) or openai (an OpenAI-compatible
                  embeddings API); index and search with the same embedder
  --embed-url URL the API's base URL, e.g. http://127.0.0.1:11434; /v1/embeddings
                  is appended, or /embeddings to a path ending in /v1, and a
                  path ending in /embeddings is used as given
  --embed-model NAME  model name sent with each request
  --embed-dim N   vector dimension: the model's (openai, required) or
                  8 to 4096 (hash, default ${DEFAULT_EMBEDDING_DIM})
  --embed-batch N maximum chunks in one API request (default ${EMBED_DEFAULTS.batchSize})
  --embed-max-chars N  maximum characters in one API input, title plus chunk;
                  longer chunks are split (default ${EMBED_DEFAULTS.maxInputChars})
  --embed-timeout-ms N  time limit of one API request in ms (default ${EMBED_DEFAULTS.timeoutMs})
  --embed-retry-after-cap-ms N  maximum total Retry-After wait in ms for 429 and
                  503 responses to one request; a longer wait fails the job's
                  attempt at once (default ${EMBED_DEFAULTS.retryAfterCapMs})
  --json          print data as JSON
  -v, --verbose   log debug lines
  -q, --quiet     log only warnings and errors
  -h, --help      show the command's help

Each --embed option and --embedder may also be set by an environment
variable: WPLLMSEO_EMBEDDER, WPLLMSEO_EMBED_URL, WPLLMSEO_EMBED_MODEL,
WPLLMSEO_EMBED_DIM, WPLLMSEO_EMBED_BATCH, WPLLMSEO_EMBED_MAX_CHARS,
WPLLMSEO_EMBED_TIMEOUT_MS and WPLLMSEO_EMBED_RETRY_AFTER_CAP_MS. The API key
is read only from $WPLLMSEO_EMBED_API_KEY and sent as a Bearer token.`;

export interface GlobalOptions {
  dbUrl: string;
  prefix: string;
  stopWords: StopWordSetting;
  embedder: EmbedderConfig;
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
    throw new UsageError(describeParseError(error));
  }
}

/** Rewords an error of node:util parseArgs so that it names the option and points to --help. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const option = /'(-[^']*)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
    return `Unknown option ${option}. Run the command with --help to list its options; a value that starts with "-" goes after "--".`;
  }
  const name = option?.split(",")[0]?.trim();
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && name && message.includes("ambiguous")) {
    const long = /use '(--[^=']+)=/.exec(message)?.[1] ?? name;
    return `Option ${name} is followed by a value that starts with "-": write ${long}=VALUE if that is its value, or give ${name} a value first. Run the command with --help to list its options.`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && name && message.includes("argument missing")) {
    return `Missing value for ${name}: write ${name} VALUE. Run the command with --help to list its options.`;
  }
  return `${message.replace(/\.?$/, ".")} Run the command with --help to list its options.`;
}

export function readGlobalOptions(values: Record<string, unknown>): GlobalOptions {
  const dbUrl = (values.db as string | undefined) ?? (process.env.WPLLMSEO_DB || DEFAULT_DB_URL);
  checkDbUrl(dbUrl, values.db === undefined && process.env.WPLLMSEO_DB ? "$WPLLMSEO_DB" : "--db");
  const prefix = (values.prefix as string | undefined) ?? (process.env.WPLLMSEO_PREFIX || DEFAULT_PREFIX);
  const stopWordsSource = values["stop-words"] === undefined && process.env.WPLLMSEO_STOP_WORDS ? "$WPLLMSEO_STOP_WORDS" : "--stop-words";
  const stopWords = (values["stop-words"] as string | undefined) ?? (process.env.WPLLMSEO_STOP_WORDS || "en");
  if (!(STOP_WORD_SETTINGS as readonly string[]).includes(stopWords)) {
    throw new UsageError(`Invalid ${stopWordsSource} "${stopWords}": use ${STOP_WORD_SETTINGS.join(", ")}.`);
  }
  return {
    dbUrl,
    prefix,
    stopWords: stopWords as StopWordSetting,
    embedder: readEmbedderConfig(values, stopWords as StopWordSetting),
    json: values.json === true,
    verbose: values.verbose === true,
    quiet: values.quiet === true,
  };
}

/**
 * Rejects a database URL of an unknown scheme, and an in-memory SQLite
 * database, which a command would fill and drop when it exits. `source`
 * names the option or variable the URL came from.
 */
export function checkDbUrl(url: string, source: string): void {
  const fix = "use sqlite:<file>, such as sqlite:wpllmseo.db, or mysql://user:password@host:port/database";
  if (url.trim() === "sqlite::memory:") {
    throw new UsageError(`Invalid ${source} "sqlite::memory:": an in-memory database is gone when the command exits, so ${fix}.`);
  }
  if (!/^(sqlite:|mysql:\/\/|mariadb:\/\/)/i.test(url)) {
    throw new UsageError(`Invalid ${source} ${JSON.stringify(redactUrl(url))}: ${fix}.`);
  }
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

/** Reads an --embed option, else its environment variable (`--embed-model` -> WPLLMSEO_EMBED_MODEL). */
function readEmbedSetting(values: Record<string, unknown>, option: string): { value: string | undefined; source: string } {
  const variable = `WPLLMSEO_${option.replaceAll("-", "_").toUpperCase()}`;
  const given = values[option];
  if (typeof given === "string") return { value: given, source: `--${option}` };
  const fromEnv = process.env[variable];
  return { value: fromEnv === "" ? undefined : fromEnv, source: `$${variable}` };
}

function readEmbedNumber(values: Record<string, unknown>, option: string, range: { min: number; max: number }): number | undefined {
  const { value, source } = readEmbedSetting(values, option);
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(`Invalid ${source} ${JSON.stringify(value)}: use a whole number from ${range.min} to ${range.max}.`);
  }
  return number;
}

/** Reads the embedder settings from the options and their environment variables, and checks them. */
export function readEmbedderConfig(values: Record<string, unknown>, stopWords: StopWordSetting): EmbedderConfig {
  const kind = readEmbedSetting(values, "embedder");
  const name = kind.value ?? "hash";
  if (!(EMBEDDER_KINDS as readonly string[]).includes(name)) {
    throw new UsageError(`Invalid ${kind.source} ${JSON.stringify(name)}: use ${EMBEDDER_KINDS.join(" or ")}.`);
  }
  const config: EmbedderConfig = {
    kind: name as EmbedderKind,
    stopWords,
    dim: readEmbedNumber(values, "embed-dim", name === "hash" ? HASH_DIM_RANGE : MODEL_DIM_RANGE),
    url: readEmbedSetting(values, "embed-url").value,
    model: readEmbedSetting(values, "embed-model").value,
    batchSize: readEmbedNumber(values, "embed-batch", { min: 1, max: 2048 }),
    maxInputChars: readEmbedNumber(values, "embed-max-chars", { min: 64, max: 1_000_000 }),
    timeoutMs: readEmbedNumber(values, "embed-timeout-ms", { min: 100, max: 3_600_000 }),
    retryAfterCapMs: readEmbedNumber(values, "embed-retry-after-cap-ms", { min: 0, max: 86_400_000 }),
  };
  try {
    describeEmbedder(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return config;
}

/** Returns "1 job", "2 jobs": the count and the noun, plural unless the count is 1. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
