import { describe, expect, it } from "vitest";

import { Mutex } from "../../src/store/mutex.js";

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Holds the thread, as a synchronous SQLite statement does.
  }
}

describe("Mutex", () => {
  it("runs holders one at a time in arrival order", async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const hold = (name: string) =>
      mutex.runExclusive(async () => {
        events.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`${name} end`);
      });
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    expect(events).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  it("lets timers run between queued holders", async () => {
    const mutex = new Mutex();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const holders = Array.from({ length: 50 }, () => mutex.runExclusive(async () => busyWait(2)));
    const ticksBefore = ticks;
    await Promise.all(holders);
    clearInterval(timer);
    expect(ticks - ticksBefore).toBeGreaterThan(10);
  });

  it("releases the lock when a holder throws", async () => {
    const mutex = new Mutex();
    await expect(mutex.runExclusive(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(mutex.runExclusive(async () => "next")).resolves.toBe("next");
  });
});
