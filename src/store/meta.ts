/** Named values in the meta table, like WordPress options: the schema version, sync watermarks. */
import type { Db } from "./db.js";

/** Reads a meta value, or null when the name has none. */
export async function readMeta(db: Db, name: string): Promise<string | null> {
  const rows = await db.query(`SELECT value FROM ${db.tables.meta} WHERE name = ?`, [name]);
  const value = rows[0]?.["value"];
  return typeof value === "string" ? value : null;
}

/** Inserts or replaces a meta value. */
export async function writeMeta(db: Db, name: string, value: string): Promise<void> {
  const sql =
    db.dialect === "mysql"
      ? `INSERT INTO ${db.tables.meta} (name, value) VALUES (?, ?) ` +
        "ON DUPLICATE KEY UPDATE value = VALUES(value)"
      : `INSERT INTO ${db.tables.meta} (name, value) VALUES (?, ?) ` +
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
  await db.execute(sql, [name, value]);
}
