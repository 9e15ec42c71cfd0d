import type { TableNames } from "./db.js";
import { StoreError } from "./errors.js";

export const DEFAULT_TABLE_PREFIX = "wp_";

/**
 * A letter or `_` first: MySQL reads an unquoted name such as `1e1_jobs` as
 * a number, and SQLite rejects one that starts with a digit.
 */
const PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** Rejects a table prefix that is not 1-32 ASCII letters, digits or `_` starting with a letter or `_`. */
export function validatePrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new StoreError(
      "INVALID_PREFIX",
      `Invalid table prefix ${JSON.stringify(prefix)}: use 1-32 characters ` +
        "from A-Z, a-z, 0-9 and _, starting with a letter or _ (for example wp_).",
    );
  }
  return prefix;
}

/** Builds the engine's table names for a validated prefix. */
export function buildTableNames(prefix: string): TableNames {
  const base = `${validatePrefix(prefix)}wpllmseo_`;
  return {
    posts: `${base}posts`,
    jobs: `${base}jobs`,
    deadLetter: `${base}jobs_dead_letter`,
    tokens: `${base}tokens`,
    chunks: `${base}chunks`,
    snippets: `${base}snippets`,
    meta: `${base}meta`,
  };
}

/** Returns the prefix that `buildTableNames` applied to `tables`. */
export function readTablePrefix(tables: TableNames): string {
  return tables.meta.slice(0, -"wpllmseo_meta".length);
}
