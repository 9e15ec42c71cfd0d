import { isRetryableError, StoreError } from "./errors.js";

/** Attempts per transaction, counting the first. */
export const TRANSACTION_MAX_TRIES = 3;

/** Base wait before a retry; each retry waits base * 2^(try-1) plus jitter. */
const RETRY_BASE_WAIT_MS = 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` and reruns it after a short jittered wait when it fails with
 * a retryable database error (see `isRetryableError`), up to `maxTries`
 * times. When every try failed that way, raises a StoreError with code
 * RETRIES_EXHAUSTED whose `cause` is the last database error. Any other
 * error is rethrown as it is, with the first failure kept as `cause` when
 * they differ.
 */
export async function retryTransaction<T>(
  attempt: () => Promise<T>,
  maxTries = TRANSACTION_MAX_TRIES,
): Promise<T> {
  let firstError: unknown;
  for (let tryNumber = 1; ; tryNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      firstError ??= error;
      if (!isRetryableError(error)) {
        throw attachFirstCause(error, firstError);
      }
      if (tryNumber >= maxTries) {
        throw toRetriesExhaustedError(error, tryNumber);
      }
      const backoff = RETRY_BASE_WAIT_MS * 2 ** (tryNumber - 1);
      await sleep(backoff + Math.random() * RETRY_BASE_WAIT_MS);
    }
  }
}

function toRetriesExhaustedError(error: unknown, tries: number): StoreError {
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(
    "RETRIES_EXHAUSTED",
    `Transaction failed after ${tries} tries with a transient database ` +
      `error (deadlock, lock wait timeout, busy database or lost ` +
      `connection); the last one was: ${message}`,
    { cause: error },
  );
}

function attachFirstCause(error: unknown, firstError: unknown): unknown {
  if (error !== firstError && error instanceof Error && !error.cause) {
    Object.defineProperty(error, "cause", {
      value: firstError,
      configurable: true,
      writable: true,
    });
  }
  return error;
}
