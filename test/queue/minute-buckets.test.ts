import { describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { completeJob } from "../../src/queue/complete-job.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { failJob } from "../../src/queue/fail-job.js";
import { readMinuteBuckets } from "../../src/queue/read-queue-status.js";
import type { Db } from "../../src/store/db.js";
import { loadDialectTargets, useTestDatabase } from "../helpers/db.js";
import { backdate } from "./helpers.js";

const targets = await loadDialectTargets();
const claimOptions = { runner: "test:1", leaseMs: 60_000 };
const MINUTE_IN_DAYS = 1 / 1440;

/** Enqueues `count` one-attempt jobs, claims them, and completes or fails each. */
async function finishJobs(db: Db, count: number, outcome: "completed" | "failed"): Promise<string[]> {
  for (let index = 0; index < count; index++) await enqueueJob(db, { jobType: "t", maxAttempts: 1 });
  const jobs = await claimJobs(db, { ...claimOptions, limit: count });
  for (const job of jobs) {
    if (outcome === "completed") await completeJob(db, job);
    else await failJob(db, job, new Error("boom"));
  }
  return jobs.map((job) => job.id);
}

describe.each(targets)("readMinuteBuckets on $label", (target) => {
  const database = useTestDatabase(target);

  it.skipIf(target.skipReason)("counts final statuses per minute", async () => {
    const db = await database.openMigrated();
    await finishJobs(db, 2, "completed");
    const tenMinutesAgo = await finishJobs(db, 3, "completed");
    await backdate(db, db.tables.jobs, "updated_at", tenMinutesAgo, 10.5 * MINUTE_IN_DAYS);
    const failed = await finishJobs(db, 1, "failed");
    await backdate(db, db.tables.jobs, "updated_at", failed, 30.5 * MINUTE_IN_DAYS);
    const old = await finishJobs(db, 4, "completed");
    await backdate(db, db.tables.jobs, "updated_at", old, 61 * MINUTE_IN_DAYS);
    await enqueueJob(db, { jobType: "t" });

    const buckets = await readMinuteBuckets(db, 60);
    expect(buckets).toHaveLength(60);
    expect(buckets[0]?.minutesAgo).toBe(59);
    expect(buckets[59]?.minutesAgo).toBe(0);
    const byAge = new Map(buckets.map((bucket) => [bucket.minutesAgo, bucket]));
    expect(byAge.get(0)).toEqual({ minutesAgo: 0, completed: 2, failed: 0 });
    expect(byAge.get(10)).toEqual({ minutesAgo: 10, completed: 3, failed: 0 });
    expect(byAge.get(30)).toEqual({ minutesAgo: 30, completed: 0, failed: 1 });
    expect(buckets.reduce((sum, bucket) => sum + bucket.completed, 0)).toBe(5);
    expect(buckets.reduce((sum, bucket) => sum + bucket.failed, 0)).toBe(1);
  });

  it.skipIf(target.skipReason)("rejects an invalid window", async () => {
    const db = await database.openMigrated();
    await expect(readMinuteBuckets(db, 0)).rejects.toThrow("Invalid minutes 0: use a whole number from 1 to 1440.");
  });
});
