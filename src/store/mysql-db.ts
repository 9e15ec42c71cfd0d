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

import type {
  Db,
  DbCapabilities,
  ExecuteResult,
  Row,
  TableNames,
} from "./db.js";
import { isLostConnectionError, StoreError } from "./errors.js";
import { retryTransaction } from "./retry.js";
import {
  checkServerVersion,
  detectCapabilities,
  parseServerVersion,
} from "./server-version.js";

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
  return {
    affectedRows: header.affectedRows,
    insertId: header.affectedRows > 0 ? toUnsignedInsertId(header.insertId) : null,
  };
}

/**
 * Converts mysql2's insert id to a decimal string, or null when no row got
 * one. mysql2 reads it as a signed 64-bit integer, so BIGINT UNSIGNED ids
 * of 2^63 and above arrive negative and are shifted back by 2^64.
 */
function toUnsignedInsertId(value: number | string): string | null {
  let id = BigInt(value);
  if (id < 0n) {
    id += 2n ** 64n;
  }
  return id > 0n ? id.toString() : null;
}

/** The handle passed to a transaction callback: one pooled connection. */
class MysqlTransactionDb implements Db {
  readonly dialect = "mysql" as const;

  constructor(
    private readonly connection: PoolConnection,
    readonly displayUrl: string,
    readonly tables: TableNames,
    readonly capabilities: DbCapabilities,
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
    readonly capabilities: DbCapabilities,
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
        this.capabilities,
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

async function readServerVersion(pool: Pool): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT VERSION() AS version",
  );
  return String(rows[0]?.["version"] ?? "");
}

/**
 * Opens a connection pool and checks that the server is reachable and
 * recent enough, so a wrong URL fails here rather than at the first job.
 * `skipLocked` overrides the SKIP LOCKED support read from the version.
 */
export async function openMysqlDb(
  target: MysqlTarget,
  displayUrl: string,
  tables: TableNames,
  connectionLimit: number,
  skipLocked?: boolean,
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
  // READ COMMITTED takes no gap locks on searches and deletes, so workers
  // that replace different posts' chunk and token rows at once do not
  // deadlock on the index gaps between them, as they do under InnoDB's
  // default REPEATABLE READ. Claims lock the rows they read either way.
  pool.on("connection", (connection) => {
    connection.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
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
  let capabilities: DbCapabilities;
  try {
    const parsed = parseServerVersion(version);
    checkServerVersion(parsed, displayUrl);
    capabilities = detectCapabilities(parsed, displayUrl, skipLocked);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new MysqlDb(pool, displayUrl, tables, capabilities);
}
