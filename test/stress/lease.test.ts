import { describe, expect, it } from "vitest";

import { enqueueJob } from "../../src/queue/enqueue-job.js";
import type { Db } from "../../src/store/db.js";
import { toIdParam, toInt, toNumber } from "../../src/store/rows.js";
import { sqlSecondsSince } from "../../src/store/sql-time.js";
import { loadQueueTargets, sleep, useTestDatabase } from "../helpers/db.js";
import { readJob } from "../queue/helpers.js";
import { openStressQueue, pollUntil, readEffectJobIds } from "./queue-state.js";
import type { StressQueue } from "./queue-state.js";
import { useWorkerFleets } from "./stress-hooks.js";
import { fixtureOptionsFor } from "./stress-targets.js";
import type { WorkerFleet } from "./worker-fleet.js";

const targets = await loadQueueTargets();

/** One reading of a running job's claim, taken while its handler runs. */
interface ClaimSample {
  status: string;
  claimToken: string | null;
  runner: string | null;
  leaseExpiresAt: string | null;
  /** Seconds until the lease expires, by the database clock. */
  leaseRemainingSeconds: number | null;
}

async function sampleClaim(db: Db, id: string): Promise<ClaimSample> {
  const rows = await db.query(
    `SELECT status, claim_token, runner, lease_expires_at,` +
      ` -${sqlSecondsSince(db, "lease_expires_at")} AS remaining` +
      ` FROM ${db.tables.jobs} WHERE id = ?`,
    [toIdParam(id)],
  );
  const row = rows[0];
  if (!row) {
    throw new Error(`Job ${id} not found`);
  }
  const text = (value: unknown): string | null => (value == null ? null : String(value));
  return {
    status: String(row["status"]),
    claimToken: text(row["claim_token"]),
    runner: text(row["runner"]),
    leaseExpiresAt: text(row["lease_expires_at"]),
    leaseRemainingSeconds: row["remaining"] == null ? null : toNumber(row["remaining"]),
  };
}

/** Samples the job every 250 ms from its claim until it leaves running. */
async function sampleWhileRunning(db: Db, id: string): Promise<ClaimSample[]> {
  await pollUntil(
    () => sampleClaim(db, id),
    (sample) => sample.status === "running",
    { timeoutMs: 10_000, intervalMs: 50, what: `job ${id} to be claimed` },
  );
  const samples: ClaimSample[] = [];
  for (;;) {
    const sample = await sampleClaim(db, id);
    if (sample.status !== "running") {
      return samples;
    }
    samples.push(sample);
    await sleep(250);
  }
}

/**
 * Runs one long job among three polling processes and checks that its
 * first claim holds to the end: one start, one effect, no counted attempt,
 * and a lease that moves forward but never runs out.
 */
async function expectOneHeldClaim(
  queue: StressQueue,
  fleet: WorkerFleet,
  payload: Record<string, unknown>,
  leaseMs: number,
): Promise<ClaimSample[]> {
  const { db } = queue;
  await fleet.start(3);
  const { id } = await enqueueJob(db, { jobType: "stress", payload: { ...payload, effect: true } });
  const samples = await sampleWhileRunning(db, id);
  await fleet.stop();

  const row = await readJob(db, id);
  expect(row["status"]).toBe("completed");
  expect(toInt(row["attempts"])).toBe(0);
  expect(await readEffectJobIds(queue)).toEqual([id]);
  expect(fleet.starts.map((start) => start.jobId)).toEqual([id]);
  expect(fleet.unrequestedExits()).toEqual([]);

  expect(new Set(samples.map((sample) => sample.claimToken)).size).toBe(1);
  expect(new Set(samples.map((sample) => sample.runner)).size).toBe(1);
  const remaining = samples.map((sample) => sample.leaseRemainingSeconds ?? 0);
  expect(Math.min(...remaining)).toBeGreaterThan(0);
  expect(Math.max(...remaining)).toBeLessThanOrEqual(leaseMs / 1000);
  return samples;
}

describe.each(targets)("lease renewal on $label", (target) => {
  const database = useTestDatabase(target);
  const createFleet = useWorkerFleets();

  it.skipIf(target.skipReason)(
    "20 s job outlives a 5 s lease",
    async () => {
      const queue = await openStressQueue(database);
      const leaseMs = 5000;
      const fleet = createFleet({
        url: database.url,
        prefix: queue.prefix,
        leaseMs,
        concurrency: 1,
        pollMs: 1000,
        ...fixtureOptionsFor(target),
      });
      const samples = await expectOneHeldClaim(queue, fleet, { sleepMs: 20_000 }, leaseMs);

      // Renewal every third of the lease gives about 12 renewals in 20 s.
      expect(samples.length).toBeGreaterThan(20);
      const leaseEnds = new Set(samples.map((sample) => sample.leaseExpiresAt));
      expect(leaseEnds.size).toBeGreaterThanOrEqual(8);
    },
    90_000,
  );

  it.skipIf(target.skipReason)(
    "CPU-bound job keeps its lease",
    async () => {
      const queue = await openStressQueue(database);
      const leaseMs = 1000;
      const fleet = createFleet({
        url: database.url,
        prefix: queue.prefix,
        leaseMs,
        concurrency: 1,
        pollMs: 200,
        ...fixtureOptionsFor(target),
      });
      // The handler spins in 20 ms slices, so the renewal timer on the same
      // event loop still fires between slices.
      const samples = await expectOneHeldClaim(queue, fleet, { sleepMs: 5000, busy: true }, leaseMs);

      const leaseEnds = new Set(samples.map((sample) => sample.leaseExpiresAt));
      expect(leaseEnds.size).toBeGreaterThanOrEqual(8);
    },
    60_000,
  );
});
