/**
 * Importing a WordPress export end to end: the Theme Unit Test export is
 * read, stored and enqueued, the real worker indexes it, and search finds
 * its posts. Markup that WordPress renders away (shortcodes, entities)
 * must not reach the token table.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";
import { readPaths } from "../../src/sources/read-files.js";
import { toInt } from "../../src/store/rows.js";
import { runCli } from "../cli/run-cli.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const EXPORT = path.resolve("test/fixtures/themeunittestdata.wordpress.xml");
const SITE = "https://wpthemetestdata.wordpress.com";
/** Published posts and pages without a password in the export. */
const PUBLISHED = 76;

const targets = await loadDialectTargets();
const silent = pino({ level: "silent" });

async function drainQueue(engine: Engine) {
  const worker = new Worker(engine.db, createIndexPostHandler(engine), {
    jobTypes: [EMBED_POST_JOB],
    limit: 0,
    untilEmpty: true,
    concurrency: 2,
    logger: silent,
  });
  return worker.run();
}

async function importFile(engine: Engine, file: string) {
  const counts = { added: 0, updated: 0, unchanged: 0 };
  for await (const event of readPaths([file])) {
    if ("error" in event) throw new Error(event.error.message);
    counts[(await importPost(engine.db, event.post)).outcome]++;
  }
  return counts;
}

async function countTokens(engine: Engine, token: string): Promise<number> {
  const rows = await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.tokens} WHERE token = ?`, [token]);
  return toInt(rows[0]?.n);
}

describe.each(targets)("WordPress export import on $dialect", (target) => {
  let database: TestDatabase;
  let engine: Engine;
  let folder: string;

  beforeAll(async () => {
    if (target.skipReason) return;
    folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-wxr-e2e-"));
    database = await target.createDatabase();
    engine = await openEngine({ dbUrl: database.url, prefix: "wxr_", log: silent, threads: 2, createSchema: true });
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it.skipIf(target.skipReason)("imports and indexes every published post", async () => {
    expect(await importFile(engine, EXPORT)).toEqual({ added: PUBLISHED, updated: 0, unchanged: 0 });
    const summary = await drainQueue(engine);
    expect(summary.completed).toBe(PUBLISHED);
    expect(summary.failed).toBe(0);
    const posts = await engine.db.query(`SELECT COUNT(DISTINCT post_id) AS n FROM ${engine.db.tables.chunks}`);
    // "Edge Case: No Content" is indexed by its title alone.
    expect(toInt(posts[0]?.n)).toBe(PUBLISHED);
  });

  it.skipIf(target.skipReason)("finds known posts by their words", async () => {
    const cases: [string, string][] = [
      ["completely neutral not picking a side", `${SITE}/2013/01/09/markup-text-alignment/`],
      ["non-breaking text title overflow", `${SITE}/2009/10/05/title-should-not-overflow-the-content-area/`],
      ["Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu", `${SITE}/2009/10/05/title-should-not-overflow-the-content-area/`],
    ];
    for (const [query, url] of cases) {
      const { results } = await engine.searcher.search({ query, k: 3 });
      expect(results[0]?.url, query).toBe(url);
    }
    const greek = await engine.searcher.search({ query: "Ελληνικά", k: 3 });
    expect(greek.results[0]?.title).toBe("Ελληνικά-Greek");
    const markup = await engine.searcher.search({ query: "title with markup", k: 3 });
    expect(markup.results.map((result) => result.title)).toContain("Markup: Title With Markup");
  });

  it.skipIf(target.skipReason)("keeps shortcodes and entities out of the token table", async () => {
    // Attribute values of [caption id="attachment_612" align="aligncenter" width="640"] and its kin.
    for (const token of ["aligncenter", "alignleft", "alignright", "alignnone", "612"]) {
      expect(await countTokens(engine, token), token).toBe(0);
    }
    // Entities in post content: &nbsp; &mdash; &laquo; &quot; &amp;
    for (const token of ["nbsp", "mdash", "laquo", "quot", "amp"]) {
      expect(await countTokens(engine, token), token).toBe(0);
    }
    // Text between an enclosing shortcode's tags is content and stays:
    // "[caption ...]<img ...> Comment for massive image for your eyeballs.[/caption]" in "Markup: Image Alignment".
    expect(await countTokens(engine, "eyeballs")).toBeGreaterThan(0);
    const excerpts = await engine.db.query(`SELECT chunk_text FROM ${engine.db.tables.chunks}`);
    for (const row of excerpts) {
      expect(String(row.chunk_text)).not.toMatch(/\[\/?(caption|gallery|audio|embed)\b/);
      expect(String(row.chunk_text)).not.toMatch(/&(nbsp|mdash|laquo|amp);/);
    }
  });

  it.skipIf(target.skipReason)("enqueues nothing for an unchanged re-import", async () => {
    expect(await importFile(engine, EXPORT)).toEqual({ added: 0, updated: 0, unchanged: PUBLISHED });
    expect((await readQueueStatus(engine.db)).counts.queued).toBe(0);
  });

  it.skipIf(target.skipReason)("re-indexes a post changed in a newer export", async () => {
    const original = await readFile(EXPORT, "utf8");
    const edited = original.replace("Nothing fancy. Just straight up text", "Nothing fancy. Just quokka husk text");
    expect(edited).not.toBe(original);
    const file = path.join(folder, "edited.xml");
    await writeFile(file, edited);
    expect(await importFile(engine, file)).toEqual({ added: 0, updated: 1, unchanged: PUBLISHED - 1 });
    expect((await drainQueue(engine)).completed).toBe(1);
    const { results } = await engine.searcher.search({ query: "quokka husk", k: 3 });
    expect(results[0]?.url).toBe(`${SITE}/2013/01/09/markup-text-alignment/`);
    expect(await countTokens(engine, "quokka")).toBe(1);
  });

  it.skipIf(target.skipReason)("CLI imports, indexes and searches", async () => {
    const common = ["--db", database.url, "--prefix", "wxrcli_", "-q"];
    const imported = await runCli(["import", EXPORT, ...common]);
    // The engine's tables of the cases above use another prefix, so only the warning about that is logged.
    expect(imported.stderr.trim().split("\n")).toHaveLength(1);
    expect(imported.stderr).toMatch(/created new tables with the prefix \\"wxrcli_\\" beside existing ones/);
    expect(imported.stdout).toContain(`${PUBLISHED} added, 0 updated, 0 unchanged, 0 failed`);
    const worked = await runCli(["worker", "run", "--limit=0", "--until-empty", "--json", ...common]);
    expect(worked.status).toBe(0);
    expect(JSON.parse(worked.stdout)).toMatchObject({ completed: PUBLISHED, failed: 0 });
    const searched = await runCli(["search", "completely neutral not picking a side", "-k", "3", "--json", ...common]);
    expect(searched.status).toBe(0);
    const results = JSON.parse(searched.stdout) as { url: string }[];
    expect(results[0]?.url).toBe(`${SITE}/2013/01/09/markup-text-alignment/`);
    const drafts = await runCli(["import", EXPORT, "--status", "publish,draft", "--type", "post", ...common]);
    // 58 posts less the scheduled and the password-protected one; only the draft is new.
    expect(drafts.stdout).toContain("1 added, 0 updated, 55 unchanged, 0 failed");
    const invalid = await runCli(["import", EXPORT, "--status", "Publish", ...common]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('Invalid --status value "Publish"');
  });

  it.skipIf(target.skipReason)("CLI rejects a malformed export and stores nothing", async () => {
    const original = await readFile(EXPORT, "utf8");
    // Cuts the file in the middle of the 60th item, after posts that would be new.
    const cut = original.split("<item>").slice(0, 60).join("<item>") + "<item><title>Cut off";
    const renamed = cut.replaceAll(`<wp:post_id>`, `<wp:post_id>9`);
    const file = path.join(folder, "cut.xml");
    await writeFile(file, renamed);
    const before = await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.posts}`);
    const run = await runCli(["import", file, "--db", database.url, "--prefix", "wxr_"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`invalid WordPress export ${file}:`);
    expect(run.stderr).toContain(". Nothing was imported from this file.");
    expect(run.stdout).toContain("0 added, 0 updated, 0 unchanged, 1 failed");
    const after = await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.posts}`);
    expect(toInt(after[0]?.n)).toBe(toInt(before[0]?.n));
  });
});
