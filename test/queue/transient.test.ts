import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { createLogger } from "../../src/log.js";
import { claimJobs } from "../../src/queue/claim-jobs.js";
import { completeJob } from "../../src/queue/complete-job.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { recoverStaleJobs } from "../../src/queue/recover-stale-jobs.js";
import { renewLease } from "../../src/queue/renew-lease.js";
import { Worker } from "../../src/queue/worker.js";
import type { Db } from "../../src/store/db.js";
import { StoreError } from "../../src/store/errors.js";
import { toIdParam, toInt } from "../../src/store/rows.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import type { TestDatabase } from "../helpers/db.js";
import { readJob, readPrefix } from "./helpers.js";

const targets = await loadQueueTargets();
const quietLogger = createLogger({ json: true, destination: { write: () => true } as never });
const claimOptions = { runner: "test:1", leaseMs: 60_000 };

/** A lock held by another connection until `release()` is called. */
interface HeldLock {
  release(): Promise<void>;
}

/** Locks one job row FOR UPDATE in a transaction on a connection of its own. */
async function lockJobRow(database: TestDatabase, prefix: string, id: string): Promise<HeldLock> {
  const locker = await database.open({ prefix, connectionLimit: 1 });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const transaction = locker.transaction(async (tx) => {
    await tx.query(`SELECT id FROM ${tx.tables.jobs} WHERE id = ? FOR UPDATE`, [toIdParam(id)]);
    locked();
    await released;
  });
  await isLocked;
  return {
    async release() {
      release();
      await transaction;
    },
  };
}

/** Opens a one-connection pool whose lock waits time out after 1 s. */
async function openImpatient(database: TestDatabase, prefix: string): Promise<Db> {
  const db = await database.open({ prefix, connectionLimit: 1 });
  await db.execute("SET SESSION innodb_lock_wait_timeout = 1");
  return db;
}

/** Takes SQLite's write lock on the file from a connection outside the engine. */
function lockSqliteFile(url: string): Database.Database {
  const connection = new Database(url.slice("sqlite:".length));
  connection.exec("BEGIN IMMEDIATE");
  return connection;
}

async function expectRetriesExhausted(operation: Promise<unknown>, causeField: "errno" | "code", cause: unknown): Promise<void> {
  const error = await operation.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe("RETRIES_EXHAUSTED");
  expect((error as StoreError).message).toMatch(/failed after 3 tries/);
  const original = (error as StoreError).cause as Record<string, unknown>;
  expect(original[causeField]).toBe(cause);
}

/** Builds a driver-shaped error that the store classifies as a deadlock or busy database. */
function transientErrorFor(db: Db): Error {
  return db.dialect === "mysql"
    ? Object.assign(new Error("Deadlock found when trying to get lock"), { errno: 1213 })
    : Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
}

describe.each(targets)("transient errors on $label", (target) => {
  const { dialect, skipReason } = target;
  const database = useTestDatabase(target);
  const isClaimToken = target.claimStrategy === "claim-token";

  it.skipIf(skipReason)("failed commit releases without an attempt", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    let writes = 0;
    const worker = new Worker(
      db,
      async () => async () => {
        writes += 1;
        throw transientErrorFor(db);
      },
      { limit: 1, logger: quietLogger, pollMs: 10 },
    );
    const result = await worker.run();
    expect(writes).toBe(3);
    expect(result).toMatchObject({ processed: 1, completed: 0, failed: 0, released: 1 });
    const row = await readJob(db, id);
    expect(row["status"]).toBe("queued");
    expect(toInt(row["attempts"])).toBe(0);
    expect(row["last_error"]).toBeNull();
    expect(row["claim_token"]).toBeNull();
  });

  it.skipIf(skipReason || !isClaimToken)("claim waits on a locked row, then surfaces", async () => {
    const setup = await database.openMigrated();
    const prefix = readPrefix(setup);
    const { id } = await enqueueJob(setup, { jobType: "t" });
    const lock = await lockJobRow(database, prefix, id);
    const db = await openImpatient(database, prefix);
    try {
      await expectRetriesExhausted(claimJobs(db, { ...claimOptions, limit: 1 }), "errno", 1205);
    } finally {
      await lock.release();
    }
    const row = await readJob(setup, id);
    expect(row["status"]).toBe("queued");
    expect(toInt(row["attempts"])).toBe(0);
    const claimed = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(claimed.map((job) => job.id)).toEqual([id]);
  });

  it.skipIf(skipReason || dialect !== "mysql" || isClaimToken)("skip-locked claim passes a locked row", async () => {
    const setup = await database.openMigrated();
    const prefix = readPrefix(setup);
    const first = await enqueueJob(setup, { jobType: "t" });
    const second = await enqueueJob(setup, { jobType: "t" });
    const lock = await lockJobRow(database, prefix, first.id);
    const db = await openImpatient(database, prefix);
    try {
      const claimed = await claimJobs(db, { ...claimOptions, limit: 2 });
      expect(claimed.map((job) => job.id)).toEqual([second.id]);
    } finally {
      await lock.release();
    }
  });

  it.skipIf(skipReason || dialect !== "mysql")("lock waits in complete and renew count no attempt", async () => {
    const setup = await database.openMigrated();
    const prefix = readPrefix(setup);
    const { id } = await enqueueJob(setup, { jobType: "t" });
    const db = await openImpatient(database, prefix);
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    const lock = await lockJobRow(database, prefix, id);
    try {
      await expectRetriesExhausted(db.transaction((tx) => completeJob(tx, job!)), "errno", 1205);
      await expectRetriesExhausted(renewLease(db, job!, 60_000), "errno", 1205);
    } finally {
      await lock.release();
    }
    const row = await readJob(setup, id);
    expect(row["status"]).toBe("running");
    expect(toInt(row["attempts"])).toBe(0);
    expect(await completeJob(db, job!)).toBe(true);
  });

  it.skipIf(skipReason || dialect !== "sqlite")("busy file surfaces after retries", async () => {
    const setup = await database.openMigrated();
    const prefix = readPrefix(setup);
    const { id } = await enqueueJob(setup, { jobType: "t" });
    const [job] = await claimJobs(setup, { ...claimOptions, limit: 1 });
    await enqueueJob(setup, { jobType: "t" });
    const db = await database.open({ prefix, busyTimeoutMs: 10 });
    const locker = lockSqliteFile(database.url);
    try {
      await expectRetriesExhausted(claimJobs(db, { ...claimOptions, limit: 1 }), "code", "SQLITE_BUSY");
      await expectRetriesExhausted(renewLease(db, job!, 60_000), "code", "SQLITE_BUSY");
      await expectRetriesExhausted(recoverStaleJobs(db), "code", "SQLITE_BUSY");
    } finally {
      locker.exec("ROLLBACK");
      locker.close();
    }
    const row = await readJob(setup, id);
    expect(row["status"]).toBe("running");
    expect(toInt(row["attempts"])).toBe(0);
    expect(await renewLease(db, job!, 60_000)).toBe(true);
  });

  it.skipIf(skipReason || dialect !== "sqlite")("worker retries a busy claim", async () => {
    const setup = await database.openMigrated();
    const prefix = readPrefix(setup);
    const { id } = await enqueueJob(setup, { jobType: "t" });
    const db = await database.open({ prefix, busyTimeoutMs: 10 });
    const locker = lockSqliteFile(database.url);
    const worker = new Worker(db, async () => undefined, { limit: 1, logger: quietLogger, pollMs: 20 });
    const running = worker.run();
    await new Promise((resolve) => setTimeout(resolve, 300));
    locker.exec("ROLLBACK");
    locker.close();
    const result = await running;
    expect(result.completed).toBe(1);
    const row = await readJob(setup, id);
    expect(row["status"]).toBe("completed");
    expect(toInt(row["attempts"])).toBe(0);
  });
});
