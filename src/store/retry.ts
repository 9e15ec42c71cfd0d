import { isRetryableError } from "./errors.js";

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
 * times. The last error is rethrown, with the first failure kept as `cause`
 * when they differ.
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
      if (!isRetryableError(error) || tryNumber >= maxTries) {
        throw attachFirstCause(error, firstError);
      }
      const backoff = RETRY_BASE_WAIT_MS * 2 ** (tryNumber - 1);
      await sleep(backoff + Math.random() * RETRY_BASE_WAIT_MS);
    }
  }
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
