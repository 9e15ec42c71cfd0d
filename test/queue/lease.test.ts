import { describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { completeJob } from "../../src/queue/complete-job.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { recoverStaleJobs } from "../../src/queue/recover-stale-jobs.js";
import { renewLease } from "../../src/queue/renew-lease.js";
import { Worker } from "../../src/queue/worker.js";
import { toInt } from "../../src/store/rows.js";
import { createLogger } from "../../src/log.js";
import { loadQueueTargets, sleep, useTestDatabase } from "../helpers/db.js";
import { expireLease, makeJobReady, readJob } from "./helpers.js";

const targets = await loadQueueTargets();
const quietLogger = createLogger({ json: true, destination: { write: () => true } as never });

describe.each(targets)("leases on $label", (target) => {
  const { skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("completeJob fails after recovery", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const [job] = await claimJobs(db, { runner: "test:1", leaseMs: 60_000, limit: 1 });
    await expireLease(db, id);
    expect(await recoverStaleJobs(db)).toEqual({ requeued: 1, deadLettered: 0 });
    expect(await completeJob(db, job!)).toBe(false);
    expect(await renewLease(db, job!, 60_000)).toBe(false);
    expect((await readJob(db, id))["status"]).toBe("queued");
  });

  it.skipIf(skipReason)("renewLease extends a held lease", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const [job] = await claimJobs(db, { runner: "test:1", leaseMs: 1000, limit: 1 });
    const before = String((await readJob(db, id))["lease_expires_at"]);
    expect(await renewLease(db, job!, 120_000)).toBe(true);
    const after = String((await readJob(db, id))["lease_expires_at"]);
    expect(after > before).toBe(true);
  });

  it.skipIf(skipReason)("lost lease rolls back handler writes", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    const worker = new Worker(
      db,
      async (job) => {
        await expireLease(db, job.id);
        await recoverStaleJobs(db);
        return async (tx) => {
          await tx.execute(`INSERT INTO ${tx.tables.meta} (name, value) VALUES ('written', ?)`, [job.id]);
        };
      },
      { limit: 1, logger: quietLogger, pollMs: 10 },
    );
    const result = await worker.run();
    expect(result.leaseLost).toBe(1);
    expect(result.completed).toBe(0);
    const written = await db.query(`SELECT name FROM ${db.tables.meta} WHERE name = 'written'`);
    expect(written).toHaveLength(0);
    const row = await readJob(db, id);
    expect(row["status"]).toBe("queued");
    expect(toInt(row["attempts"])).toBe(1);
  });

  it.skipIf(skipReason)("recovery counts an attempt, then dead-letters", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t", maxAttempts: 2 });
    const healthy = await enqueueJob(db, { jobType: "t", priority: 1 });
    await claimJobs(db, { runner: "dead:1", leaseMs: 60_000, limit: 2 });
    await expireLease(db, id);

    expect(await recoverStaleJobs(db)).toEqual({ requeued: 1, deadLettered: 0 });
    const requeued = await readJob(db, id);
    expect(requeued["status"]).toBe("queued");
    expect(toInt(requeued["attempts"])).toBe(1);
    expect(String(requeued["last_error"])).toMatch(/Lease expired while runner dead:1/);
    expect((await readJob(db, healthy.id))["status"]).toBe("running");

    await makeJobReady(db, id);
    const [again] = await claimJobs(db, { runner: "dead:2", leaseMs: 60_000, limit: 1 });
    expect(again?.id).toBe(id);
    await expireLease(db, id);
    expect(await recoverStaleJobs(db)).toEqual({ requeued: 0, deadLettered: 1 });

    const failed = await readJob(db, id);
    expect(failed["status"]).toBe("failed");
    expect(toInt(failed["attempts"])).toBe(2);
    const letters = await db.query(`SELECT reason, attempts FROM ${db.tables.deadLetter}`);
    expect(letters).toHaveLength(1);
    expect(String(letters[0]?.["reason"])).toMatch(/Lease expired while runner dead:2/);
  });

  it.skipIf(skipReason)("status lists running jobs and ages", async () => {
    const db = await database.openMigrated();
    await enqueueJob(db, { jobType: "t" });
    const { id } = await enqueueJob(db, { jobType: "t", priority: -1 });
    await claimJobs(db, { runner: "test:9", leaseMs: 60_000, limit: 1 });
    await sleep(20);

    const status = await readQueueStatus(db);
    expect(status.counts).toEqual({ queued: 1, running: 1, completed: 0, failed: 0 });
    expect(status.deadLetterCount).toBe(0);
    expect(status.oldestQueuedSeconds).toBeGreaterThan(0);
    expect(status.oldestQueuedSeconds).toBeLessThan(60);
    expect(status.running).toHaveLength(1);
    expect(status.running[0]).toMatchObject({ id, runner: "test:9", jobType: "t" });
    expect(status.running[0]?.heldSeconds).toBeGreaterThanOrEqual(0);
    expect(status.running[0]?.leaseRemainingSeconds).toBeGreaterThan(50);
  });

  it.skipIf(skipReason)("empty queue status has zero counts", async () => {
    const db = await database.openMigrated();
    const status = await readQueueStatus(db);
    expect(status.counts).toEqual({ queued: 0, running: 0, completed: 0, failed: 0 });
    expect(status.oldestQueuedSeconds).toBeNull();
    expect(status.running).toEqual([]);
  });
});
