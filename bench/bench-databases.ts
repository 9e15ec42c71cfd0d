/**
 * Databases the benches create for themselves and remove afterwards: a
 * SQLite file in a new temp directory, or a database of their own
 * (`wpllmseo_bench` for search) on the MariaDB/MySQL server named by --mysql.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { openDb, redactUrl } from "../src/store/open-db.js";

export const MYSQL_BENCH_DATABASE = "wpllmseo_bench";

export interface BenchDatabase {
  dialect: "sqlite" | "mysql";
  url: string;
  /** Deletes the database and everything in it. */
  drop(): Promise<void>;
}

export async function createSqliteBenchDatabase(): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), "wpllmseo-bench-"));
  return {
    dialect: "sqlite",
    url: `sqlite:${path.join(dir, "bench.db")}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Creates the database `name` (default `wpllmseo_bench`) on the server of
 * `serverUrl`, replacing any copy a crashed earlier run left behind. Throws
 * when the server is unreachable. `name` must be a plain identifier.
 */
export async function createMysqlBenchDatabase(serverUrl: string, name = MYSQL_BENCH_DATABASE): Promise<BenchDatabase> {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) {
    throw new RangeError(`Invalid bench database name ${JSON.stringify(name)}: use 1-64 characters from [A-Za-z0-9_].`);
  }
  await runOnServer(serverUrl, [`DROP DATABASE IF EXISTS ${name}`, `CREATE DATABASE ${name} CHARACTER SET utf8mb4`]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dialect: "mysql",
    url: url.toString(),
    drop: () => runOnServer(serverUrl, [`DROP DATABASE IF EXISTS ${name}`]),
  };
}

async function runOnServer(serverUrl: string, statements: readonly string[]): Promise<void> {
  const admin = await openDb(serverUrl, { connectionLimit: 1 });
  try {
    for (const statement of statements) await admin.execute(statement);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`MariaDB/MySQL at ${redactUrl(serverUrl)} failed: ${reason}`, { cause: error });
  } finally {
    await admin.close();
  }
}
