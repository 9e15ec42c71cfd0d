/**
 * Command-line options of `npm run bench` (dist/bench/run.js).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { redactUrl } from "../src/store/open-db.js";

export const DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/test";
export const DEFAULT_OUT_FILE = "docs/BENCHMARKS.md";
export const FULL_SIZES = [1000, 10_000, 100_000];
export const QUICK_SIZES = [1000];
/** Cranfield collection next to the repository, used when --cranfield is not given and the folder exists. */
const DEFAULT_CRANFIELD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/data/cranfield");

export interface BenchOptions {
  /** Fewer samples and queries, for a smoke run. */
  quick: boolean;
  /** File for every figure as JSON, or null for none. */
  jsonFile: string | null;
  /** Server that the MariaDB/MySQL part connects to. The run creates and drops its own database there. */
  mysqlUrl: string;
  /** Markdown report file. */
  outFile: string;
  /** Synthetic corpus sizes, in posts, for the end-to-end search bench. */
  sizes: number[];
  /** Folder with cran.all.1400, cran.qry and cranqrel, or null to skip the relevance part. */
  cranfieldDir: string | null;
  /** Also run the HTTP load bench (bench/http-load.ts) and add its section. */
  httpLoad: boolean;
}

export const USAGE = `Usage: node dist/bench/run.js [options]

Options:
  --quick          fewer samples and queries, for a smoke run
  --json FILE      also write every figure as JSON to FILE
  --mysql URL      MariaDB/MySQL server to use (default ${DEFAULT_MYSQL_URL});
                   the run creates and drops its own database there
  --out FILE       Markdown report to write (default ${DEFAULT_OUT_FILE})
  --sizes N,N,...  synthetic corpus sizes in posts (default ${FULL_SIZES.join(",")};
                   with --quick ${QUICK_SIZES.join(",")})
  --cranfield DIR  folder with cran.all.1400, cran.qry and cranqrel (default: the
                   shared/data/cranfield folder beside the repository, when it exists)
  --http-load      also load GET /search of \`wpllmseo serve\` with autocannon
                   (bench/http-load.ts with its defaults, about 10 minutes)
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
    sizes: chooseSizes(values.sizes, values.quick),
    cranfieldDir: values.cranfield ?? (existsSync(DEFAULT_CRANFIELD) ? DEFAULT_CRANFIELD : null),
    httpLoad: values["http-load"],
  };
}

/** Returns the corpus sizes given by --sizes, else the default of a quick or a full run. */
function chooseSizes(text: string | undefined, quick: boolean): number[] {
  if (text !== undefined) return parseSizes(text);
  return quick ? QUICK_SIZES : FULL_SIZES;
}

function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((part) => Number(part.trim()));
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 10 || size > 1_000_000)) {
    throw new BenchUsageError(`Invalid --sizes ${JSON.stringify(text)}: expected post counts from 10 to 1000000, such as 1000,10000.`);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function parseArgvStrictly(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "string" },
      mysql: { type: "string", default: DEFAULT_MYSQL_URL },
      out: { type: "string", default: DEFAULT_OUT_FILE },
      sizes: { type: "string" },
      cranfield: { type: "string" },
      "http-load": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}
