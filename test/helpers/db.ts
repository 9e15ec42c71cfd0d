/**
 * Test databases for the contract suites: one target per dialect, and for
 * the queue one more per MySQL claim strategy. Each target creates a fresh
 * database (a temp SQLite file, or a new MariaDB/MySQL database), so test
 * files running in parallel never share tables.
 *
 * MariaDB/MySQL comes from WPLLMSEO_TEST_MYSQL (default
 * mysql://root@127.0.0.1:3306/test). When it is unreachable the MySQL
 * targets are skipped, unless WPLLMSEO_REQUIRE_MYSQL=1, which makes loading
 * fail.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll } from "vitest";

import type { ClaimStrategy } from "../../src/queue/types.js";
import type { Db, Dialect } from "../../src/store/db.js";
import { upgrade } from "../../src/store/migrate.js";
import { openDb } from "../../src/store/open-db.js";
import type { OpenDbOptions } from "../../src/store/open-db.js";

export const DEFAULT_TEST_MYSQL_URL = "mysql://root@127.0.0.1:3306/test";

export interface TestDatabase {
  url: string;
  /** Opens a new connection (SQLite) or pool (MySQL) to this database. */
  open(options?: OpenDbOptions): Promise<Db>;
  /** Opens a connection with a fresh prefix and the schema applied. */
  openMigrated(options?: OpenDbOptions): Promise<Db>;
  /** Closes every Db opened here and deletes the database. */
  drop(): Promise<void>;
}

export interface DialectTarget {
  dialect: Dialect;
  /** Name shown in test titles, such as "mysql (claim token)". */
  label: string;
  /**
   * The ClaimStrategy that "auto" resolves to on this target's Dbs, when it
   * is not the server's default. For "claim-token" the Dbs open with
   * `skipLocked: false`, so stale-job recovery also runs as on a server
   * without SKIP LOCKED. Typed `string` so that suites may extend targets
   * with their own strategy names.
   */
  claimStrategy?: string;
  /** Why this target is skipped, or null when it is available. */
  skipReason: string | null;
  createDatabase(): Promise<TestDatabase>;
}

/** Returns a random table prefix, so tests in one database never share tables. */
export function uniquePrefix(): string {
  return `t${randomBytes(4).toString("hex")}_`;
}

function trackOpens(
  url: string,
  drop: () => Promise<void>,
  defaults: OpenDbOptions = {},
): TestDatabase {
  const opened: Db[] = [];
  const open = async (options?: OpenDbOptions): Promise<Db> => {
    const db = await openDb(url, { ...defaults, ...options });
    opened.push(db);
    return db;
  };
  return {
    url,
    open,
    async openMigrated(options?: OpenDbOptions): Promise<Db> {
      const db = await open({ prefix: uniquePrefix(), ...options });
      await upgrade(db);
      return db;
    },
    async drop(): Promise<void> {
      for (const db of opened.splice(0)) {
        await db.close().catch(() => undefined);
      }
      await drop();
    },
  };
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "wpllmseo-test-"));
  const url = `sqlite:${join(dir, "test.db")}`;
  return trackOpens(url, () => rm(dir, { recursive: true, force: true }));
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function createMysqlDatabase(
  serverUrl: string,
  defaults: OpenDbOptions = {},
): Promise<TestDatabase> {
  const name = `wpllmseo_t_${randomBytes(6).toString("hex")}`;
  const admin = await openDb(serverUrl);
  try {
    await admin.execute(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  } finally {
    await admin.close();
  }
  return trackOpens(withDatabaseName(serverUrl, name), async () => {
    const dropper = await openDb(serverUrl);
    try {
      await dropper.execute(`DROP DATABASE IF EXISTS ${name}`);
    } finally {
      await dropper.close();
    }
  }, defaults);
}

async function probeMysql(serverUrl: string): Promise<string | null> {
  try {
    const db = await openDb(serverUrl);
    await db.close();
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env["WPLLMSEO_REQUIRE_MYSQL"] === "1") {
      throw new Error(
        `WPLLMSEO_REQUIRE_MYSQL=1 but MySQL/MariaDB is unreachable: ${reason}`,
        { cause: error },
      );
    }
    return (
      `MySQL/MariaDB tests skipped: ${reason} ` +
      "Set WPLLMSEO_TEST_MYSQL to a reachable server to run them."
    );
  }
}

function readTestServerUrl(): string {
  return process.env["WPLLMSEO_TEST_MYSQL"] || DEFAULT_TEST_MYSQL_URL;
}

let mysqlProbe: Promise<string | null> | null = null;

/** Probes MySQL/MariaDB once per test file and warns when it is skipped. */
function probeMysqlOnce(serverUrl: string): Promise<string | null> {
  mysqlProbe ??= probeMysql(serverUrl).then((reason) => {
    if (reason) {
      console.warn(reason);
    }
    return reason;
  });
  return mysqlProbe;
}

/** Builds one target per dialect, probing MySQL/MariaDB once. */
export async function loadDialectTargets(): Promise<DialectTarget[]> {
  const serverUrl = readTestServerUrl();
  const mysqlSkipReason = await probeMysqlOnce(serverUrl);
  return [
    {
      dialect: "sqlite",
      label: "sqlite",
      skipReason: null,
      createDatabase: createSqliteDatabase,
    },
    {
      dialect: "mysql",
      label: "mysql",
      skipReason: mysqlSkipReason,
      createDatabase: () => createMysqlDatabase(serverUrl),
    },
  ];
}

/**
 * Builds the queue's targets: the dialect targets plus MySQL/MariaDB with
 * the claim-token strategy, which servers without SKIP LOCKED use.
 */
export async function loadQueueTargets(): Promise<DialectTarget[]> {
  const targets = await loadDialectTargets();
  const mysql = targets.find((target) => target.dialect === "mysql");
  if (!mysql) {
    return targets;
  }
  const serverUrl = readTestServerUrl();
  const strategy: ClaimStrategy = "claim-token";
  const claimToken: DialectTarget = {
    dialect: "mysql",
    label: "mysql (claim token)",
    claimStrategy: strategy,
    skipReason: mysql.skipReason,
    createDatabase: () => createMysqlDatabase(serverUrl, { skipLocked: false }),
  };
  return [...targets, claimToken];
}

/**
 * Creates one database for the enclosing describe block before its tests
 * and drops it after them; nothing is created for a skipped target. The
 * returned handle forwards to that database and raises when used from a
 * skipped target.
 */
export function useTestDatabase(target: DialectTarget): TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (!target.skipReason) {
      database = await target.createDatabase();
    }
  });
  afterAll(async () => {
    await database?.drop();
  });
  const current = (): TestDatabase => {
    if (!database) {
      throw new Error(`No test database for ${target.label}: ${target.skipReason ?? "beforeAll has not run"}`);
    }
    return database;
  };
  return {
    get url() {
      return current().url;
    },
    open: (options) => current().open(options),
    openMigrated: (options) => current().openMigrated(options),
    drop: () => current().drop(),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
