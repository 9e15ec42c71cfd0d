/**
 * Checks that run before routing: the raw query string must be valid
 * percent-encoded UTF-8, and an id path parameter must fit the id column.
 */
import type { Dialect } from "../store/db.js";
import { HttpError } from "./errors.js";

/** Largest id a column can hold: BIGINT UNSIGNED on MySQL, INTEGER on SQLite. */
const MAX_ID: Record<Dialect, bigint> = {
  mysql: 18_446_744_073_709_551_615n,
  sqlite: 9_223_372_036_854_775_807n,
};

/** Pattern for id path parameters: a decimal integer without sign or leading zeros. */
export const ID_PATTERN = "^[1-9][0-9]{0,19}$";

/** Returns true when `id` (matching ID_PATTERN) can exist in a table of `dialect`. */
export function isStorableId(id: string, dialect: Dialect): boolean {
  return BigInt(id) <= MAX_ID[dialect];
}

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/**
 * Raises a 400 naming the parameter when the query string of `rawUrl` contains
 * a byte outside printable ASCII, a malformed percent escape such as `%zz`,
 * or escapes that decode to invalid UTF-8 such as `%C3%28`.
 */
export function checkQueryString(rawUrl: string): void {
  const start = rawUrl.indexOf("?");
  if (start === -1) return;
  for (const pair of rawUrl.slice(start + 1).split("&")) {
    const [rawName = "", ...rest] = pair.split("=");
    const name = decodeComponent(rawName) ?? rawName;
    const value = rest.join("=");
    if (/[^\x21-\x7e]/.test(pair)) {
      throw new HttpError(400, "INVALID_REQUEST", `Invalid query parameter ${JSON.stringify(name)}: percent-encode characters outside printable ASCII.`, name);
    }
    if (decodeComponent(rawName) === null || decodeComponent(value) === null) {
      throw new HttpError(
        400,
        "INVALID_REQUEST",
        `Invalid query parameter ${JSON.stringify(name)}: its percent-encoding is malformed or is not UTF-8; encode the value with encodeURIComponent.`,
        name,
      );
    }
  }
}
