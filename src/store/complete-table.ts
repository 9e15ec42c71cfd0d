/**
 * Brings a table that already exists up to its CREATE TABLE statement by
 * adding the columns and indexes it lacks, as on tables the PHP plugin
 * created before 1.2.0. Nothing is dropped, renamed or retyped, and rows
 * keep their values; a new column gets its default, or a backfill where it
 * has none.
 */
import type { Db } from "./db.js";
import { sqlNow } from "./sql-time.js";

interface ColumnSpec {
  name: string;
  /** The column's definition as written in the migration, name included. */
  definition: string;
}

interface KeySpec {
  /** Index name; "" for SQLite's unnamed table constraints. */
  name: string;
  unique: boolean;
  columns: string[];
  /** The key as written in the migration, such as `KEY post_id (post_id)`. */
  definition: string;
}

interface TableSpec {
  table: string;
  columns: ColumnSpec[];
  keys: KeySpec[];
}

export interface ExistingIndex {
  name: string;
  unique: boolean;
  columns: string[];
}

const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*)\)[^)]*$/i;
const KEY_START = /^(PRIMARY KEY|UNIQUE KEY|UNIQUE|KEY|INDEX)\b/i;

/** Parses a migration's CREATE TABLE statement; returns null for any other statement. */
export function parseCreateTable(statement: string): TableSpec | null {
  const match = CREATE_TABLE.exec(statement.trim());
  if (!match) return null;
  const spec: TableSpec = { table: match[1] as string, columns: [], keys: [] };
  for (const part of splitTopLevel(match[2] as string)) {
    const keyMatch = KEY_START.exec(part);
    if (!keyMatch) {
      spec.columns.push({ name: part.split(/\s+/, 1)[0] as string, definition: part });
      continue;
    }
    const kind = (keyMatch[1] as string).toUpperCase();
    if (kind === "PRIMARY KEY") continue;
    const named = /^(?:UNIQUE KEY|KEY|INDEX)\s+(\w+)\s*\(([^)]*)\)/i.exec(part);
    const unnamed = /^UNIQUE\s*\(([^)]*)\)/i.exec(part);
    const columnList = named ? (named[2] as string) : (unnamed?.[1] ?? "");
    spec.keys.push({
      name: named ? (named[1] as string) : "",
      unique: kind.startsWith("UNIQUE"),
      columns: columnList.split(",").map((column) => column.trim()),
      definition: part,
    });
  }
  return spec;
}

/** Splits on commas outside parentheses and quotes. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === "(") depth++;
    else if (!quoted && char === ")") depth--;
    else if (!quoted && depth === 0 && char === ",") {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((part) => part.trim().replace(/\s+/g, " ")).filter((part) => part.length > 0);
}

/**
 * Adds the columns and indexes of `spec` that its table lacks and returns a
 * line for each addition. The table must exist.
 */
export async function completeTable(db: Db, spec: TableSpec): Promise<string[]> {
  const added: string[] = [];
  const existing = new Set(await readColumns(db, spec.table));
  for (const column of spec.columns) {
    if (existing.has(column.name.toLowerCase())) continue;
    await addColumn(db, spec.table, column);
    added.push(`column ${spec.table}.${column.name}`);
  }

  const indexes = await readIndexes(db, spec.table);
  const uniqueColumns = db.dialect === "sqlite" ? inlineUniqueColumns(spec, existing) : [];
  for (const key of [...spec.keys, ...uniqueColumns]) {
    if (indexes.some((index) => coversKey(index, key))) continue;
    const name = key.name || `${spec.table}_${key.columns.join("_")}`;
    const sql =
      db.dialect === "mysql"
        ? `ALTER TABLE ${spec.table} ADD ${key.definition}`
        : `CREATE ${key.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${name} ON ${spec.table} (${key.columns.join(", ")})`;
    const description = `${key.unique ? "unique index" : "index"} ${spec.table}.${name} (${key.columns.join(", ")})`;
    try {
      await db.execute(sql);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const fix = key.unique ? " Remove the rows that repeat these columns, then run upgrade again." : "";
      throw new Error(`Adding ${description} failed: ${reason}.${fix}`, { cause: error });
    }
    indexes.push({ name, unique: key.unique, columns: key.columns });
    added.push(description);
  }
  return added;
}

/** SQLite cannot add a UNIQUE column, so a column added here gets a unique index instead. */
function inlineUniqueColumns(spec: TableSpec, existingBefore: Set<string>): KeySpec[] {
  return spec.columns
    .filter((column) => /\bUNIQUE\b/i.test(column.definition) && !existingBefore.has(column.name.toLowerCase()))
    .map((column) => ({ name: "", unique: true, columns: [column.name], definition: "" }));
}

/** Checks whether an index serves a key: it has the key's name, or the same columns and at least its uniqueness. */
function coversKey(index: ExistingIndex, key: KeySpec): boolean {
  if (key.name !== "" && index.name.toLowerCase() === key.name.toLowerCase()) return true;
  const sameColumns =
    index.columns.length === key.columns.length &&
    index.columns.every((column, i) => column.toLowerCase() === (key.columns[i] as string).toLowerCase());
  return sameColumns && (index.unique || !key.unique);
}

async function addColumn(db: Db, table: string, column: ColumnSpec): Promise<void> {
  const plan = planColumn(db, table, column);
  await db.execute(`ALTER TABLE ${table} ADD COLUMN ${plan.addDefinition}`);
  if (plan.backfill === null) return;
  await db.execute(`UPDATE ${table} SET ${column.name} = ${plan.backfill} WHERE ${column.name} IS NULL`);
  if (db.dialect === "mysql") await db.execute(`ALTER TABLE ${table} MODIFY COLUMN ${column.definition}`);
}

interface ColumnPlan {
  /** The definition ADD COLUMN takes. */
  addDefinition: string;
  /** SQL expression that fills the column in existing rows, or null when its default does. */
  backfill: string | null;
}

/**
 * Plans how to add a column. A NOT NULL column without a constant default
 * is added as NULL, backfilled, and on MySQL then changed to its full
 * definition. SQLite's ADD COLUMN takes no UNIQUE, no NOT NULL without a
 * default and no expression default, so there the column stays nullable
 * and every INSERT of the engine writes it.
 */
function planColumn(db: Db, table: string, column: ColumnSpec): ColumnPlan {
  const definition = column.definition;
  if (/\bPRIMARY KEY\b|\bAUTO_INCREMENT\b/i.test(definition)) {
    throw new Error(`Cannot add the key column ${table}.${column.name} to an existing table: recreate the table.`);
  }
  const notNull = /\bNOT NULL\b/i.test(definition) && !/\bGENERATED\b/i.test(definition);
  if (db.dialect === "mysql") {
    if (!notNull || /\bDEFAULT\b/i.test(definition)) return { addDefinition: definition, backfill: null };
    return { addDefinition: definition.replace(/\bNOT NULL\b/i, "NULL"), backfill: backfillFor(db, table, column) };
  }

  let addDefinition = definition.replace(/\s+UNIQUE\b/i, "");
  const expressionDefault = /\s+DEFAULT\s*\(/i.exec(addDefinition);
  if (expressionDefault) addDefinition = addDefinition.slice(0, expressionDefault.index) + skipParenthesized(addDefinition, expressionDefault.index + expressionDefault[0].length - 1);
  if (!notNull || (/\bDEFAULT\b/i.test(addDefinition) && !expressionDefault)) return { addDefinition, backfill: null };
  return { addDefinition: addDefinition.replace(/\bNOT NULL\b/i, "NULL"), backfill: backfillFor(db, table, column) };
}

/** Returns what follows the parenthesized expression that opens at `open`. */
function skipParenthesized(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return text.slice(i + 1);
  }
  return "";
}

/** Time columns take the current UTC time; a dead letter's job type comes from its original job. */
function backfillFor(db: Db, table: string, column: ColumnSpec): string {
  const isTime = /\bDATETIME\b/i.test(column.definition) || /strftime\(/i.test(column.definition);
  if (isTime) return sqlNow(db);
  if (table === db.tables.deadLetter && column.name === "job_type") {
    return `COALESCE((SELECT j.job_type FROM ${db.tables.jobs} j WHERE j.id = ${table}.original_job_id), 'embed_post')`;
  }
  throw new Error(
    `Cannot add ${table}.${column.name}: it is NOT NULL without a default and existing rows have no value ` +
      `for it. Add it by hand as ${column.definition} with a value for each row, then run upgrade again.`,
  );
}

async function readColumns(db: Db, table: string): Promise<string[]> {
  const rows =
    db.dialect === "mysql"
      ? await db.query(
          "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?",
          [table],
        )
      : await db.query("SELECT name FROM pragma_table_info(?)", [table]);
  return rows.map((row) => String(row.name).toLowerCase());
}

/** Lists the indexes of `table` with their columns in key order. */
export async function readIndexes(db: Db, table: string): Promise<ExistingIndex[]> {
  if (db.dialect === "mysql") {
    const rows = await db.query(
      "SELECT index_name AS name, non_unique AS non_unique, column_name AS column_name FROM information_schema.statistics" +
        " WHERE table_schema = DATABASE() AND table_name = ? ORDER BY index_name, seq_in_index",
      [table],
    );
    const byName = new Map<string, ExistingIndex>();
    for (const row of rows) {
      const name = String(row.name);
      const index = byName.get(name) ?? { name, unique: Number(row.non_unique) === 0, columns: [] };
      index.columns.push(String(row.column_name));
      byName.set(name, index);
    }
    return [...byName.values()];
  }
  const list = await db.query(`SELECT name, "unique" AS is_unique FROM pragma_index_list(?)`, [table]);
  const indexes: ExistingIndex[] = [];
  for (const row of list) {
    const name = String(row.name);
    const columns = await db.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [name]);
    indexes.push({ name, unique: Number(row.is_unique) === 1, columns: columns.map((column) => String(column.name)) });
  }
  return indexes;
}
