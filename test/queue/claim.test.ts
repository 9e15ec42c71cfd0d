import { afterEach, describe, expect, it } from "vitest";

import { claimJobs, resolveClaimStrategy } from "../../src/queue/claim-jobs.js";
import { completeJob } from "../../src/queue/complete-job.js";
import { enqueueJob } from "../../src/queue/enqueue-job.js";
import type { ClaimedJob } from "../../src/queue/types.js";
import type { Db } from "../../src/store/db.js";
import { upgrade } from "../../src/store/migrate.js";
import { loadQueueTargets, uniquePrefix, useTestDatabase } from "../helpers/db.js";
import { readJob, readPrefix } from "./helpers.js";

const EXPECTED_METHOD: Record<string, string> = {
  sqlite: "sqlite-write-lock",
  mysql: "skip-locked",
  "mysql (claim token)": "claim-token",
};

const targets = await loadQueueTargets();
const claimOptions = { runner: "test:1", leaseMs: 60_000 };

async function claimUntilEmpty(db: Db, runner: string): Promise<ClaimedJob[]> {
  const claimed: ClaimedJob[] = [];
  for (;;) {
    const batch = await claimJobs(db, { runner, leaseMs: 60_000, limit: 3 });
    if (batch.length === 0) {
      return claimed;
    }
    claimed.push(...batch);
  }
}

describe.each(targets)("claimJobs on $label", (target) => {
  const { dialect, skipReason } = target;
  const database = useTestDatabase(target);
  const originalTz = process.env["TZ"];

  afterEach(() => {
    process.env["TZ"] = originalTz;
  });

  it.skipIf(skipReason)("returns the claimed job's fields", async () => {
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "embed_post", postId: "7", payload: { a: 1 } });
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(job).toMatchObject({
      id,
      jobType: "embed_post",
      postId: "7",
      payload: { a: 1 },
      attempts: 0,
      maxAttempts: 5,
      runner: "test:1",
    });
    expect(job?.claimToken).toMatch(/^[0-9a-f]{32}$/);
    const row = await readJob(db, id);
    expect(row["status"]).toBe("running");
    expect(Number(row["locked"])).toBe(1);
    expect(row["claim_token"]).toBe(job?.claimToken);
    expect(row["lease_expires_at"]).not.toBeNull();
  });

  it.skipIf(skipReason)("auto picks the target's method", async () => {
    const db = await database.openMigrated();
    expect(resolveClaimStrategy(db)).toBe(EXPECTED_METHOD[target.label]);
    expect(resolveClaimStrategy(db, "auto")).toBe(EXPECTED_METHOD[target.label]);
  });

  it.skipIf(skipReason)("claim batch is set only by claim token", async () => {
    const db = await database.openMigrated();
    const first = await enqueueJob(db, { jobType: "t" });
    const second = await enqueueJob(db, { jobType: "t" });
    const claimed = await claimJobs(db, { ...claimOptions, limit: 2 });
    expect(claimed.map((job) => job.id)).toEqual([first.id, second.id]);
    const batches = [(await readJob(db, first.id))["claim_batch"], (await readJob(db, second.id))["claim_batch"]];
    if (resolveClaimStrategy(db) === "claim-token") {
      expect(batches[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(batches[1]).toBe(batches[0]);
    } else {
      expect(batches).toEqual([null, null]);
    }
    expect(claimed[0]?.claimToken).not.toBe(claimed[1]?.claimToken);
    expect(await completeJob(db, claimed[0]!)).toBe(true);
    expect((await readJob(db, first.id))["claim_batch"]).toBeNull();
  });

  it.skipIf(skipReason || dialect !== "mysql")("strategy option forces either method", async () => {
    const db = await database.openMigrated();
    for (const strategy of ["skip-locked", "claim-token"] as const) {
      expect(resolveClaimStrategy(db, strategy)).toBe(strategy);
      const low = await enqueueJob(db, { jobType: "t", priority: 1 });
      const high = await enqueueJob(db, { jobType: "t" });
      const claimed = await claimJobs(db, { ...claimOptions, limit: 5, strategy });
      expect(claimed.map((job) => job.id)).toEqual([high.id, low.id]);
      const batch = (await readJob(db, high.id))["claim_batch"];
      expect(batch === null).toBe(strategy === "skip-locked");
    }
  });

  it.skipIf(skipReason || dialect !== "sqlite")("sqlite ignores the strategy option", async () => {
    const db = await database.openMigrated();
    expect(resolveClaimStrategy(db, "claim-token")).toBe("sqlite-write-lock");
    const { id } = await enqueueJob(db, { jobType: "t" });
    const claimed = await claimJobs(db, { ...claimOptions, limit: 1, strategy: "claim-token" });
    expect(claimed.map((job) => job.id)).toEqual([id]);
  });

  it.skipIf(skipReason)("claim token fits the column", async () => {
    const db = await database.openMigrated();
    const jobs = db.tables.jobs;
    if (dialect === "mysql") {
      await db.execute(`ALTER TABLE ${jobs} AUTO_INCREMENT = 18446744073709551000`);
    }
    const { id } = await enqueueJob(db, { jobType: "t" });
    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(job?.id).toBe(id);
    expect(job?.claimToken).toMatch(/^[0-9a-f]{32}$/);
    expect((await readJob(db, id))["claim_token"]).toBe(job?.claimToken);
  });

  it.skipIf(skipReason)("claims by priority, then age", async () => {
    const db = await database.openMigrated();
    const low = await enqueueJob(db, { jobType: "t", priority: 5 });
    const first = await enqueueJob(db, { jobType: "t" });
    const urgent = await enqueueJob(db, { jobType: "t", priority: -5 });
    const second = await enqueueJob(db, { jobType: "t" });
    const claimed = await claimJobs(db, { ...claimOptions, limit: 10 });
    expect(claimed.map((job) => job.id)).toEqual([urgent.id, first.id, second.id, low.id]);
  });

  it.skipIf(skipReason)("filters by job type", async () => {
    const db = await database.openMigrated();
    await enqueueJob(db, { jobType: "a" });
    const typeB = await enqueueJob(db, { jobType: "b" });
    const claimed = await claimJobs(db, { ...claimOptions, limit: 10, jobTypes: ["b"] });
    expect(claimed.map((job) => job.id)).toEqual([typeB.id]);
  });

  it.skipIf(skipReason)("rejects invalid options", async () => {
    const db = await database.openMigrated();
    const strategy = "newest" as never;
    await expect(claimJobs(db, { ...claimOptions, limit: 1, strategy })).rejects.toThrow(/Invalid strategy "newest"/);
    await expect(claimJobs(db, { ...claimOptions, limit: 0 })).rejects.toThrow(/Invalid limit/);
    await expect(claimJobs(db, { runner: "", leaseMs: 1, limit: 1 })).rejects.toThrow(/Invalid runner/);
  });

  it.skipIf(skipReason)("4 concurrent claimers never share a job", async () => {
    const setup = await database.openMigrated();
    const prefix = readPrefix(setup);
    for (let i = 0; i < 200; i += 1) {
      await enqueueJob(setup, { jobType: "t", payload: { i } });
    }
    const claimers = await Promise.all([1, 2, 3, 4].map(() => database.open({ prefix })));
    const results = await Promise.all(claimers.map((db, i) => claimUntilEmpty(db, `test:${i}`)));

    const ids = results.flat().map((job) => job.id);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    const tokens = results.flat().map((job) => job.claimToken);
    expect(new Set(tokens).size).toBe(200);
    for (const batch of results) {
      expect(batch.length).toBeGreaterThan(0);
    }
  });

  it.skipIf(skipReason)("ids above 2^53 stay exact", async () => {
    const db = await database.openMigrated();
    const jobs = db.tables.jobs;
    if (dialect === "mysql") {
      await db.execute(`ALTER TABLE ${jobs} AUTO_INCREMENT = 9007199254740993`);
    } else {
      await db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [jobs]);
      await db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, 9007199254740992)", [jobs]);
    }
    const first = await enqueueJob(db, { jobType: "t", postId: "9007199254740995" });
    const second = await enqueueJob(db, { jobType: "t" });
    expect(first.id).toBe("9007199254740993");
    expect(second.id).toBe("9007199254740994");

    const [job] = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(job?.id).toBe("9007199254740993");
    expect(job?.postId).toBe("9007199254740995");
    expect(await completeJob(db, job!)).toBe(true);
    expect((await readJob(db, second.id))["status"]).toBe("queued");
  });

  it.skipIf(skipReason)("fresh job is claimable in any client time zone", async () => {
    process.env["TZ"] = "Pacific/Kiritimati";
    const db = await database.openMigrated();
    const { id } = await enqueueJob(db, { jobType: "t" });
    process.env["TZ"] = "America/Los_Angeles";
    const claimed = await claimJobs(db, { ...claimOptions, limit: 1 });
    expect(claimed.map((job) => job.id)).toEqual([id]);
  });

  it.skipIf(skipReason || dialect !== "mysql")("ignores the session time_zone", async () => {
    const prefix = uniquePrefix();
    const east = await database.open({ prefix, connectionLimit: 1 });
    await upgrade(east);
    await east.execute("SET time_zone = '+05:30'");
    const { id } = await enqueueJob(east, { jobType: "t" });
    const ownClaim = await claimJobs(east, { ...claimOptions, limit: 1 });
    expect(ownClaim.map((job) => job.id)).toEqual([id]);

    const second = await enqueueJob(east, { jobType: "t" });
    const west = await database.open({ prefix, connectionLimit: 1 });
    await west.execute("SET time_zone = '-08:00'");
    const otherClaim = await claimJobs(west, { ...claimOptions, limit: 1 });
    expect(otherClaim.map((job) => job.id)).toEqual([second.id]);
  });
});
