import { describe, expect, it } from "vitest";

import { enqueueJob } from "../../src/queue/enqueue-job.js";
import { toId, toIdParam, toInt } from "../../src/store/rows.js";
import { loadQueueTargets, sleep, useTestDatabase } from "../helpers/db.js";
import { readJob } from "../queue/helpers.js";
import { openStressQueue, pollUntil, readEffectJobIds } from "./queue-state.js";
import { useWorkerFleets } from "./stress-hooks.js";
import { fixtureOptionsFor } from "./stress-targets.js";

const targets = await loadQueueTargets();

const LEASE_MS = 1000;
const MAX_ATTEMPTS = 3;

describe.each(targets)("poison job on $label", (target) => {
  const database = useTestDatabase(target);
  const createFleet = useWorkerFleets();

  it.skipIf(target.skipReason)(
    "dead-letters after 3 crashes",
    async () => {
      const queue = await openStressQueue(database);
      const { db } = queue;
      const fleet = createFleet(
        {
          url: database.url,
          prefix: queue.prefix,
          leaseMs: LEASE_MS,
          concurrency: 1,
          pollMs: 100,
          ...fixtureOptionsFor(target),
        },
        true,
      );
      await fleet.start(2);

      const poison = await enqueueJob(db, {
        jobType: "stress",
        payload: { poison: true },
        maxAttempts: MAX_ATTEMPTS,
      });
      await pollUntil(
        () => readJob(db, poison.id),
        (row) => row["status"] !== "queued" && row["status"] !== "running",
        { timeoutMs: 30_000, what: `poison job ${poison.id} to leave the queue` },
      );

      // Let the workers run on: a healthy job proves they still claim, and
      // three more lease lengths give a wrongly requeued poison job time to
      // be claimed and kill another process.
      const healthy = await enqueueJob(db, { jobType: "stress", payload: { effect: true } });
      await pollUntil(
        () => readEffectJobIds(queue),
        (effects) => effects.includes(healthy.id),
        { timeoutMs: 15_000, what: `healthy job ${healthy.id} to complete` },
      );
      await sleep(3 * LEASE_MS);
      await fleet.stop();

      const row = await readJob(db, poison.id);
      expect(row["status"]).toBe("failed");
      expect(toInt(row["attempts"])).toBe(MAX_ATTEMPTS);
      expect(String(row["last_error"])).toMatch(/Lease expired/);

      const letters = await db.query(
        `SELECT original_job_id, attempts, reason FROM ${db.tables.deadLetter} WHERE original_job_id = ?`,
        [toIdParam(poison.id)],
      );
      expect(letters).toHaveLength(1);
      expect(toId(letters[0]?.["original_job_id"])).toBe(poison.id);
      expect(toInt(letters[0]?.["attempts"])).toBe(MAX_ATTEMPTS);
      expect(String(letters[0]?.["reason"])).toMatch(/Lease expired/);

      expect(fleet.countStartsByJob().get(poison.id)).toBe(MAX_ATTEMPTS);
      const crashes = fleet.unrequestedExits();
      expect(crashes.map((exit) => exit.signal)).toEqual(new Array(MAX_ATTEMPTS).fill("SIGKILL"));
      expect((await readJob(db, healthy.id))["status"]).toBe("completed");
    },
    90_000,
  );
});
