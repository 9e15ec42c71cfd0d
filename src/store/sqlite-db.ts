/**
 * SQLite adapter (better-sqlite3). Statements run synchronously, so one
 * async mutex per database file serializes the transactions and statements
 * of every connection this process opens on that file. Other processes wait
 * for SQLite's own write lock through busy_timeout.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import Database from "better-sqlite3";

import type {
  Db,
  DbCapabilities,
  ExecuteResult,
  Row,
  TableNames,
} from "./db.js";
import { StoreError } from "./errors.js";
import { Mutex } from "./mutex.js";
import { retryTransaction } from "./retry.js";
import { toId } from "./rows.js";

type Connection = Database.Database;

/** SQLite has no row locks, so no SKIP LOCKED: writers take the file lock. */
const SQLITE_CAPABILITIES: DbCapabilities = Object.freeze({ skipLocked: false });

/**
 * Page cache per connection, in KiB (better-sqlite3 12 builds SQLite with
 * 16,000 KiB). The vector index load reads every chunk row once, which
 * filled that cache with pages no search reads again, and the memory stayed
 * with the process. The file's pages stay in the OS page cache either way.
 * On 10,000 synthetic posts (2-core host), 2,048 KiB cut the RSS growth of
 * a searching process from 48-52 to 30-36 MiB (bench/search-memory.ts),
 * with search p50 and the indexing time of 3,000 posts within the noise
 * of side-by-side runs.
 */
const PAGE_CACHE_KIB = 2048;

/** Default wait for another process's write lock before SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The transaction open in the current async context, if any. */
interface OpenTransaction {
  connection: Connection;
  mutex: Mutex;
  open: boolean;
}

const currentTransaction = new AsyncLocalStorage<OpenTransaction>();

interface SharedLock {
  mutex: Mutex;
  users: number;
}

const fileLocks = new Map<string, SharedLock>();

function acquireFileLock(key: string): Mutex {
  const lock = fileLocks.get(key) ?? { mutex: new Mutex(), users: 0 };
  lock.users += 1;
  fileLocks.set(key, lock);
  return lock.mutex;
}

function releaseFileLock(key: string): void {
  const lock = fileLocks.get(key);
  if (lock && --lock.users <= 0) {
    fileLocks.delete(key);
  }
}

/** better-sqlite3 binds neither booleans nor undefined. */
function toSqliteParams(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    if (typeof value === "boolean") {
      return value ? 1 : 0;
    }
    return value === undefined ? null : value;
  });
}

const INSERT_PATTERN = /^\s*(INSERT|REPLACE)\b/i;

/** Runs one statement on a connection that the caller has exclusive use of. */
class StatementRunner {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly connection: Connection) {}

  query(sql: string, params: readonly unknown[]): Row[] {
    const statement = this.prepare(sql);
    const values = toSqliteParams(params);
    if (!statement.reader) {
      statement.run(...values);
      return [];
    }
    return statement.all(...values) as Row[];
  }

  execute(sql: string, params: readonly unknown[]): ExecuteResult {
    const statement = this.prepare(sql);
    const values = toSqliteParams(params);
    if (statement.reader) {
      const rows = statement.all(...values);
      return { affectedRows: rows.length, insertId: null };
    }
    const info = statement.run(...values);
    const inserted = info.changes > 0 && INSERT_PATTERN.test(sql);
    return {
      affectedRows: info.changes,
      insertId: inserted ? toId(info.lastInsertRowid) : null,
    };
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      // NOTE: the cache is cleared, not evicted one by one, at 500 entries.
      if (this.cache.size >= 500) {
        this.cache.clear();
      }
      this.cache.set(sql, statement);
    }
    return statement;
  }
}

/** The handle passed to a transaction callback: runs statements directly. */
class SqliteTransactionDb implements Db {
  readonly dialect = "sqlite" as const;
  readonly capabilities = SQLITE_CAPABILITIES;

  constructor(
    private readonly runner: StatementRunner,
    readonly displayUrl: string,
    readonly tables: TableNames,
  ) {}

  async query<T extends Row = Row>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    return this.runner.query(sql, params) as T[];
  }

  async execute(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<ExecuteResult> {
    return this.runner.execute(sql, params);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    throw new Error("close() is not available inside a transaction");
  }
}

export class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;
  readonly capabilities = SQLITE_CAPABILITIES;
  private readonly runner: StatementRunner;
  private readonly handle: SqliteTransactionDb;
  private readonly mutex: Mutex;
  private readonly lockKey: string;

  constructor(
    private readonly connection: Connection,
    readonly displayUrl: string,
    readonly tables: TableNames,
  ) {
    this.runner = new StatementRunner(connection);
    this.handle = new SqliteTransactionDb(this.runner, displayUrl, tables);
    this.lockKey = connection.memory
      ? `memory:${Math.random()}`
      : resolvePath(connection.name);
    this.mutex = acquireFileLock(this.lockKey);
  }

  query<T extends Row = Row>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    return this.runStatement(() => this.runner.query(sql, params) as T[]);
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<ExecuteResult> {
    return this.runStatement(() => this.runner.execute(sql, params));
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.isInsideOwnTransaction()) {
      return fn(this.handle);
    }
    return retryTransaction(() =>
      this.mutex.runExclusive(() => this.runTransaction(fn)),
    );
  }

  async close(): Promise<void> {
    await this.mutex.runExclusive(async () => {
      this.connection.close();
    });
    releaseFileLock(this.lockKey);
  }

  private async runTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const state: OpenTransaction = {
      connection: this.connection,
      mutex: this.mutex,
      open: true,
    };
    this.connection.exec("BEGIN IMMEDIATE");
    try {
      const result = await currentTransaction.run(state, () =>
        fn(this.handle),
      );
      this.connection.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.connection.inTransaction) {
        this.connection.exec("ROLLBACK");
      }
      throw error;
    } finally {
      state.open = false;
    }
  }

  /**
   * Runs one statement once no transaction of this file is open. A call
   * through the root handle from inside this connection's own transaction
   * joins it, because SQLite has only that one connection to run it on.
   */
  private async runStatement<T>(run: () => T): Promise<T> {
    if (this.isInsideOwnTransaction()) {
      return run();
    }
    return this.mutex.runExclusive(async () => run());
  }

  /**
   * True inside this connection's open transaction. Raises inside another
   * connection's transaction on the same file, where waiting for the file's
   * mutex would never end.
   */
  private isInsideOwnTransaction(): boolean {
    const state = currentTransaction.getStore();
    if (state?.open !== true) {
      return false;
    }
    if (state.connection === this.connection) {
      return true;
    }
    if (state.mutex === this.mutex) {
      throw new Error(
        `A statement on ${this.displayUrl} was issued inside a transaction ` +
          "of another connection to the same file, which would deadlock; " +
          "use the transaction's handle instead.",
      );
    }
    return false;
  }
}

/**
 * Opens a SQLite database file (or `:memory:`) with the engine's settings.
 * `busyTimeoutMs` is how long a statement waits for another process's write
 * lock before it fails with SQLITE_BUSY.
 */
export function openSqliteDb(
  path: string,
  displayUrl: string,
  tables: TableNames,
  busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS,
  mustExist = false,
  urlOption = "--db",
): SqliteDb {
  const connection = openConnection(path, displayUrl, mustExist, urlOption);
  try {
    // busy_timeout goes first so that the other settings wait for a writer.
    connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!connection.memory) {
      connection.pragma("journal_mode = WAL");
      // In WAL mode NORMAL loses no committed transaction when the process
      // is killed; only an OS crash or power loss can drop the last commits.
      connection.pragma("synchronous = NORMAL");
    }
    connection.pragma("foreign_keys = ON");
    connection.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  } catch (error) {
    connection.close();
    throw settingsError(error, path, displayUrl, urlOption);
  }
  connection.defaultSafeIntegers(true);
  return new SqliteDb(connection, displayUrl, tables);
}

/** Describes a failure of the first statements on a file, most often a file that is not a SQLite database. */
function settingsError(error: unknown, path: string, displayUrl: string, urlOption: string): StoreError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const message =
    code === "SQLITE_NOTADB"
      ? `${path} (${displayUrl}) is not a SQLite database: ${reason}. Pass ${urlOption} sqlite:<path> with the engine's database file, or a path that does not exist yet to create one.`
      : `Failed to set up the SQLite database ${path} (${displayUrl}): ${reason}.`;
  return new StoreError("CONNECTION_FAILED", message, { cause: error });
}

function openConnection(path: string, displayUrl: string, mustExist: boolean, urlOption: string): Database.Database {
  if (path !== ":memory:" && existsSync(path) && statSync(path).isDirectory()) {
    throw new StoreError("CONNECTION_FAILED", `${path} (${displayUrl}) is a folder: pass ${urlOption} sqlite:<path of a file>, such as sqlite:${join(path, "wpllmseo.db")}.`);
  }
  const folder = dirname(path);
  if (path !== ":memory:" && !existsSync(folder)) {
    throw new StoreError("CONNECTION_FAILED", `The folder ${folder} of the SQLite database ${path} (${displayUrl}) does not exist: create it or pass another ${urlOption}.`);
  }
  if (mustExist && path !== ":memory:" && !existsSync(path)) {
    throw new StoreError(
      "CONNECTION_FAILED",
      urlOption === "--db"
        ? `No SQLite database at ${path} (${displayUrl}): import posts or run \`wpllmseo upgrade\` first, or pass --db.`
        : `No SQLite database at ${path} (${displayUrl}): pass ${urlOption} with the path of an existing database.`,
    );
  }
  try {
    return new Database(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      "CONNECTION_FAILED",
      `Failed to open the SQLite database ${path}: ${reason}. Check that the folder exists and is writable.`,
      { cause: error },
    );
  }
}
