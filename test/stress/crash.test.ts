import { describe, expect, it } from "vitest";

import { toId, toInt } from "../../src/store/rows.js";
import { loadQueueTargets, sleep, useTestDatabase } from "../helpers/db.js";
import {
  countJobs,
  findDuplicates,
  openStressQueue,
  pollUntil,
  produceJobs,
  readDeadLetterJobIds,
  readEffectJobIds,
  readJobIds,
} from "./queue-state.js";
import type { StressQueue } from "./queue-state.js";
import { useWorkerFleets } from "./stress-hooks.js";
import { fixtureOptionsFor } from "./stress-targets.js";
import type { WorkerFleet } from "./worker-fleet.js";

const targets = await loadQueueTargets();

const JOBS = 2000;
const PROCESSES = 4;
const LEASE_MS = 2000;

/** Kills stop once this share of the jobs has finished, so the rest drain. */
const KILL_UNTIL_FINISHED = 0.9;

/** Reads each job's attempts column, by job id. */
async function readAttemptsById(queue: StressQueue): Promise<Map<string, number>> {
  const rows = await queue.db.query(`SELECT id, attempts FROM ${queue.db.tables.jobs}`);
  return new Map(rows.map((row) => [toId(row["id"]), toInt(row["attempts"])]));
}

/**
 * Kills a random process every 300-700 ms and starts a replacement, until
 * most jobs have finished. Returns the number of kills.
 */
async function killWhileJobsRun(queue: StressQueue, fleet: WorkerFleet): Promise<number> {
  let kills = 0;
  for (;;) {
    await sleep(300 + Math.random() * 400);
    const counts = await countJobs(queue.db);
    if (counts.completed + counts.failed >= JOBS * KILL_UNTIL_FINISHED) {
      return kills;
    }
    await fleet.killOneAndReplace();
    kills += 1;
  }
}

describe.each(targets)("kill -9 recovery on $label", (target) => {
  const database = useTestDatabase(target);
  const createFleet = useWorkerFleets();

  it.skipIf(target.skipReason)(
    "loses and repeats no job",
    async () => {
      const queue = await openStressQueue(database);
      const { db } = queue;
      const fleet = createFleet({
        url: database.url,
        prefix: queue.prefix,
        leaseMs: LEASE_MS,
        concurrency: 2,
        pollMs: 50,
        ...fixtureOptionsFor(target),
      });
      await fleet.start(PROCESSES);
      const ids = await produceJobs(db, {
        count: JOBS,
        perSecond: 10_000,
        batchSize: 200,
        payload: { effect: true, sleepMs: 50 },
      });

      const kills = await killWhileJobsRun(queue, fleet);
      // Orphaned leases expire within LEASE_MS and are recovered at most one
      // lease length later, by whichever process checks first.
      await pollUntil(
        () => countJobs(db),
        (counts) => counts.completed + counts.failed === JOBS,
        { timeoutMs: 90_000, what: `all ${JOBS} jobs to finish after ${kills} kills` },
      );
      const exits = await fleet.stop();

      expect(kills).toBeGreaterThanOrEqual(5);

      const completed = await readJobIds(db, "completed");
      const failed = await readJobIds(db, "failed");
      const deadLetters = await readDeadLetterJobIds(db);
      expect(completed.length + failed.length).toBe(JOBS);
      expect(deadLetters).toEqual(failed);
      expect([...completed, ...failed].sort((a, b) => Number(a) - Number(b))).toEqual(ids);

      const effects = await readEffectJobIds(queue);
      expect(findDuplicates(effects)).toEqual([]);
      expect(effects).toEqual(completed);

      // A job may start more often than its attempts show, because a
      // worker releases a job without counting an attempt when the
      // completion fails on transient errors. Every completed job started.
      const attemptsById = await readAttemptsById(queue);
      const startsByJob = fleet.countStartsByJob();
      const neverStarted = completed.filter((id) => !startsByJob.has(id));
      expect(neverStarted).toEqual([]);

      const recovered = [...attemptsById.values()].filter((attempts) => attempts > 0);
      console.info(
        `${target.label}: ${kills} kills; ${recovered.length} jobs recovered after a kill, ` +
          `${failed.length} dead-lettered`,
      );
      expect(recovered.length).toBeGreaterThan(0);

      expect(fleet.unrequestedExits()).toEqual([]);
      expect(exits.map((exit) => exit.code)).toEqual(new Array(PROCESSES).fill(0));
    },
    180_000,
  );
});
