import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";

const silent = pino({ level: "silent" });

let folder: string;
let primary: Engine;

async function drain(engine: Engine) {
  const worker = new Worker(engine.db, createIndexPostHandler(engine), { jobTypes: [EMBED_POST_JOB], limit: 0, untilEmpty: true, logger: silent });
  return worker.run();
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-replica-"));
  primary = await openEngine({ dbUrl: `sqlite:${path.join(folder, "primary.db")}`, prefix: "wp_", log: silent, threads: 1, createSchema: true });
  await importPost(primary.db, { source: "kiln", title: "Pottery kilns", url: "", content: "A kiln fires clay pots." });
  await drain(primary);
  const copy = new Database(path.join(folder, "primary.db"));
  copy.prepare("VACUUM INTO ?").run(path.join(folder, "replica.db"));
  copy.close();
  await importPost(primary.db, { source: "loom", title: "Weaving looms", url: "", content: "A loom weaves thread into cloth." });
  await drain(primary);
});

afterAll(async () => {
  await primary?.close();
  await rm(folder, { recursive: true, force: true });
});

describe("search on a read replica", () => {
  it("reads what the replica holds and writes to the primary", async () => {
    const engine = await openEngine({
      dbUrl: `sqlite:${path.join(folder, "primary.db")}`,
      readDbUrl: `sqlite:${path.join(folder, "replica.db")}`,
      prefix: "wp_",
      log: silent,
      threads: 1,
    });
    try {
      expect(engine.readDb).not.toBe(engine.db);
      const onReplica = await engine.searcher.search({ query: "loom cloth", k: 5 });
      expect(onReplica.results.map((result) => result.title)).toEqual(["Pottery kilns"]);
      const kiln = await engine.searcher.search({ query: "kiln", k: 5 });
      expect(kiln.results[0]?.title).toBe("Pottery kilns");
    } finally {
      await engine.close();
    }
    const onPrimary = await primary.searcher.search({ query: "loom cloth", k: 5 });
    expect(onPrimary.results[0]?.title).toBe("Weaving looms");
  });

  it("rejects a replica without the schema", async () => {
    const empty = path.join(folder, "empty.db");
    new Database(empty).close();
    await expect(
      openEngine({ dbUrl: `sqlite:${path.join(folder, "primary.db")}`, readDbUrl: `sqlite:${empty}`, prefix: "wp_", log: silent, threads: 1 }),
    ).rejects.toThrow(/no wpllmseo schema/);
  });
});
