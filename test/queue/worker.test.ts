import { Writable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createLogger, formatLogLine } from "../../src/log.js";
import { claimJobs } from "../../src/queue/claim-jobs.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { Worker } from "../../src/queue/worker.js";
import type { Db } from "../../src/store/db.js";
import { toIdParam } from "../../src/store/rows.js";
import { offsetParam, sqlNowPlus } from "../../src/store/sql-time.js";
import { loadDialectTargets } from "../helpers/db.js";
import type { TestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();

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

describe.each(targets)("Worker on $dialect", ({ skipReason, createDatabase }) => {
  let database: TestDatabase;

  beforeAll(async () => {
    if (!skipReason) {
      database = await createDatabase();
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

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
    expect(result).toEqual({ processed: 30, completed: 30, failed: 0, retried: 0, deadLettered: 0, leaseLost: 0 });
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

  it.skipIf(skipReason)("recovers expired leases on start", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    await claimJobs(db, { runner: "crashed:1", leaseMs: 60_000, limit: 1 });
    await db.execute(`UPDATE ${db.tables.jobs} SET lease_expires_at = ${sqlNowPlus(db)} WHERE id = ?`, [
      offsetParam(db, -1000),
      toIdParam(id),
    ]);
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
  });
});
