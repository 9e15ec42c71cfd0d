/**
 * Progress of a long command. On a terminal (stderr is a TTY) a status line
 * with a bar, the rate and the estimated time left is redrawn in place, and
 * log lines are printed above it. Elsewhere a structured log line is written
 * every LOG_EVERY_MS, the first one LOG_EVERY_MS after the start.
 */
import type { Logger } from "pino";

import { setStatusLine, type StatusLine } from "../status-line.js";

const REDRAW_EVERY_MS = 100;
const LOG_EVERY_MS = 5000;
const BAR_WIDTH = 24;

export interface ProgressOptions {
  /** Items expected; null when unknown, which shows no bar or ETA. */
  total?: number | null;
  /** Draw on the terminal; default: when stderr is a TTY. */
  tty?: boolean;
  /** Terminal output; default stderr. */
  output?: NodeJS.WritableStream;
}

/** Formats seconds as `42 s`, `3 min 5 s` or `2 h 4 min`. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

/** Draws `[#####.....]` for `done` of `total`. */
export function formatBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

export class Progress implements StatusLine {
  readonly #label: string;
  readonly #log: Logger;
  readonly #tty: boolean;
  readonly #output: NodeJS.WritableStream;
  readonly #started = performance.now();
  #total: number | null;
  #count = 0;
  #detail = "";
  #lastShown: number;
  #lineShown = false;

  constructor(label: string, log: Logger, options: ProgressOptions = {}) {
    this.#label = label;
    this.#log = log;
    this.#total = options.total ?? null;
    this.#tty = options.tty ?? process.stderr.isTTY === true;
    this.#output = options.output ?? process.stderr;
    // The bar shows the first item at once. Off a terminal the first line
    // waits LOG_EVERY_MS, so work shorter than that logs only its summary.
    this.#lastShown = this.#tty ? Number.NEGATIVE_INFINITY : this.#started;
    if (this.#tty) setStatusLine(this);
  }

  /** Sets the expected item count, for the bar and the ETA. */
  setTotal(total: number | null): void {
    this.#total = total;
  }

  /** Counts `count` items done (default 1); `detail` describes the totals so far. */
  tick(detail: string, count = 1): void {
    this.#count += count;
    this.#detail = detail;
    const now = performance.now();
    if (now - this.#lastShown < (this.#tty ? REDRAW_EVERY_MS : LOG_EVERY_MS)) return;
    this.#lastShown = now;
    if (this.#tty) this.redraw();
    else this.#logLine();
  }

  /** Erases the status line, so that other output can be printed. */
  clear(): void {
    if (this.#lineShown) this.#output.write("\r\u001b[2K");
    this.#lineShown = false;
  }

  /** Draws the status line with the latest count. */
  redraw(): void {
    if (!this.#tty || this.#count === 0) return;
    this.#output.write(`\r\u001b[2K${this.describe()}`);
    this.#lineShown = true;
  }

  /** Erases the status line and stops drawing it. */
  done(): void {
    this.clear();
    if (this.#tty) setStatusLine(null);
  }

  /** Returns the status text: label, bar and share when the total is known, count, rate, ETA and detail. */
  describe(): string {
    const { rate, etaSeconds } = this.#measure();
    const parts = [`${this.#label}:`];
    if (this.#total !== null && this.#total > 0) {
      const share = Math.min(100, (this.#count / this.#total) * 100);
      parts.push(formatBar(this.#count, this.#total), `${share.toFixed(0)}%`, `${this.#count}/${this.#total}`);
    } else {
      parts.push(String(this.#count));
    }
    parts.push(`${rate.toFixed(1)}/s`);
    if (etaSeconds !== null) parts.push(`ETA ${formatDuration(etaSeconds)}`);
    if (this.#detail) parts.push(`(${this.#detail})`);
    return parts.join(" ");
  }

  #measure(): { rate: number; etaSeconds: number | null } {
    const seconds = (performance.now() - this.#started) / 1000;
    const rate = seconds > 0 ? this.#count / seconds : 0;
    const left = this.#total === null ? null : Math.max(0, this.#total - this.#count);
    return { rate, etaSeconds: left === null || rate === 0 ? null : left / rate };
  }

  #logLine(): void {
    const { rate, etaSeconds } = this.#measure();
    const fields = {
      done: this.#count,
      total: this.#total,
      perSecond: Number(rate.toFixed(1)),
      etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
    };
    this.#log.info(fields, `${this.#label}: ${this.#detail}`);
  }
}
