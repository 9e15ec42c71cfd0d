/**
 * A first-in-first-out async mutex. better-sqlite3 runs each statement
 * synchronously, but a transaction spans several awaits, so without this
 * lock a second async caller could issue statements inside the first
 * caller's open transaction.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
