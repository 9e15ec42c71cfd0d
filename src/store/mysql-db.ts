/**
 * MySQL/MariaDB adapter (mysql2 pool). Statements use the text protocol
 * with client-side escaping, so `LIMIT ?` and bigint ids bind as integers.
 */
import mysql from "mysql2/promise";
import type {
  Pool,
  PoolConnection,
  ResultSetHeader,
  RowDataPacket,
} from "mysql2/promise";

import type { Db, ExecuteResult, Row, TableNames } from "./db.js";
import { isLostConnectionError, StoreError } from "./errors.js";
import { retryTransaction } from "./retry.js";
import { toIdOrNull } from "./rows.js";

type Queryable = Pool | PoolConnection;

async function runQuery<T extends Row>(
  target: Queryable,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const [result] = await target.query({ sql, values: params as unknown[] });
  return Array.isArray(result) ? (result as T[]) : [];
}

async function runExecute(
  target: Queryable,
  sql: string,
  params: readonly unknown[],
): Promise<ExecuteResult> {
  const [result] = await target.query({ sql, values: params as unknown[] });
  if (Array.isArray(result)) {
    return { affectedRows: result.length, insertId: null };
  }
  const header = result as ResultSetHeader;
  const inserted = header.affectedRows > 0 && Number(header.insertId) > 0;
  return {
    affectedRows: header.affectedRows,
    insertId: inserted ? toIdOrNull(header.insertId) : null,
  };
}

/** The handle passed to a transaction callback: one pooled connection. */
class MysqlTransactionDb implements Db {
  readonly dialect = "mysql" as const;

  constructor(
    private readonly connection: PoolConnection,
    readonly displayUrl: string,
    readonly tables: TableNames,
  ) {}

  query<T extends Row = Row>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    return runQuery<T>(this.connection, sql, params);
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<ExecuteResult> {
    return runExecute(this.connection, sql, params);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("close() is not available inside a transaction");
  }
}

export class MysqlDb implements Db {
  readonly dialect = "mysql" as const;

  constructor(
    private readonly pool: Pool,
    readonly displayUrl: string,
    readonly tables: TableNames,
  ) {}

  query<T extends Row = Row>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    return runQuery<T>(this.pool, sql, params);
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<ExecuteResult> {
    return runExecute(this.pool, sql, params);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return retryTransaction(() => this.runTransaction(fn));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async runTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    let reusable = true;
    try {
      await connection.query("START TRANSACTION");
      const handle = new MysqlTransactionDb(
        connection,
        this.displayUrl,
        this.tables,
      );
      const result = await fn(handle);
      await connection.query("COMMIT");
      return result;
    } catch (error) {
      reusable = !isLostConnectionError(error);
      reusable &&= await rollbackQuietly(connection);
      throw error;
    } finally {
      if (reusable) {
        connection.release();
      } else {
        connection.destroy();
      }
    }
  }
}

/** Rolls back; returns false when the connection failed and must be dropped. */
async function rollbackQuietly(connection: PoolConnection): Promise<boolean> {
  try {
    await connection.query("ROLLBACK");
    return true;
  } catch {
    return false;
  }
}

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Oldest servers with FOR UPDATE SKIP LOCKED and expression defaults. */
const MIN_MARIADB: [number, number] = [10, 6];
const MIN_MYSQL: [number, number, number] = [8, 0, 13];

function isVersionAtLeast(actual: number[], minimum: number[]): boolean {
  for (let i = 0; i < minimum.length; i += 1) {
    const part = actual[i] ?? 0;
    const required = minimum[i] ?? 0;
    if (part !== required) {
      return part > required;
    }
  }
  return true;
}

/** Rejects servers that lack SKIP LOCKED or DEFAULT (expression). */
function checkServerVersion(version: string, displayUrl: string): void {
  const numbers = (version.match(/^\d+(\.\d+)*/)?.[0] ?? "0")
    .split(".")
    .map(Number);
  const isMariaDb = /mariadb/i.test(version);
  const minimum = isMariaDb ? MIN_MARIADB : MIN_MYSQL;
  if (!isVersionAtLeast(numbers, minimum)) {
    const product = isMariaDb ? "MariaDB" : "MySQL";
    throw new StoreError(
      "UNSUPPORTED_SERVER",
      `Unsupported server at ${displayUrl}: ${product} ${version}; ` +
        `${product} ${minimum.join(".")} or later is required ` +
        "(FOR UPDATE SKIP LOCKED and DEFAULT expressions).",
    );
  }
}

async function readServerVersion(pool: Pool): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT VERSION() AS version",
  );
  return String(rows[0]?.["version"] ?? "");
}

/**
 * Opens a connection pool and checks that the server is reachable and
 * recent enough, so a wrong URL fails here rather than at the first job.
 */
export async function openMysqlDb(
  target: MysqlTarget,
  displayUrl: string,
  tables: TableNames,
  connectionLimit: number,
): Promise<MysqlDb> {
  const pool = mysql.createPool({
    ...target,
    connectionLimit,
    charset: "utf8mb4_unicode_ci",
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    timezone: "Z",
    connectTimeout: 10_000,
  });
  let version: string;
  try {
    version = await readServerVersion(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      "CONNECTION_FAILED",
      `Failed to connect to MySQL/MariaDB at ${displayUrl}: ${reason}. ` +
        "Check that the server is running and reachable at that host and " +
        "port, and that the user, password and database in the URL are right.",
      { cause: error },
    );
  }
  try {
    checkServerVersion(version, displayUrl);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new MysqlDb(pool, displayUrl, tables);
}
