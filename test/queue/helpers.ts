import type { Db, Row } from "../../src/store/db.js";
import { toIdParam } from "../../src/store/rows.js";
import { offsetParam, sqlNowPlus } from "../../src/store/sql-time.js";

/** Reads one job row by id. */
export async function readJob(db: Db, id: string): Promise<Row> {
  const rows = await db.query(`SELECT * FROM ${db.tables.jobs} WHERE id = ?`, [toIdParam(id)]);
  const row = rows[0];
  if (!row) {
    throw new Error(`Job ${id} not found`);
  }
  return row;
}

/** Makes a job ready now, whatever retry delay it was given. */
export async function makeJobReady(db: Db, id: string): Promise<void> {
  await db.execute(`UPDATE ${db.tables.jobs} SET run_after = ${sqlNowPlus(db)} WHERE id = ?`, [
    offsetParam(db, -1000),
    toIdParam(id),
  ]);
}

/** Moves a running job's lease into the past, as if its runner had stalled. */
export async function expireLease(db: Db, id: string): Promise<void> {
  await db.execute(`UPDATE ${db.tables.jobs} SET lease_expires_at = ${sqlNowPlus(db)} WHERE id = ?`, [
    offsetParam(db, -1000),
    toIdParam(id),
  ]);
}

/** Milliseconds between two stored UTC times ('YYYY-MM-DD HH:MM:SS.ffffff'). */
export function millisecondsBetween(from: unknown, to: unknown): number {
  const parse = (value: unknown): number => Date.parse(`${String(value).replace(" ", "T")}Z`);
  return parse(to) - parse(from);
}

/** Moves a time column of the given rows `days` days into the past. */
export async function backdate(
  db: Db,
  table: string,
  column: string,
  ids: readonly string[],
  days: number,
): Promise<void> {
  const idList = ids.map(() => "?").join(", ");
  await db.execute(`UPDATE ${table} SET ${column} = ${sqlNowPlus(db)} WHERE id IN (${idList})`, [
    offsetParam(db, -days * 86_400_000),
    ...ids.map(toIdParam),
  ]);
}

/** Returns the table prefix a Db was opened with. */
export function readPrefix(db: Db): string {
  return db.tables.meta.slice(0, -"wpllmseo_meta".length);
}
