import { Writable } from "node:stream";

import { describe, expect, it } from "vitest";

import { createLogger, formatLogLine } from "../../src/log.js";
import { claimJobs } from "../../src/queue/claim-jobs.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { Worker, WorkerStoppedError } from "../../src/queue/worker.js";
import type { Db } from "../../src/store/db.js";
import { toIdParam } from "../../src/store/rows.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import { expireLease, readJob } from "./helpers.js";

const targets = await loadQueueTargets();

/** Creates a logger whose JSON records are collected in `records`. */
function captureLogger(): { logger: ReturnType<typeof createLogger>; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        records.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: createLogger({ json: true, verbose: true, destination }), records };
}

/** A promise with its resolve function, for holding a handler step by step. */
function createGate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves when `signal` aborts. */
function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function enqueueMany(db: Db, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await enqueueJob(db, { jobType: "t", payload: { i } });
  }
}

describe("formatLogLine", () => {
  it("prints level, message and fields", () => {
    const line = formatLogLine({ level: 30, time: 0, msg: "job started", jobId: "5", pid: 1 });
    expect(line).toBe("00:00:00.000 INFO  job started jobId=5\n");
  });
});

describe.each(targets)("Worker on $label", (target) => {
  const { skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("untilEmpty processes every job", async () => {
    const db = await database.openMigrated();
    await enqueueMany(db, 30);
    const { logger, records } = captureLogger();
    const worker = new Worker(
      db,
      async (job) => async (tx) => {
        await tx.execute(`INSERT INTO ${tx.tables.meta} (name, value) VALUES (?, 'done')`, [`done_${job.id}`]);
      },
      { concurrency: 4, untilEmpty: true, logger, pollMs: 10 },
    );
    const result = await worker.run();
    expect(result).toEqual({
      processed: 30,
      completed: 30,
      failed: 0,
      retried: 0,
      deadLettered: 0,
      leaseLost: 0,
      released: 0,
    });
    const written = await db.query(`SELECT name FROM ${db.tables.meta} WHERE value = 'done'`);
    expect(written).toHaveLength(30);
    expect((await readQueueStatus(db)).counts.completed).toBe(30);

    const completedLogs = records.filter((record) => record["msg"] === "job completed");
    expect(completedLogs).toHaveLength(30);
    expect(completedLogs[0]).toHaveProperty("jobId");
    expect(completedLogs[0]).toHaveProperty("runner");
  });

  it.skipIf(skipReason)("limit stops after N claims", async () => {
    const db = await database.openMigrated();
    await enqueueMany(db, 5);
    const { logger } = captureLogger();
    const worker = new Worker(db, async () => undefined, { limit: 2, logger, pollMs: 10 });
    const result = await worker.run();
    expect(result.processed).toBe(2);
    expect((await readQueueStatus(db)).counts.queued).toBe(3);
  });

  it.skipIf(skipReason)("handler errors retry, then dead-letter", async () => {
    const db = await database.openMigrated();
    await enqueueJob(db, { jobType: "t", maxAttempts: 1 });
    await enqueueJob(db, { jobType: "t", maxAttempts: 3 });
    const { logger, records } = captureLogger();
    const worker = new Worker(
      db,
      async () => {
        throw new Error("handler broke");
      },
      { untilEmpty: true, logger, pollMs: 10 },
    );
    const result = await worker.run();
    expect(result).toMatchObject({ processed: 2, completed: 0, failed: 2, retried: 1, deadLettered: 1 });
    const retriedLog = records.find((record) => record["msg"] === "job failed; retry scheduled");
    expect(retriedLog?.["err"]).toMatchObject({ message: "handler broke" });
  });

  it.skipIf(skipReason)("failing write rolls back and retries", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const { logger } = captureLogger();
    const worker = new Worker(
      db,
      async () => async (tx) => {
        await tx.execute(`INSERT INTO ${tx.tables.meta} (name, value) VALUES ('partial', 'x')`);
        throw new Error("write broke");
      },
      { untilEmpty: true, logger, pollMs: 10 },
    );
    const result = await worker.run();
    expect(result.retried).toBe(1);
    expect(await db.query(`SELECT name FROM ${db.tables.meta} WHERE name = 'partial'`)).toHaveLength(0);
    const rows = await db.query(`SELECT last_error FROM ${db.tables.jobs} WHERE id = ?`, [toIdParam(id)]);
    expect(rows[0]?.["last_error"]).toBe("write broke");
  });

  it.skipIf(skipReason)("stop lets the running job finish", async () => {
    const db = await database.openMigrated();
    await enqueueMany(db, 3);
    const { logger } = captureLogger();
    let releaseHandler!: () => void;
    let handlerStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      handlerStarted = resolve;
    });
    const worker = new Worker(
      db,
      async () => {
        handlerStarted();
        await new Promise<void>((resolve) => {
          releaseHandler = resolve;
        });
      },
      { logger, pollMs: 10 },
    );
    const running = worker.run();
    await started;
    const stopping = worker.stop();
    releaseHandler();
    await stopping;
    const result = await running;
    expect(result.completed).toBe(1);
    expect((await readQueueStatus(db)).counts).toEqual({ queued: 2, running: 0, completed: 1, failed: 0 });
  });

  it.skipIf(skipReason)("grace end aborts and releases jobs", async () => {
    const db = await database.openMigrated();
    await enqueueMany(db, 3);
    const { logger, records } = captureLogger();
    const started = createGate();
    const reasons: unknown[] = [];
    let handlersStarted = 0;
    const worker = new Worker(
      db,
      async (_job, { signal }) => {
        handlersStarted += 1;
        if (handlersStarted === 2) {
          started.open();
        }
        await waitForAbort(signal);
        reasons.push(signal.reason);
        throw signal.reason;
      },
      { concurrency: 2, logger, pollMs: 10, stopGraceMs: 60_000 },
    );
    const running = worker.run();
    await started.promise;
    const stopStart = Date.now();
    await worker.stop({ graceMs: 100 });
    expect(Date.now() - stopStart).toBeGreaterThanOrEqual(90);
    const result = await running;

    expect(result).toMatchObject({ processed: 2, completed: 0, failed: 0, released: 2 });
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toBeInstanceOf(WorkerStoppedError);
    const rows = await db.query(`SELECT status, attempts, claim_token, last_error FROM ${db.tables.jobs}`);
    for (const row of rows) {
      expect(row["status"]).toBe("queued");
      expect(Number(row["attempts"])).toBe(0);
      expect(row["claim_token"]).toBeNull();
      expect(row["last_error"]).toBeNull();
    }
    const releasedLogs = records.filter((record) => record["msg"] === "job released without counting an attempt");
    expect(releasedLogs).toHaveLength(2);
  });

  it.skipIf(skipReason)("stop ignores a handler that never settles", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const { logger } = captureLogger();
    const started = createGate();
    const worker = new Worker(
      db,
      async () => {
        started.open();
        await new Promise<never>(() => undefined);
      },
      { logger, pollMs: 10, stopGraceMs: 50 },
    );
    const running = worker.run();
    await started.promise;
    await worker.stop();
    expect((await running).released).toBe(1);
    expect((await readJob(db, id))["status"]).toBe("queued");
  });

  it.skipIf(skipReason)("jobs claimed while stopping are released", async () => {
    const setup = await database.openMigrated();
    await enqueueMany(setup, 2);
    const { logger } = captureLogger();
    const handled: string[] = [];
    let worker!: Worker;
    let stopping: Promise<void> | undefined;
    const db = Object.create(setup) as Db;
    db.transaction = async (fn) => {
      const value = await setup.transaction(fn);
      const isClaim = Array.isArray(value) && value.length > 0 && "claimToken" in (value[0] as object);
      if (isClaim && !stopping) {
        stopping = worker.stop({ graceMs: 0 });
      }
      return value;
    };
    worker = new Worker(db, async (job) => {
      handled.push(job.id);
    }, { concurrency: 2, logger, pollMs: 10 });
    const result = await worker.run();
    await stopping;
    expect(handled).toEqual([]);
    expect(result).toMatchObject({ processed: 0, released: 2 });
    expect((await readQueueStatus(setup)).counts).toEqual({ queued: 2, running: 0, completed: 0, failed: 0 });
  });

  it.skipIf(skipReason)("stop before run resolves at once", async () => {
    const db = await database.openMigrated();
    const { logger } = captureLogger();
    const worker = new Worker(db, async () => undefined, { logger });
    await worker.stop({ graceMs: 10_000 });
    await expect(worker.stop({ graceMs: -1 })).rejects.toThrow(/Invalid graceMs -1/);
  });

  it.skipIf(skipReason)("recovers expired leases on start", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    await claimJobs(db, { runner: "crashed:1", leaseMs: 60_000, limit: 1 });
    await expireLease(db, id);
    const { logger } = captureLogger();
    const seen: number[] = [];
    const worker = new Worker(
      db,
      async (job) => {
        seen.push(job.attempts);
      },
      { untilEmpty: true, logger, pollMs: 10 },
    );
    const result = await worker.run();
    expect(result.completed).toBe(1);
    expect(seen).toEqual([1]);
  });

  it.skipIf(skipReason)("rejects invalid options", async () => {
    const db = await database.openMigrated();
    expect(() => new Worker(db, async () => undefined, { concurrency: 0 })).toThrow(/Invalid concurrency/);
    expect(() => new Worker(db, async () => undefined, { leaseMs: 10 })).toThrow(/Invalid leaseMs/);
    expect(() => new Worker(db, async () => undefined, { stopGraceMs: -5 })).toThrow(/Invalid stopGraceMs -5/);
    const claimStrategy = "fastest" as never;
    expect(() => new Worker(db, async () => undefined, { claimStrategy })).toThrow(/Invalid claimStrategy "fastest"/);
  });
});
