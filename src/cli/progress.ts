/**
 * Progress of a long command: a status line redrawn in place on a terminal,
 * and a log line every LOG_EVERY_MS otherwise.
 */
import type { Logger } from "pino";

const REDRAW_EVERY_MS = 100;
const LOG_EVERY_MS = 5000;

export class Progress {
  readonly #label: string;
  readonly #log: Logger;
  readonly #tty = process.stderr.isTTY === true;
  readonly #started = performance.now();
  #count = 0;
  #lastShown = 0;
  #lineShown = false;

  constructor(label: string, log: Logger) {
    this.#label = label;
    this.#log = log;
  }

  /** Counts `count` items done (default 1); `detail` describes the totals so far. */
  tick(detail: string, count = 1): void {
    this.#count += count;
    const now = performance.now();
    if (now - this.#lastShown < (this.#tty ? REDRAW_EVERY_MS : LOG_EVERY_MS)) return;
    this.#lastShown = now;
    this.#show(detail);
  }

  /** Removes the status line so that a log line can be printed. */
  clear(): void {
    if (this.#lineShown) process.stderr.write("\r\u001b[2K");
    this.#lineShown = false;
  }

  done(): void {
    this.clear();
  }

  #show(detail: string): void {
    const seconds = (performance.now() - this.#started) / 1000;
    const rate = seconds > 0 ? this.#count / seconds : 0;
    if (!this.#tty) {
      this.#log.info({ done: this.#count, perSecond: Math.round(rate) }, `${this.#label}: ${detail}`);
      return;
    }
    process.stderr.write(`\r\u001b[2K${this.#label}: ${detail} (${this.#count} at ${rate.toFixed(0)}/s)`);
    this.#lineShown = true;
  }
}
