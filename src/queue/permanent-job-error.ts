/**
 * An error after which running the job again cannot succeed, such as input
 * that the embedding API rejects. `failJob` dead-letters the job at once,
 * whatever attempts it has left.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/** True when `error`, or an error in its `cause` chain, is a PermanentJobError. */
export function isPermanentJobError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof PermanentJobError) return true;
    current = current.cause;
  }
  return false;
}
