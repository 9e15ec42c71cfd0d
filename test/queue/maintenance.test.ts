import { describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { clearJobs } from "../../src/queue/clear-jobs.js";
import { completeJob } from "../../src/queue/complete-job.js";
import { deleteFinishedJobs } from "../../src/queue/delete-finished-jobs.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { failJob } from "../../src/queue/fail-job.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { releaseJobs } from "../../src/queue/release-jobs.js";
import { unlockJobs } from "../../src/queue/unlock-jobs.js";
import type { Db } from "../../src/store/db.js";
import { toIdParam, toInt } from "../../src/store/rows.js";
import { offsetParam, sqlNowPlus } from "../../src/store/sql-time.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import { backdate, expireLease, readJob } from "./helpers.js";

const targets = await loadQueueTargets();
const claimOptions = { runner: "test:1", leaseMs: 60_000 };

async function enqueueMany(db: Db, count: number, maxAttempts = 5): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push((await enqueueJob(db, { jobType: "t", maxAttempts })).id);
  }
  return ids;
}

describe.each(targets)("queue maintenance on $label", (target) => {
  const { skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("releaseJobs requeues without an attempt", async () => {
    const db = await database.openMigrated();
    await enqueueMany(db, 3);
    const claimed = await claimJobs(db, { ...claimOptions, limit: 3 });
    const stranger = { id: claimed[2]!.id, claimToken: "f".repeat(32) };
    expect(await releaseJobs(db, [claimed[0]!, claimed[1]!, stranger])).toBe(2);
    for (const job of claimed.slice(0, 2)) {
      const row = await readJob(db, job.id);
      expect(row["status"]).toBe("queued");
      expect(toInt(row["attempts"])).toBe(0);
      expect(row["claim_token"]).toBeNull();
      expect(row["runner"]).toBeNull();
    }
    expect((await readJob(db, claimed[2]!.id))["status"]).toBe("running");
    expect(await completeJob(db, claimed[0]!)).toBe(false);
    const again = await claimJobs(db, { ...claimOptions, limit: 5 });
    expect(again.map((job) => job.id)).toEqual([claimed[0]!.id, claimed[1]!.id]);
    expect(await releaseJobs(db, [])).toBe(0);
  });

  it.skipIf(skipReason)("unlockJobs takes only expired leases", async () => {
    const db = await database.openMigrated();
    const [stale, live] = await enqueueMany(db, 2);
    await claimJobs(db, { ...claimOptions, limit: 2 });
    await expireLease(db, stale!);
    expect(await unlockJobs(db)).toEqual({ requeued: 1, deadLettered: 0 });
    const row = await readJob(db, stale!);
    expect(row["status"]).toBe("queued");
    expect(toInt(row["attempts"])).toBe(1);
    expect((await readJob(db, live!))["status"]).toBe("running");
  });

  it.skipIf(skipReason)("forced unlock takes every running job", async () => {
    const db = await database.openMigrated();
    const [first] = await enqueueMany(db, 1, 5);
    const [last] = await enqueueMany(db, 1, 1);
    const [idle] = await enqueueMany(db, 1, 5);
    await claimJobs(db, { ...claimOptions, limit: 2 });
    expect(await unlockJobs(db, { force: true })).toEqual({ requeued: 1, deadLettered: 1 });

    const requeued = await readJob(db, first!);
    expect(requeued["status"]).toBe("queued");
    expect(toInt(requeued["attempts"])).toBe(1);
    expect(String(requeued["last_error"])).toMatch(/^Unlocked by force while runner test:1 held the job$/);
    const failed = await readJob(db, last!);
    expect(failed["status"]).toBe("failed");
    const letters = await db.query(`SELECT original_job_id FROM ${db.tables.deadLetter}`);
    expect(letters.map((row) => String(row["original_job_id"]))).toEqual([last]);
    expect((await readJob(db, idle!))["status"]).toBe("queued");
    expect(toInt((await readJob(db, idle!))["attempts"])).toBe(0);
  });

  it.skipIf(skipReason)("deleteFinishedJobs deletes old finished jobs", async () => {
    const db = await database.openMigrated();
    const ids = await enqueueMany(db, 5, 1);
    const claimed = await claimJobs(db, { ...claimOptions, limit: 4 });
    const [oldDone, newDone, oldFailed, running] = claimed;
    await completeJob(db, oldDone!);
    await completeJob(db, newDone!);
    await failJob(db, oldFailed!, new Error("boom"));
    await backdate(db, db.tables.jobs, "updated_at", [oldDone!.id, oldFailed!.id, running!.id, ids[4]!], 8);

    expect(await deleteFinishedJobs(db, { olderThanDays: 7 })).toBe(2);
    const left = await db.query(`SELECT id FROM ${db.tables.jobs} ORDER BY id`);
    expect(left.map((row) => String(row["id"]))).toEqual([newDone!.id, running!.id, ids[4]]);
    expect(await deleteFinishedJobs(db, { olderThanDays: 0 })).toBe(1);
    const letters = await db.query(`SELECT id FROM ${db.tables.deadLetter}`);
    expect(letters).toHaveLength(1);
  });

  it.skipIf(skipReason)("deleteFinishedJobs rejects a bad age", async () => {
    const db = await database.openMigrated();
    await expect(deleteFinishedJobs(db, { olderThanDays: -1 })).rejects.toThrow(/Invalid olderThanDays -1/);
    await expect(deleteFinishedJobs(db, { olderThanDays: Number.NaN })).rejects.toThrow(/Invalid olderThanDays/);
  });

  it.skipIf(skipReason)("clearJobs deletes jobs, keeps dead letters", async () => {
    const db = await database.openMigrated();
    await enqueueMany(db, 3, 1);
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    await failJob(db, job!, new Error("boom"));
    expect(await clearJobs(db)).toBe(3);
    const status = await readQueueStatus(db);
    expect(status.counts).toEqual({ queued: 0, running: 0, completed: 0, failed: 0 });
    expect(status.deadLetterCount).toBe(1);
    expect(await clearJobs(db)).toBe(0);
  });

  it.skipIf(skipReason)("status counts overdue and recent completions", async () => {
    const db = await database.openMigrated();
    const [overdue, fresh, delayed] = await enqueueMany(db, 3);
    await backdate(db, db.tables.jobs, "run_after", [overdue!], 61 / 86_400);
    await backdate(db, db.tables.jobs, "run_after", [fresh!], 30 / 86_400);
    await db.execute(`UPDATE ${db.tables.jobs} SET run_after = ${sqlNowPlus(db)} WHERE id = ?`, [
      offsetParam(db, 3_600_000),
      toIdParam(delayed!),
    ]);
    const done = await enqueueMany(db, 3);
    const claimed = await claimJobs(db, { ...claimOptions, limit: 10 });
    expect(claimed).toHaveLength(5);
    for (const job of claimed.filter((claimedJob) => done.includes(claimedJob.id))) {
      await completeJob(db, job);
    }
    await backdate(db, db.tables.jobs, "updated_at", [done[1]!], 10 / 1440);
    await backdate(db, db.tables.jobs, "updated_at", [done[2]!], 2 / 24);
    await releaseJobs(db, claimed.filter((job) => !done.includes(job.id)));

    const status = await readQueueStatus(db);
    expect(status.overdueCount).toBe(1);
    expect(status.completedLast5Minutes).toBe(1);
    expect(status.completedLast60Minutes).toBe(2);
    expect(status.counts.completed).toBe(3);
  });

  it.skipIf(skipReason)("empty queue has zero new counts", async () => {
    const db = await database.openMigrated();
    const status = await readQueueStatus(db);
    expect(status.overdueCount).toBe(0);
    expect(status.completedLast5Minutes).toBe(0);
    expect(status.completedLast60Minutes).toBe(0);
  });
});
