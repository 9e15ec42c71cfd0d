/**
 * MySQL/MariaDB version checks, from the output of `SELECT VERSION()`, such
 * as `8.0.36` or `10.11.19-MariaDB-0+deb12u1`.
 *
 * The schema needs stored generated columns with a unique index in MySQL's
 * syntax: MySQL 5.7 (first GA release 5.7.9) and MariaDB 10.2 (MariaDB
 * Knowledge Base, "Generated Columns"). `FOR UPDATE SKIP LOCKED` came in
 * MySQL 8.0.1 (MySQL blog, "MySQL 8.0.1: Using SKIP LOCKED and NOWAIT") and
 * MariaDB 10.6 (MariaDB Knowledge Base, "SELECT"). Older servers claim jobs
 * with the claim-token strategy instead.
 *
 * NOTE: only MariaDB 10.11 was run here; the claim-token path is tested on
 * it with SKIP LOCKED turned off, not on an older server.
 */
import type { DbCapabilities } from "./db.js";
import { StoreError } from "./errors.js";

export interface ServerVersion {
  product: "MySQL" | "MariaDB";
  /** Major, minor and patch numbers; missing parts are 0. */
  numbers: [number, number, number];
  /** The string the server returned. */
  text: string;
}

const MIN_VERSION = {
  MySQL: [5, 7, 9],
  MariaDB: [10, 2, 1],
} as const;

const MIN_SKIP_LOCKED_VERSION = {
  MySQL: [8, 0, 1],
  MariaDB: [10, 6, 0],
} as const;

/** Parses the leading `major.minor.patch` of a server version string. */
export function parseServerVersion(text: string): ServerVersion {
  const parts = (text.match(/^\d+(\.\d+){0,2}/)?.[0] ?? "0")
    .split(".")
    .map(Number);
  return {
    product: /mariadb/i.test(text) ? "MariaDB" : "MySQL",
    numbers: [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0],
    text,
  };
}

function isVersionAtLeast(
  actual: readonly number[],
  minimum: readonly number[],
): boolean {
  for (let i = 0; i < minimum.length; i += 1) {
    const part = actual[i] ?? 0;
    const required = minimum[i] ?? 0;
    if (part !== required) {
      return part > required;
    }
  }
  return true;
}

/** Rejects a server too old for the schema, naming its version. */
export function checkServerVersion(
  version: ServerVersion,
  displayUrl: string,
): void {
  const minimum = MIN_VERSION[version.product];
  if (!isVersionAtLeast(version.numbers, minimum)) {
    throw new StoreError(
      "UNSUPPORTED_SERVER",
      `Unsupported server at ${displayUrl}: ${version.product} ` +
        `${version.text}; ${version.product} ${minimum.join(".")} or later ` +
        "is required (stored generated columns with a unique index).",
    );
  }
}

/**
 * Computes the capabilities of a server. `skipLockedOverride` false turns
 * SKIP LOCKED off on a server that has it. True is rejected on a server
 * without it, because every statement using it would fail.
 */
export function detectCapabilities(
  version: ServerVersion,
  displayUrl: string,
  skipLockedOverride?: boolean,
): DbCapabilities {
  const minimum = MIN_SKIP_LOCKED_VERSION[version.product];
  const supported = isVersionAtLeast(version.numbers, minimum);
  if (skipLockedOverride === true && !supported) {
    throw new StoreError(
      "UNSUPPORTED_SERVER",
      `Invalid skipLocked true for ${displayUrl}: ${version.product} ` +
        `${version.text} lacks FOR UPDATE SKIP LOCKED, which needs ` +
        `${version.product} ${minimum.join(".")} or later; omit the option.`,
    );
  }
  return { skipLocked: skipLockedOverride ?? supported };
}
