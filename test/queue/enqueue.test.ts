import { describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { completeJob } from "../../src/queue/complete-job.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import { readJob } from "./helpers.js";

const targets = await loadQueueTargets();

describe.each(targets)("enqueueJob on $label", (target) => {
  const { skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("stores the job's fields", async () => {
    const db = await database.openMigrated();
    const { id, created } = await enqueueJob(db, {
      jobType: "embed_post",
      postId: "12",
      payload: { post_id: 12 },
      maxAttempts: 3,
      priority: -1,
    });
    expect(created).toBe(true);
    const row = await readJob(db, id);
    expect(row["job_type"]).toBe("embed_post");
    expect(String(row["post_id"])).toBe("12");
    expect(JSON.parse(String(row["payload"]))).toEqual({ post_id: 12 });
    expect(row["status"]).toBe("queued");
    expect(Number(row["max_attempts"])).toBe(3);
    expect(Number(row["priority"])).toBe(-1);
    expect(Number(row["attempts"])).toBe(0);
  });

  it.skipIf(skipReason)("returns the active duplicate", async () => {
    const db = await database.openMigrated();
    const first = await enqueueJob(db, { jobType: "embed_post", dedupeKey: "embed_post_1" });
    const second = await enqueueJob(db, { jobType: "embed_post", dedupeKey: "embed_post_1" });
    expect(second).toEqual({ id: first.id, created: false });
    const other = await enqueueJob(db, { jobType: "embed_post", dedupeKey: "embed_post_2" });
    expect(other.created).toBe(true);
  });

  it.skipIf(skipReason)("dedupes a running job, not a completed one", async () => {
    const db = await database.openMigrated();
    const first = await enqueueJob(db, { jobType: "embed_post", dedupeKey: "k" });
    const [job] = await claimJobs(db, { runner: "test:1", leaseMs: 60_000, limit: 1 });
    const whileRunning = await enqueueJob(db, { jobType: "embed_post", dedupeKey: "k" });
    expect(whileRunning).toEqual({ id: first.id, created: false });

    expect(await completeJob(db, job!)).toBe(true);
    const afterCompletion = await enqueueJob(db, { jobType: "embed_post", dedupeKey: "k" });
    expect(afterCompletion.created).toBe(true);
    expect(afterCompletion.id).not.toBe(first.id);
  });

  it.skipIf(skipReason)("20 concurrent enqueues make one job", async () => {
    const db = await database.openMigrated();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => enqueueJob(db, { jobType: "embed_post", dedupeKey: "same" })),
    );
    const ids = new Set(results.map((result) => result.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const status = await readQueueStatus(db);
    expect(status.counts.queued).toBe(1);
  });

  it.skipIf(skipReason)("dedupe keys compare exactly", async () => {
    const db = await database.openMigrated();
    const lower = await enqueueJob(db, { jobType: "t", dedupeKey: "key" });
    const upper = await enqueueJob(db, { jobType: "t", dedupeKey: "KEY" });
    expect(upper.created).toBe(true);
    expect(upper.id).not.toBe(lower.id);
  });

  it.skipIf(skipReason)("jobs without a dedupe key never collide", async () => {
    const db = await database.openMigrated();
    const first = await enqueueJob(db, { jobType: "t" });
    const second = await enqueueJob(db, { jobType: "t" });
    expect(second.created).toBe(true);
    expect(second.id).not.toBe(first.id);
  });

  it.skipIf(skipReason)("rejects invalid options", async () => {
    const db = await database.openMigrated();
    await expect(enqueueJob(db, { jobType: "" })).rejects.toThrow(/Invalid jobType/);
    await expect(enqueueJob(db, { jobType: "t", maxAttempts: 0 })).rejects.toThrow(/Invalid maxAttempts/);
    await expect(enqueueJob(db, { jobType: "t", delayMs: -1 })).rejects.toThrow(/Invalid delayMs/);
    await expect(enqueueJob(db, { jobType: "t", dedupeKey: "k".repeat(192) })).rejects.toThrow(/Invalid dedupeKey/);
  });

  it.skipIf(skipReason)("delayed job is not ready", async () => {
    const db = await database.openMigrated();
    await enqueueJob(db, { jobType: "t", delayMs: 60_000 });
    const claimed = await claimJobs(db, { runner: "test:1", leaseMs: 60_000, limit: 5 });
    expect(claimed).toHaveLength(0);
  });
});
