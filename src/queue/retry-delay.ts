/** Largest exponent used, so 2^n stays finite for any attempt count. */
const MAX_EXPONENT = 40;

/**
 * Computes the wait before the next attempt after `attempts` failed ones:
 * 2^attempts seconds, capped at `maxDelayMs`, plus a uniform random 0-1 s
 * added after the cap so that capped retries still spread out.
 */
export function computeRetryDelayMs(
  attempts: number,
  maxDelayMs = Number.POSITIVE_INFINITY,
  random: () => number = Math.random,
): number {
  const exponential = 2 ** Math.min(attempts, MAX_EXPONENT) * 1000;
  return Math.min(exponential, maxDelayMs) + random() * 1000;
}
