/**
 * The database contract shared by the SQLite and MySQL/MariaDB adapters.
 *
 * Every SQL operation in the engine is written against this interface, with
 * the two dialects' statements kept side by side where they differ.
 */

export type Dialect = "sqlite" | "mysql";

/** A result row as the driver returns it; map it with `toId`/`toInt`. */
export type Row = Record<string, unknown>;

export interface ExecuteResult {
  /** Rows changed (MySQL: matched rows are not counted, changed rows are). */
  affectedRows: number;
  /** Auto-increment id of the inserted row, as a decimal string. */
  insertId: string | null;
}

/** Fully qualified table names, each with the configured prefix applied. */
export interface TableNames {
  posts: string;
  jobs: string;
  deadLetter: string;
  tokens: string;
  chunks: string;
  snippets: string;
  meta: string;
}

/** Server features that change which SQL the engine sends. */
export interface DbCapabilities {
  /**
   * Support for `SELECT ... FOR UPDATE SKIP LOCKED` (MySQL 8.0.1+, MariaDB
   * 10.6+), detected from the server version when the Db opens unless
   * `OpenDbOptions.skipLocked` overrides it. Always false on SQLite.
   */
  skipLocked: boolean;
}

export interface Db {
  readonly dialect: Dialect;
  readonly capabilities: DbCapabilities;
  /** The connection URL with any password replaced by `***`. */
  readonly displayUrl: string;
  readonly tables: TableNames;
  query<T extends Row = Row>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<ExecuteResult>;
  /**
   * Runs `fn` in one transaction on one connection: commit when it resolves,
   * roll back when it throws. Nested calls join the outer transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
