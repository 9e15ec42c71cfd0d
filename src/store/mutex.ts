import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * A first-in-first-out async mutex. better-sqlite3 runs each statement
 * synchronously, but a transaction spans several awaits, so without this
 * lock a second async caller could issue statements inside the first
 * caller's open transaction.
 *
 * A holder that had to wait starts on a later turn of the event loop, not in
 * the microtask that released the lock. Otherwise a queue of waiters runs
 * one synchronous transaction after another without yielding, and timers
 * and signals (lease renewal, SIGTERM) wait for the whole queue. With eight
 * jobs at once on SQLite that blocked the event loop for up to 1.7 s.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  /** Holders and waiters that have not released yet. */
  private entered = 0;

  /** Runs `fn` once every earlier holder has finished. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    const mustWait = this.entered > 0;
    this.entered += 1;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    if (mustWait) {
      await previous;
      await nextTurn();
    }
    try {
      return await fn();
    } finally {
      this.entered -= 1;
      release();
    }
  }
}

