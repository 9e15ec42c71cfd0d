import { describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { listDeadLetters, purgeDeadLetters, retryDeadLetters } from "../../src/queue/dead-letters.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import type { EnqueueJobOptions } from "../../src/queue/enqueue-job.js";
import { failJob } from "../../src/queue/fail-job.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import type { Db } from "../../src/store/db.js";
import { toInt } from "../../src/store/rows.js";
import { sqlNow } from "../../src/store/sql-time.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import { backdate, readJob } from "./helpers.js";

const targets = await loadQueueTargets();

/** Enqueues a job with one attempt, claims it and fails it into the dead-letter table. */
async function deadLetterJob(db: Db, options: Partial<EnqueueJobOptions> = {}): Promise<string> {
  const { id } = await enqueueJob(db, { jobType: "embed_post", maxAttempts: 1, ...options });
  const claimed = await claimJobs(db, { runner: "test:1", leaseMs: 60_000, limit: 100 });
  const job = claimed.find((claimedJob) => claimedJob.id === id);
  if (!job) {
    throw new Error(`Job ${id} was not claimed`);
  }
  expect(await failJob(db, job, new Error(`job ${id} broke`))).toBe("dead_lettered");
  return id;
}

async function readQueuedJobs(db: Db): Promise<Record<string, unknown>[]> {
  return db.query(
    `SELECT job_type, post_id, payload, dedupe_key, priority, max_attempts, attempts` +
      ` FROM ${db.tables.jobs} WHERE status = 'queued' ORDER BY id`,
  );
}

describe.each(targets)("dead letters on $label", (target) => {
  const { skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("list returns newest first with fields", async () => {
    const db = await database.openMigrated();
    const older = await deadLetterJob(db, { postId: "4", payload: { post_id: 4 }, dedupeKey: "embed_post_4" });
    const newer = await deadLetterJob(db, { postId: "5", priority: 2 });
    const letters = await listDeadLetters(db, { limit: 10 });
    expect(letters.map((letter) => letter.originalJobId)).toEqual([newer, older]);
    expect(letters[1]).toMatchObject({
      originalJobId: older,
      jobType: "embed_post",
      postId: "4",
      payload: { post_id: 4 },
      dedupeKey: "embed_post_4",
      priority: 0,
      maxAttempts: 1,
      attempts: 1,
      reason: `job ${older} broke`,
    });
    expect(letters[1]?.failedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(letters[0]?.priority).toBe(2);

    const second = await listDeadLetters(db, { limit: 1, offset: 1 });
    expect(second.map((letter) => letter.originalJobId)).toEqual([older]);
    await expect(listDeadLetters(db, { limit: 0 })).rejects.toThrow(/Invalid limit 0/);
    await expect(listDeadLetters(db, { offset: -1 })).rejects.toThrow(/Invalid offset -1/);
  });

  it.skipIf(skipReason)("retry by id enqueues a fresh job", async () => {
    const db = await database.openMigrated();
    await deadLetterJob(db, { postId: "7", payload: { post_id: 7 }, priority: -1 });
    const untouched = await deadLetterJob(db, { postId: "8" });
    const [letter] = await listDeadLetters(db, { limit: 1, offset: 1 });

    const result = await retryDeadLetters(db, { ids: [letter!.id, "999999"] });
    expect(result).toEqual({ retried: 1, skippedAsDuplicate: 0, notFound: 1 });
    const queued = await readQueuedJobs(db);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.["job_type"]).toBe("embed_post");
    expect(String(queued[0]?.["post_id"])).toBe("7");
    expect(JSON.parse(String(queued[0]?.["payload"]))).toEqual({ post_id: 7 });
    expect(queued[0]?.["dedupe_key"]).toBe("embed_post_7");
    expect(toInt(queued[0]?.["priority"])).toBe(-1);
    expect(toInt(queued[0]?.["max_attempts"])).toBe(1);
    expect(toInt(queued[0]?.["attempts"])).toBe(0);
    const remaining = await listDeadLetters(db);
    expect(remaining.map((row) => row.originalJobId)).toEqual([untouched]);
  });

  it.skipIf(skipReason)("retry skips a key an active job holds", async () => {
    const db = await database.openMigrated();
    await deadLetterJob(db, { postId: "9", dedupeKey: "custom_9" });
    const active = await enqueueJob(db, { jobType: "embed_post", postId: "9", dedupeKey: "custom_9" });
    const result = await retryDeadLetters(db, { all: true });
    expect(result).toEqual({ retried: 0, skippedAsDuplicate: 1, notFound: 0 });
    const queued = await db.query(`SELECT id FROM ${db.tables.jobs} WHERE status = 'queued'`);
    expect(queued.map((row) => String(row["id"]))).toEqual([active.id]);
    expect(await listDeadLetters(db)).toEqual([]);
  });

  it.skipIf(skipReason)("retry all pages through every letter", async () => {
    const db = await database.openMigrated();
    for (let post = 1; post <= 120; post += 1) {
      await db.execute(
        `INSERT INTO ${db.tables.deadLetter} (original_job_id, job_type, post_id, payload, reason, attempts, failed_at)` +
          ` VALUES (?, 'embed_post', ?, ?, 'old failure', 5, ${sqlNow(db)})`,
        [post, post, JSON.stringify({ post_id: post })],
      );
    }
    await db.execute(
      `INSERT INTO ${db.tables.deadLetter} (original_job_id, job_type, post_id, reason, failed_at)` +
        ` VALUES (500, 'embed_post', 1, 'same post again', ${sqlNow(db)})`,
    );
    const result = await retryDeadLetters(db, { all: true });
    expect(result).toEqual({ retried: 120, skippedAsDuplicate: 1, notFound: 0 });
    expect((await readQueueStatus(db)).counts.queued).toBe(120);
    const keys = await db.query(`SELECT dedupe_key FROM ${db.tables.jobs} WHERE post_id = 42`);
    expect(keys.map((row) => row["dedupe_key"])).toEqual(["embed_post_42"]);
    expect(await listDeadLetters(db)).toEqual([]);
  });

  it.skipIf(skipReason)("retried job can fail again", async () => {
    const db = await database.openMigrated();
    await deadLetterJob(db, { postId: "3" });
    await retryDeadLetters(db, { all: true });
    const [again] = await claimJobs(db, { runner: "test:2", leaseMs: 60_000, limit: 1 });
    expect(again?.postId).toBe("3");
    expect(await failJob(db, again!, new Error("still broken"))).toBe("dead_lettered");
    const letters = await listDeadLetters(db);
    expect(letters.map((letter) => letter.reason)).toEqual(["still broken"]);
    expect((await readJob(db, again!.id))["status"]).toBe("failed");
  });

  it.skipIf(skipReason)("retry rejects a malformed id", async () => {
    const db = await database.openMigrated();
    await expect(retryDeadLetters(db, { ids: ["12a"] })).rejects.toThrow(/Invalid dead-letter id "12a"/);
  });

  it.skipIf(skipReason)("purge deletes letters older than N days", async () => {
    const db = await database.openMigrated();
    await deadLetterJob(db, { postId: "1" });
    await deadLetterJob(db, { postId: "2" });
    const [recent, old] = await listDeadLetters(db);
    await backdate(db, db.tables.deadLetter, "failed_at", [old!.id], 31);
    expect(await purgeDeadLetters(db, { olderThanDays: 30 })).toBe(1);
    expect((await listDeadLetters(db)).map((letter) => letter.id)).toEqual([recent!.id]);
    expect(await purgeDeadLetters(db, { olderThanDays: 30 })).toBe(0);
    await expect(purgeDeadLetters(db, { olderThanDays: 40_000 })).rejects.toThrow(/Invalid olderThanDays 40000/);
  });
});
