/**
 * Queue timing with skewed clocks: worker processes run with TZ=Asia/Tokyo
 * (UTC+9). On MySQL/MariaDB every statement of the workers, and this test's
 * enqueues and lease reads, run in a session whose time_zone is +05:30. The
 * Db interface has no hook on new pool connections, so the fixture and this
 * file set the zone at the start of each transaction. SQLite has no session
 * time zone, so only TZ applies there.
 */
import { describe, expect, it } from "vitest";

import { enqueueJob } from "../../src/queue/enqueue-job.js";
import type { EnqueueJobOptions } from "../../src/queue/enqueue-job.js";
import type { Db } from "../../src/store/db.js";
import { toIdParam, toInt, toNumber } from "../../src/store/rows.js";
import { sqlSecondsSince } from "../../src/store/sql-time.js";
import { loadQueueTargets, useTestDatabase } from "../helpers/db.js";
import { readJob } from "../queue/helpers.js";
import { openStressQueue, pollUntil, readEffectJobIds } from "./queue-state.js";
import { useWorkerFleets } from "./stress-hooks.js";
import { fixtureOptionsFor } from "./stress-targets.js";
import type { FixtureOptions } from "./worker-fleet.js";

const targets = await loadQueueTargets();

const SESSION_TIME_ZONE = "+05:30";
const LEASE_MS = 2000;

/** Runs `fn` in a transaction whose MySQL session uses SESSION_TIME_ZONE. */
function inSessionTimeZone<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (tx.dialect === "mysql") {
      await tx.execute("SET time_zone = ?", [SESSION_TIME_ZONE]);
    }
    return fn(tx);
  });
}

function enqueueInZone(db: Db, payload: unknown): Promise<string> {
  const options: EnqueueJobOptions = { jobType: "stress", payload };
  return inSessionTimeZone(db, async (tx) => (await enqueueJob(tx, options)).id);
}

/** Reads the seconds until a job's lease expires, by the database clock. */
async function readLeaseRemainingSeconds(db: Db, id: string): Promise<number> {
  const rows = await inSessionTimeZone(db, (tx) =>
    tx.query(
      `SELECT -${sqlSecondsSince(tx, "lease_expires_at")} AS remaining` +
        ` FROM ${tx.tables.jobs} WHERE id = ? AND status = 'running'`,
      [toIdParam(id)],
    ),
  );
  const remaining = rows[0]?.["remaining"];
  if (remaining == null) {
    throw new Error(`Job ${id} is not running, so it has no lease to read.`);
  }
  return toNumber(remaining);
}

describe.each(targets)("skewed time zones on $label", (target) => {
  const database = useTestDatabase(target);
  const createFleet = useWorkerFleets();

  it.skipIf(target.skipReason)(
    "claims at once, expires on time",
    async () => {
      const queue = await openStressQueue(database);
      const { db } = queue;
      const options: FixtureOptions = {
        url: database.url,
        prefix: queue.prefix,
        leaseMs: LEASE_MS,
        concurrency: 1,
        pollMs: 100,
        ...fixtureOptionsFor(target),
        sessionTimeZone: SESSION_TIME_ZONE,
        env: { TZ: "Asia/Tokyo" },
      };
      const first = createFleet(options);
      const [ready] = await first.start(1);
      expect(ready?.timeZoneOffsetMinutes).toBe(9 * 60);
      if (db.dialect === "mysql") {
        expect(ready?.sessionTimeZone).toBe(SESSION_TIME_ZONE);
        expect(ready?.sessionOffsetMinutes).toBe(5 * 60 + 30);
      }

      // A job with no delay runs at once: within a few polls, not hours later.
      const enqueuedAt = Date.now();
      const readyJob = await enqueueInZone(db, { effect: true });
      await pollUntil(
        () => readEffectJobIds(queue),
        (effects) => effects.includes(readyJob),
        { timeoutMs: 10_000, intervalMs: 50, what: `job ${readyJob}, enqueued with no delay, to run` },
      );
      expect(Date.now() - enqueuedAt).toBeLessThan(3000);

      // A claimed lease ends LEASE_MS after its last renewal. Kill the
      // holder, and a new process must take the job back once that time
      // has passed: not before, and not hours later.
      const leasedJob = await enqueueInZone(db, { effect: true, sleepMs: 5000 });
      await pollUntil(
        async () => first.starts.some((start) => start.jobId === leasedJob),
        (started) => started,
        { timeoutMs: 10_000, intervalMs: 20, what: `job ${leasedJob} to start` },
      );
      await first.killAll();
      const killedAt = Date.now();
      const remainingMs = (await readLeaseRemainingSeconds(db, leasedJob)) * 1000;
      expect(remainingMs).toBeGreaterThan(0);
      expect(remainingMs).toBeLessThanOrEqual(LEASE_MS);

      const second = createFleet(options);
      await second.start(1);
      // Recovery counts an attempt, and the new process may claim the job
      // again at once, so the attempts column shows the recovery, not the
      // status.
      await pollUntil(
        async () => toInt((await readJob(db, leasedJob))["attempts"]),
        (attempts) => attempts > 0,
        { timeoutMs: 20_000, intervalMs: 50, what: `job ${leasedJob} to be recovered` },
      );
      const recoveredAfterMs = Date.now() - killedAt;
      // The new process checks for expired leases on start and then once
      // per lease length, so recovery comes at most one lease length (plus
      // its start-up time) after the expiry.
      expect(recoveredAfterMs).toBeGreaterThanOrEqual(remainingMs - 100);
      expect(recoveredAfterMs).toBeLessThan(remainingMs + LEASE_MS + 3000);

      await pollUntil(
        () => readEffectJobIds(queue),
        (effects) => effects.includes(leasedJob),
        { timeoutMs: 20_000, what: `recovered job ${leasedJob} to complete` },
      );
      await second.stop();
      expect(toInt((await readJob(db, leasedJob))["attempts"])).toBe(1);
      expect(await readEffectJobIds(queue)).toEqual([readyJob, leasedJob]);
      expect(second.unrequestedExits()).toEqual([]);
    },
    90_000,
  );
});
