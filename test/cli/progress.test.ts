import { PassThrough } from "node:stream";

import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";

import { formatBar, formatDuration, Progress } from "../../src/cli/progress.js";
import { writeAroundStatusLine } from "../../src/status-line.js";

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

describe("progress", () => {
  it("formats bars and durations", () => {
    expect(formatBar(0, 10, 10)).toBe("[..........]");
    expect(formatBar(5, 10, 10)).toBe("[#####.....]");
    expect(formatBar(12, 10, 10)).toBe("[##########]");
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(7440)).toBe("2 h 4 min");
  });

  it("shows bar, share, rate and ETA on a terminal", async () => {
    const output = new PassThrough();
    const read = collect(output);
    const progress = new Progress("import", pino({ level: "silent" }), { total: 4, tty: true, output });
    progress.tick("1 added");
    await new Promise((resolve) => setTimeout(resolve, 50));
    progress.tick("2 added");
    const status = progress.describe();
    expect(status).toMatch(/^import: \[#{12}\.{12}\] 50% 2\/4 [\d.]+\/s ETA \d+ s \(2 added\)$/);
    expect(read()).toContain("\r\u001b[2Kimport: [######");
    progress.done();
  });

  it("redraws the status line around a log line", () => {
    const output = new PassThrough();
    const read = collect(output);
    const progress = new Progress("worker", pino({ level: "silent" }), { total: null, tty: true, output });
    progress.tick("1 completed");
    writeAroundStatusLine(() => output.write("log line\n"));
    const text = read();
    const logAt = text.indexOf("log line\n");
    expect(logAt).toBeGreaterThan(0);
    expect(text.slice(0, logAt)).toMatch(/\r\u001b\[2K$/);
    expect(text.slice(logAt + "log line\n".length)).toMatch(/^\r\u001b\[2Kworker: 1 [\d.]+\/s \(1 completed\)$/);
    progress.done();
    writeAroundStatusLine(() => output.write("after\n"));
    expect(read().endsWith("\r\u001b[2Kafter\n")).toBe(true);
  });

  it("writes structured log lines off a terminal", () => {
    const lines: Record<string, unknown>[] = [];
    const destination = { write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) };
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const progress = new Progress("import", pino({ level: "info" }, destination), { total: 10, tty: false });
      progress.tick("1 added");
      expect(lines).toHaveLength(0);
      vi.advanceTimersByTime(5000);
      progress.tick("2 added");
      progress.tick("3 added");
      progress.done();
    } finally {
      vi.useRealTimers();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]?.["msg"]).toBe("import: 2 added");
    expect(lines[0]?.["done"]).toBe(2);
    expect(lines[0]?.["total"]).toBe(10);
    expect(typeof lines[0]?.["perSecond"]).toBe("number");
    expect(typeof lines[0]?.["etaSeconds"]).toBe("number");
  });
});
