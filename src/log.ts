/**
 * Structured logging with pino: JSON lines when the output is not a
 * terminal (or `json` is set), otherwise one readable line per record.
 * Logs go to stderr so that command output on stdout stays parseable.
 */
import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";

import { writeAroundStatusLine } from "./status-line.js";

export type { Logger } from "pino";

export interface CreateLoggerOptions {
  /** Log debug records too; the default level is info. */
  verbose?: boolean;
  /** Log only warnings and errors. */
  quiet?: boolean;
  /** Force JSON (true) or the readable form (false); default by TTY. */
  json?: boolean;
  /** Output stream; default stderr. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

/** Fields printed in the line's fixed part rather than as key=value. */
const FIXED_FIELDS = new Set(["level", "time", "msg", "pid", "hostname", "err"]);

function formatValue(value: unknown): string {
  if (typeof value === "string") {
    return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** Formats one pino JSON record as `HH:MM:SS.mmm LEVEL message key=value ...`. */
export function formatLogLine(record: Record<string, unknown>): string {
  const time = new Date(Number(record["time"])).toISOString().slice(11, 23);
  const level = (LEVEL_NAMES[Number(record["level"])] ?? "LOG").padEnd(5);
  const fields = Object.entries(record)
    .filter(([key]) => !FIXED_FIELDS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  let line = [time, level, String(record["msg"] ?? ""), ...fields].join(" ");
  const error = record["err"] as { message?: unknown; stack?: unknown } | undefined;
  if (error) {
    line += ` error=${formatValue(String(error.message ?? ""))}`;
    if (typeof error.stack === "string" && Number(record["level"]) >= 50) {
      line += `\n${error.stack}`;
    }
  }
  return `${line}\n`;
}

/** Creates a pino destination that rewrites each JSON record as a readable line. */
function createLineDestination(output: NodeJS.WritableStream): DestinationStream {
  return {
    write(chunk: string): void {
      for (const text of chunk.split("\n")) {
        if (text.trim() === "") {
          continue;
        }
        let line: string;
        try {
          line = formatLogLine(JSON.parse(text) as Record<string, unknown>);
        } catch {
          line = `${text}\n`;
        }
        writeAroundStatusLine(() => output.write(line));
      }
    },
  };
}

/**
 * Error fields never logged: mysql2 puts the whole statement, with its
 * parameters (post text, vectors), in `sql`, which can be tens of kilobytes
 * per line and may hold data that does not belong in a log.
 */
const OMITTED_ERROR_FIELDS = ["sql", "parameters", "values"];

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const field of OMITTED_ERROR_FIELDS) delete serialized[field];
  return serialized;
}

/**
 * Fields replaced by "[redacted]" wherever they appear at these paths, so an
 * API key passed in a log record by mistake is not written. The embedding
 * client keeps its key in a private field and never puts it in a record.
 */
const REDACTED_PATHS = ["apiKey", "*.apiKey", "authorization", "*.authorization", "headers.authorization", "*.headers.authorization"];

/** Creates the process's root logger. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const output = options.destination ?? process.stderr;
  let level = "info";
  if (options.verbose) level = "debug";
  else if (options.quiet) level = "warn";
  const json = options.json ?? output.isTTY !== true;
  const destination = json ? output : createLineDestination(output);
  return pino(
    {
      level,
      base: { pid: process.pid },
      serializers: { err: serializeError },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}
