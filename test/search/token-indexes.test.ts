import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const targets = (await loadDialectTargets()).filter((target) => target.dialect === "mysql");
const MISSING_INDEX = "has no (token, post_id, score) index";

describe.each(targets)("a token table without the (token, post_id, score) index on $label", (target) => {
  it.skipIf(target.skipReason)("searches and warns once", async () => {
    const database: TestDatabase = await target.createDatabase();
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    let engine: Engine | undefined;
    try {
      engine = await openEngine({ dbUrl: database.url, prefix: "noindex_", log, threads: 1, createSchema: true });
      await engine.db.execute(`ALTER TABLE ${engine.db.tables.tokens} DROP KEY token_post_score`);
      const posts = [
        { source: "tides.txt", title: "Harbour tides", url: "https://example.test/tides", content: "Spring tides flood the harbour twice a month." },
        { source: "lakes.txt", title: "Alpine lakes", url: "https://example.test/lakes", content: "Glacial lakes hold meltwater in the high valleys of the harbour town." },
      ];
      for (const post of posts) await importPost(engine.db, post);
      const worker = new Worker(engine.db, createIndexPostHandler(engine), { jobTypes: [EMBED_POST_JOB], limit: 0, untilEmpty: true, logger: log });
      expect((await worker.run()).completed).toBe(2);

      const tides = await engine.searcher.search({ query: "harbour tides", k: 2 });
      expect(tides.results.map((result) => result.title)).toEqual(["Harbour tides", "Alpine lakes"]);
      await engine.searcher.search({ query: "glacial lakes", k: 2 });
      await vi.waitFor(() => expect(lines.filter((line) => line.includes(MISSING_INDEX))).toHaveLength(1));
      const warning = JSON.parse(lines.find((line) => line.includes(MISSING_INDEX)) as string) as { msg: string; table: string };
      expect(warning.table).toBe(engine.db.tables.tokens);
      expect(warning.msg).toContain("wpllmseo upgrade --force");
    } finally {
      await engine?.close();
      await database.drop();
    }
  });
});
