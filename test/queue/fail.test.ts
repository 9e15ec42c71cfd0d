import { describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { failJob } from "../../src/queue/fail-job.js";
import { PermanentJobError } from "../../src/queue/permanent-job-error.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { computeRetryDelayMs } from "../../src/queue/retry-delay.js";
import type { ClaimedJob } from "../../src/queue/types.js";
import type { Db } from "../../src/store/db.js";
import { toIdParam, toInt } from "../../src/store/rows.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import { makeJobReady, millisecondsBetween, readJob } from "./helpers.js";

const targets = await loadQueueTargets();
const claimOptions = { runner: "test:1", leaseMs: 60_000 };

/** Enqueues `count` jobs that already failed `attempts` times and claims them. */
async function claimJobsWithAttempts(db: Db, count: number, attempts: number, maxAttempts = 10): Promise<ClaimedJob[]> {
  for (let i = 0; i < count; i += 1) {
    await enqueueJob(db, { jobType: "t", maxAttempts });
  }
  await db.execute(`UPDATE ${db.tables.jobs} SET attempts = ?`, [attempts]);
  return claimJobs(db, { ...claimOptions, limit: count });
}

/** Retry delay of each job in ms: run_after minus the failure time. */
async function readRetryDelays(db: Db, jobs: readonly ClaimedJob[]): Promise<number[]> {
  const delays: number[] = [];
  for (const job of jobs) {
    const row = await readJob(db, job.id);
    delays.push(millisecondsBetween(row["updated_at"], row["run_after"]));
  }
  return delays;
}

describe("computeRetryDelayMs", () => {
  it("doubles per attempt plus jitter", () => {
    expect(computeRetryDelayMs(1, undefined, () => 0)).toBe(2000);
    expect(computeRetryDelayMs(3, undefined, () => 0.5)).toBe(8500);
  });

  it("caps the exponential part only", () => {
    expect(computeRetryDelayMs(10, 5000, () => 0.25)).toBe(5250);
  });

  it("stays finite for huge attempt counts", () => {
    expect(Number.isFinite(computeRetryDelayMs(5000))).toBe(true);
  });
});

describe.each(targets)("failJob on $label", (target) => {
  const { skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("attempt 1 waits 2-3 s", async () => {
    const db = await database.openMigrated();
    const jobs = await claimJobsWithAttempts(db, 100, 0);
    for (const job of jobs) {
      expect(await failJob(db, job, new Error("boom"))).toBe("retried");
    }
    const delays = await readRetryDelays(db, jobs);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(3000);
    }
    // 100 uniform draws at millisecond resolution: about 95 distinct values.
    expect(new Set(delays).size).toBeGreaterThan(80);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(500);

    const row = await readJob(db, jobs[0]!.id);
    expect(row["status"]).toBe("queued");
    expect(toInt(row["attempts"])).toBe(1);
    expect(row["last_error"]).toBe("boom");
    expect(row["claim_token"]).toBeNull();
  });

  it.skipIf(skipReason)("attempt 3 waits 8-9 s", async () => {
    const db = await database.openMigrated();
    const jobs = await claimJobsWithAttempts(db, 100, 2);
    for (const job of jobs) {
      expect(await failJob(db, job, new Error("boom"))).toBe("retried");
    }
    const delays = await readRetryDelays(db, jobs);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(8000);
      expect(delay).toBeLessThanOrEqual(9000);
    }
    const runAfter = new Set<unknown>();
    for (const job of jobs) runAfter.add((await readJob(db, job.id))["run_after"]);
    expect(runAfter.size).toBeGreaterThan(1);
  });

  it.skipIf(skipReason)("attempt 20 keeps jitter under the cap", async () => {
    const db = await database.openMigrated();
    const jobs = await claimJobsWithAttempts(db, 100, 19, 30);
    for (const job of jobs) {
      expect(await failJob(db, job, new Error("boom"), { maxDelayMs: 60_000 })).toBe("retried");
    }
    const delays = await readRetryDelays(db, jobs);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(60_000);
      expect(delay).toBeLessThanOrEqual(61_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it.skipIf(skipReason)("cap keeps the jitter", async () => {
    const db = await database.openMigrated();
    const jobs = await claimJobsWithAttempts(db, 50, 6);
    for (const job of jobs) {
      await failJob(db, job, new Error("boom"), { maxDelayMs: 1000 });
    }
    const delays = await readRetryDelays(db, jobs);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
    expect(new Set(delays).size).toBeGreaterThan(40);
  });

  it.skipIf(skipReason)("dead-letters at max_attempts", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t", postId: "3", payload: { p: 1 }, maxAttempts: 2 });
    const [first] = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(await failJob(db, first!, new Error("first failure"))).toBe("retried");
    await makeJobReady(db, id);
    const [second] = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(second?.attempts).toBe(1);
    expect(await failJob(db, second!, new Error("final failure"))).toBe("dead_lettered");

    const row = await readJob(db, id);
    expect(row["status"]).toBe("failed");
    expect(toInt(row["attempts"])).toBe(2);
    const letters = await db.query(`SELECT * FROM ${db.tables.deadLetter}`);
    expect(letters).toHaveLength(1);
    expect(String(letters[0]?.["original_job_id"])).toBe(id);
    expect(letters[0]?.["reason"]).toBe("final failure");
    expect(toInt(letters[0]?.["attempts"])).toBe(2);
    expect(String(letters[0]?.["post_id"])).toBe("3");
    expect(JSON.parse(String(letters[0]?.["payload"]))).toEqual({ p: 1 });

    const status = await readQueueStatus(db);
    expect(status.counts).toEqual({ queued: 0, running: 0, completed: 0, failed: 1 });
    expect(status.deadLetterCount).toBe(1);
  });

  it.skipIf(skipReason)("permanent error dead-letters at attempt 1", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t", postId: "9007199254740993", maxAttempts: 5 });
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    const wrapped = new Error("embedding failed", { cause: new PermanentJobError("input rejected: too long") });
    expect(await failJob(db, job!, wrapped)).toBe("dead_lettered");

    const row = await readJob(db, id);
    expect(row["status"]).toBe("failed");
    expect(toInt(row["attempts"])).toBe(1);
    const letters = await db.query(`SELECT reason, post_id FROM ${db.tables.deadLetter}`);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.["reason"]).toBe("embedding failed");
    expect(String(letters[0]?.["post_id"])).toBe("9007199254740993");
  });

  it.skipIf(skipReason)("dead letter and status commit together", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t", maxAttempts: 1 });
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    const deadLetter = db.tables.deadLetter;
    await db.execute(`ALTER TABLE ${deadLetter} RENAME TO ${deadLetter}_away`);
    await expect(failJob(db, job!, new Error("boom"))).rejects.toThrow();
    const row = await readJob(db, id);
    expect(row["status"]).toBe("running");
    expect(toInt(row["attempts"])).toBe(0);

    await db.execute(`ALTER TABLE ${deadLetter}_away RENAME TO ${deadLetter}`);
    expect(await failJob(db, job!, new Error("boom"))).toBe("dead_lettered");
  });

  it.skipIf(skipReason)("wrong claim token changes nothing", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    const stranger = { ...job!, claimToken: "0".repeat(32) };
    expect(await failJob(db, stranger, new Error("boom"))).toBe("lost");
    const row = await readJob(db, id);
    expect(row["status"]).toBe("running");
    expect(toInt(row["attempts"])).toBe(0);
  });

  it.skipIf(skipReason)("stores a non-Error value's text", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    await failJob(db, job!, "plain string");
    const rows = await db.query(`SELECT last_error FROM ${db.tables.jobs} WHERE id = ?`, [toIdParam(id)]);
    expect(rows[0]?.["last_error"]).toBe("plain string");
  });
});
