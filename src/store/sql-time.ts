/**
 * The database clock. Every stored time is UTC and comes from the server
 * that compares it, so a client's time zone (process.env.TZ) and MySQL's
 * session time_zone never enter a comparison.
 *
 * Stored format: MySQL DATETIME(6); SQLite TEXT 'YYYY-MM-DD HH:MM:SS.ffffff',
 * which sorts in time order. SQLite's clock has millisecond resolution, so
 * its last three digits are always 000.
 */
import type { Db } from "./db.js";

/** A Db, a transaction handle, or anything else that names its dialect. */
type DialectSource = Pick<Db, "dialect">;

const SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'";

/** SQL expression for the current UTC time. */
export function sqlNow({ dialect }: DialectSource): string {
  return dialect === "mysql" ? "UTC_TIMESTAMP(6)" : `(${SQLITE_NOW})`;
}

/**
 * SQL expression for the current UTC time plus an offset, with one `?`
 * placeholder that takes `offsetParam(db, ms)`.
 */
export function sqlNowPlus({ dialect }: DialectSource): string {
  return dialect === "mysql"
    ? "(UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)"
    : "(strftime('%Y-%m-%d %H:%M:%f', 'now', ?) || '000')";
}

/**
 * Bind value for the placeholder in `sqlNowPlus`, from milliseconds:
 * whole microseconds on MySQL, a modifier in whole milliseconds on SQLite.
 */
export function offsetParam(
  { dialect }: DialectSource,
  ms: number,
): number | string {
  if (dialect === "mysql") {
    return Math.round(ms * 1000);
  }
  const wholeMs = Math.round(ms);
  const sign = wholeMs < 0 ? "-" : "+";
  return `${sign}${(Math.abs(wholeMs) / 1000).toFixed(3)} seconds`;
}

/**
 * SQL expression for the seconds elapsed from a stored time column to now,
 * as a fractional number. SQLite subtracts Unix times rounded to its
 * millisecond clock; a difference of Julian days would carry about 15 µs
 * of floating-point error.
 */
export function sqlSecondsSince(
  { dialect }: DialectSource,
  column: string,
): string {
  return dialect === "mysql"
    ? `(TIMESTAMPDIFF(MICROSECOND, ${column}, UTC_TIMESTAMP(6)) / 1000000)`
    : `ROUND(unixepoch('now', 'subsec') - unixepoch(${column}, 'subsec'), 3)`;
}
