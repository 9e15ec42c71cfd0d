import type { Db } from "./db.js";
import { StoreError } from "./errors.js";
import { openMysqlDb } from "./mysql-db.js";
import type { MysqlTarget } from "./mysql-db.js";
import { DEFAULT_BUSY_TIMEOUT_MS, openSqliteDb } from "./sqlite-db.js";
import { buildTableNames, DEFAULT_TABLE_PREFIX } from "./table-names.js";

export const DEFAULT_DB_URL = "sqlite:./wpllmseo.db";

const ACCEPTED_FORMS =
  "sqlite:<path> (or sqlite::memory:) or mysql://user:password@host:port/database " +
  "(or mariadb://...)";

export interface OpenDbOptions {
  /** Table prefix, 1-32 characters from [A-Za-z0-9_]; default `wp_`. */
  prefix?: string;
  /**
   * SQLite: fail when the file does not exist instead of creating an empty
   * database, for commands that only read. Ignored for MySQL.
   */
  mustExist?: boolean;
  /** The command-line option that gave the URL, named in errors about the file; default `--db`. */
  urlOption?: string;
  /** MySQL pool size; default 10. Ignored for SQLite. */
  connectionLimit?: number;
  /**
   * MySQL/MariaDB: overrides the SKIP LOCKED support detected from the
   * server version (`db.capabilities.skipLocked`). False makes "auto" job
   * claims and stale-job recovery use statements that work without it;
   * true is rejected on a server that lacks it. Ignored for SQLite.
   */
  skipLocked?: boolean;
  /**
   * SQLite: milliseconds a statement waits for another process's write
   * lock before failing with SQLITE_BUSY; default 5000. Ignored for MySQL.
   */
  busyTimeoutMs?: number;
}

/** Replaces the password in a URL with `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

function parseMysqlUrl(url: string): MysqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new StoreError(
      "INVALID_URL",
      `Invalid database URL ${redactUrl(url)}: expected ${ACCEPTED_FORMS}.`,
      { cause: error },
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!parsed.hostname || !database) {
    throw new StoreError(
      "INVALID_URL",
      `Invalid database URL ${redactUrl(url)}: a host and a database name ` +
        "are required, as in mysql://user:password@127.0.0.1:3306/wordpress.",
    );
  }
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

function parseSqlitePath(url: string): string {
  const rest = url.slice("sqlite:".length);
  const path = rest.startsWith("//") ? rest.slice(2) : rest;
  if (!path) {
    throw new StoreError(
      "INVALID_URL",
      `Invalid database URL ${url}: a file path is required, as in ` +
        "sqlite:./wpllmseo.db or sqlite::memory:.",
    );
  }
  return path;
}

function validateBusyTimeout(timeoutMs: number | undefined): number {
  const value = timeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Invalid busyTimeoutMs ${String(timeoutMs)}: use an integer of 0 or more.`,
    );
  }
  return value;
}

function validateConnectionLimit(limit: number | undefined): number {
  const value = limit ?? 10;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Invalid connectionLimit ${String(limit)}: use an integer of 1 or more.`,
    );
  }
  return value;
}

/**
 * Opens the database named by `url`: `sqlite:<path>`, `sqlite::memory:`,
 * `mysql://user:password@host:port/database` or `mariadb://...`.
 */
export async function openDb(
  url: string,
  options: OpenDbOptions = {},
): Promise<Db> {
  const tables = buildTableNames(options.prefix ?? DEFAULT_TABLE_PREFIX);
  const displayUrl = redactUrl(url);
  if (url.startsWith("sqlite:")) {
    const busyTimeoutMs = validateBusyTimeout(options.busyTimeoutMs);
    const path = parseSqlitePath(url);
    return openSqliteDb(path, displayUrl, tables, busyTimeoutMs, options.mustExist === true, options.urlOption);
  }
  if (/^(mysql|mariadb):\/\//i.test(url)) {
    const limit = validateConnectionLimit(options.connectionLimit);
    const target = parseMysqlUrl(url);
    return openMysqlDb(target, displayUrl, tables, limit, options.skipLocked);
  }
  throw new StoreError(
    "INVALID_URL",
    `Unsupported database URL ${displayUrl}: expected ${ACCEPTED_FORMS}.`,
  );
}
