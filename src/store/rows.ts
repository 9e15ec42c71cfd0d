/**
 * Row helpers: the drivers return integers as bigint (SQLite with safe
 * integers), decimal strings (mysql2 with bigNumberStrings) or numbers, and
 * the engine keeps ids as decimal strings so ids above 2^53 stay exact.
 */

/** Converts an integer column value to a decimal string id. */
export function toId(value: unknown): string {
  if (typeof value === "bigint") {
    return value.toString();
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    return String(value);
  }
  if (typeof value === "string" && /^-?\d+$/.test(value)) {
    return value;
  }
  throw new TypeError(`Invalid id: ${String(value)} is not an integer`);
}

/** Converts an id column value to a decimal string, or null for SQL NULL. */
export function toIdOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toId(value);
}

/**
 * Converts a count or small integer column value to a number. Values outside
 * the safe-integer range raise instead of losing precision.
 */
export function toInt(value: unknown): number {
  const number =
    typeof value === "bigint" || typeof value === "string"
      ? Number(value)
      : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number)) {
    throw new TypeError(
      `Invalid integer: ${String(value)} is not a safe integer`,
    );
  }
  return number;
}

/** Converts a numeric column value (FLOAT, DOUBLE, computed ages) to a number. */
export function toNumber(value: unknown): number {
  const number = typeof value === "number" ? value : Number(value);
  if (value === null || value === undefined || Number.isNaN(number)) {
    throw new TypeError(`Invalid number: ${String(value)}`);
  }
  return number;
}

/**
 * Converts a decimal string id to a bind parameter. Both drivers bind a
 * bigint as a 64-bit integer, whereas a string would be compared as text
 * (SQLite IN lists) or as a double (MySQL), which is inexact above 2^53.
 */
export function toIdParam(id: string): bigint {
  return BigInt(id);
}
