/**
 * Command-line options of `npm run bench` (dist/bench/run.js).
 */
import { parseArgs } from "node:util";

import { redactUrl } from "../src/store/open-db.js";

export const DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/test";
export const DEFAULT_OUT_FILE = "docs/BENCHMARKS.md";

export interface BenchOptions {
  /** Fewer samples and queries, for a smoke run. */
  quick: boolean;
  /** File for every figure as JSON, or null for none. */
  jsonFile: string | null;
  /** Server that the MariaDB/MySQL part connects to. The run creates and drops its own database there. */
  mysqlUrl: string;
  /** Markdown report file. */
  outFile: string;
}

export const USAGE = `Usage: node dist/bench/run.js [options]

Options:
  --quick          fewer samples and queries, for a smoke run
  --json FILE      also write every figure as JSON to FILE
  --mysql URL      MariaDB/MySQL server to use (default ${DEFAULT_MYSQL_URL});
                   the run creates and drops its own database there
  --out FILE       Markdown report to write (default ${DEFAULT_OUT_FILE})
  --help           print this text`;

/** Invalid command-line options; the message names the option. */
export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

/** Parses `argv` (without the node and script paths) and returns null when --help was given. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | null {
  let parsed: ReturnType<typeof parseArgvStrictly>;
  try {
    parsed = parseArgvStrictly(argv);
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const values = parsed.values;
  if (values.help) return null;
  if (!/^(mysql|mariadb):\/\//i.test(values.mysql)) {
    throw new BenchUsageError(`Invalid --mysql URL ${redactUrl(values.mysql)}: expected mysql://user:password@host:port/database.`);
  }
  return {
    quick: values.quick,
    jsonFile: values.json ?? null,
    mysqlUrl: values.mysql,
    outFile: values.out,
  };
}

function parseArgvStrictly(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "string" },
      mysql: { type: "string", default: DEFAULT_MYSQL_URL },
      out: { type: "string", default: DEFAULT_OUT_FILE },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}
