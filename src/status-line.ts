/**
 * The one status line a command may keep at the bottom of a terminal (a
 * progress bar). The readable log output clears it before each log line
 * and draws it again after, so the two never share a line.
 */
export interface StatusLine {
  /** Erases the line. */
  clear(): void;
  /** Draws the line again with its latest text. */
  redraw(): void;
}

let current: StatusLine | null = null;

export function setStatusLine(line: StatusLine | null): void {
  current = line;
}

/** Runs `write` with the status line cleared, then draws the line again. */
export function writeAroundStatusLine(write: () => void): void {
  if (current === null) {
    write();
    return;
  }
  current.clear();
  write();
  current.redraw();
}
