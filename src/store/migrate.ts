/**
 * Schema migrations: `migrations/<dialect>/*.sql`, applied in file-name
 * order with `{prefix}` replaced by the validated table prefix. Every
 * statement is CREATE ... IF NOT EXISTS, so applying them again is harmless,
 * and a table that already exists gets the columns and indexes of its
 * CREATE TABLE that it lacks.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { completeTable, parseCreateTable } from "./complete-table.js";
import type { Db, Dialect } from "./db.js";
import { readMeta, writeMeta } from "./meta.js";
import { readTablePrefix } from "./table-names.js";

export const SCHEMA_VERSION = "1.2.0";

/** Meta row name of the schema version, as the plugin names its option. */
export const DB_VERSION_NAME = "wpllmseo_db_version";

export interface UpgradeOptions {
  /** Apply the migrations even when the recorded version is current. */
  force?: boolean;
}

export interface UpgradeResult {
  previousVersion: string | null;
  version: string;
  /** False when the schema was already current and `force` was not set. */
  applied: boolean;
  /** Columns and indexes added to tables that already existed, such as `column wp_wpllmseo_jobs.max_attempts`. */
  added: string[];
}

/**
 * Finds `migrations/<dialect>` in the nearest ancestor of this module, which
 * is the package root both from `src/store` and from `dist/src/store`.
 */
function findMigrationsDir(dialect: Dialect): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "migrations", dialect);
    if (existsSync(candidate)) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Migrations not found: no migrations/${dialect} folder above ` +
          `${fileURLToPath(import.meta.url)}; reinstall the package.`,
      );
    }
    dir = parent;
  }
}

/** Splits a migration file into statements: `;` ends a statement at line end. */
function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n");
  return withoutComments
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

async function readMigrationStatements(db: Db): Promise<string[]> {
  const dir = findMigrationsDir(db.dialect);
  const files = (await readdir(dir)).filter((name) => name.endsWith(".sql"));
  const statements: string[] = [];
  for (const file of files.sort()) {
    const text = await readFile(join(dir, file), "utf8");
    const prefix = readTablePrefix(db.tables);
    statements.push(...splitStatements(text.replaceAll("{prefix}", prefix)));
  }
  return statements;
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  const rows =
    db.dialect === "mysql"
      ? await db.query(
          "SELECT 1 FROM information_schema.tables " +
            "WHERE table_schema = DATABASE() AND table_name = ?",
          [table],
        )
      : await db.query(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
          [table],
        );
  return rows.length > 0;
}

/** Reads the recorded schema version, or null when none is recorded. */
export async function readSchemaVersion(db: Db): Promise<string | null> {
  if (!(await tableExists(db, db.tables.meta))) {
    return null;
  }
  return readMeta(db, DB_VERSION_NAME);
}

/**
 * Creates any missing table, column or index and records SCHEMA_VERSION.
 * Tables that the PHP plugin created before 1.2.0 get what they lack with
 * ALTER TABLE: jobs without attempts, max_attempts, run_after or the lease
 * and claim columns, chunks with only the `embedding` BLOB, tokens without
 * the unique post-token key. No row, column or index is dropped or changed.
 * On MySQL each statement commits on its own; on SQLite all of them commit
 * together.
 */
export async function upgrade(
  db: Db,
  options: UpgradeOptions = {},
): Promise<UpgradeResult> {
  const previousVersion = await readSchemaVersion(db);
  if (previousVersion === SCHEMA_VERSION && !options.force) {
    return { previousVersion, version: SCHEMA_VERSION, applied: false, added: [] };
  }
  const statements = await readMigrationStatements(db);
  const added: string[] = [];
  const applyAll = async (target: Db): Promise<void> => {
    for (const statement of statements) {
      await target.execute(statement);
      const table = parseCreateTable(statement);
      if (table) added.push(...(await completeTable(target, table)));
    }
    await writeMeta(target, DB_VERSION_NAME, SCHEMA_VERSION);
  };
  if (db.dialect === "sqlite") {
    await db.transaction(applyAll);
  } else {
    await applyAll(db);
  }
  return { previousVersion, version: SCHEMA_VERSION, applied: true, added };
}
