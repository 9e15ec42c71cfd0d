/** Error classification by driver error code, shared by both dialects. */

/** Stable codes for store errors that a caller may handle. */
export type StoreErrorCode =
  | "INVALID_URL"
  | "INVALID_PREFIX"
  | "CONNECTION_FAILED"
  | "UNSUPPORTED_SERVER"
  | "RETRIES_EXHAUSTED";

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}

interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
}

function readDriverFields(error: unknown): DriverErrorFields {
  return typeof error === "object" && error !== null
    ? (error as DriverErrorFields)
    : {};
}

/** MySQL error numbers and client codes after which a transaction is retried. */
const MYSQL_DEADLOCK = 1213;
const MYSQL_LOCK_WAIT_TIMEOUT = 1205;
const MYSQL_SERVER_GONE = 2006;
const MYSQL_SERVER_LOST = 2013;
const LOST_CONNECTION_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "EPIPE",
]);

/** True when the connection the error came from can no longer be used. */
export function isLostConnectionError(error: unknown): boolean {
  const { code, errno } = readDriverFields(error);
  if (typeof code === "string" && LOST_CONNECTION_CODES.has(code)) {
    return true;
  }
  return errno === MYSQL_SERVER_GONE || errno === MYSQL_SERVER_LOST;
}

/**
 * True for errors after which rerunning the whole transaction may succeed:
 * MySQL deadlock (1213), lock wait timeout (1205), a lost connection, and
 * SQLite's SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT.
 */
export function isRetryableError(error: unknown): boolean {
  const { code, errno } = readDriverFields(error);
  if (errno === MYSQL_DEADLOCK || errno === MYSQL_LOCK_WAIT_TIMEOUT) {
    return true;
  }
  if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) {
    return true;
  }
  return isLostConnectionError(error);
}

/**
 * True for a retryable database error (see `isRetryableError`), or for the
 * RETRIES_EXHAUSTED error that `retryTransaction` raises once its bound is
 * reached. Either way the statement failed for a reason outside the job.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof StoreError) {
    return error.code === "RETRIES_EXHAUSTED";
  }
  return isRetryableError(error);
}

/** True for a unique-key violation: MySQL 1062 or SQLITE_CONSTRAINT_UNIQUE. */
export function isDuplicateKeyError(error: unknown): boolean {
  const { code, errno } = readDriverFields(error);
  return errno === 1062 || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** Wraps a thrown value that is not an Error, keeping it as `cause`. */
export function toError(value: unknown): Error {
  if (value instanceof Error) {
    return value;
  }
  return new Error(`Non-error value thrown: ${String(value)}`, {
    cause: value,
  });
}
