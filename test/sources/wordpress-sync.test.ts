/**
 * The WordPress sync against a `wp_posts` table with WordPress's own column
 * definitions (wp-admin/includes/schema.php), in the same database as the
 * engine's tables. Posts are created, edited, trashed, restored and deleted
 * between syncs, the real worker drains the queue after each sync, and
 * search must reflect every step.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { Worker } from "../../src/queue/worker.js";
import { DEFAULT_POST_STATUSES, DEFAULT_POST_TYPES } from "../../src/sources/wordpress-post.js";
import { SyncSourceError, syncWordPress, watermarkName, type SyncOptions, type WordPressSource } from "../../src/sources/wordpress-sync.js";
import type { Db, Dialect } from "../../src/store/db.js";
import { readMeta } from "../../src/store/meta.js";
import { toInt } from "../../src/store/rows.js";
import { runCli } from "../cli/run-cli.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();
const silent = pino({ level: "silent" });
const WP = "wp_";
const ENGINE_PREFIX = "eng_";
const SITE = "https://blog.example.org";

/** WordPress's wp_posts table: MySQL as in wp-admin/includes/schema.php, SQLite with the same columns and keys. */
function createPostsTable(dialect: Dialect): string[] {
  if (dialect === "mysql") {
    return [
      `CREATE TABLE ${WP}posts (
        ID bigint(20) unsigned NOT NULL auto_increment,
        post_author bigint(20) unsigned NOT NULL default '0',
        post_date datetime NOT NULL default '0000-00-00 00:00:00',
        post_date_gmt datetime NOT NULL default '0000-00-00 00:00:00',
        post_content longtext NOT NULL,
        post_title text NOT NULL,
        post_excerpt text NOT NULL,
        post_status varchar(20) NOT NULL default 'publish',
        comment_status varchar(20) NOT NULL default 'open',
        ping_status varchar(20) NOT NULL default 'open',
        post_password varchar(255) NOT NULL default '',
        post_name varchar(200) NOT NULL default '',
        to_ping text NOT NULL,
        pinged text NOT NULL,
        post_modified datetime NOT NULL default '0000-00-00 00:00:00',
        post_modified_gmt datetime NOT NULL default '0000-00-00 00:00:00',
        post_content_filtered longtext NOT NULL,
        post_parent bigint(20) unsigned NOT NULL default '0',
        guid varchar(255) NOT NULL default '',
        menu_order int(11) NOT NULL default '0',
        post_type varchar(20) NOT NULL default 'post',
        post_mime_type varchar(100) NOT NULL default '',
        comment_count bigint(20) NOT NULL default '0',
        PRIMARY KEY  (ID),
        KEY post_name (post_name(191)),
        KEY type_status_date (post_type,post_status,post_date,ID),
        KEY post_parent (post_parent),
        KEY post_author (post_author)
      ) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci`,
    ];
  }
  return [
    `CREATE TABLE ${WP}posts (
      ID INTEGER PRIMARY KEY AUTOINCREMENT,
      post_author INTEGER NOT NULL DEFAULT 0,
      post_date TEXT NOT NULL DEFAULT '0000-00-00 00:00:00',
      post_date_gmt TEXT NOT NULL DEFAULT '0000-00-00 00:00:00',
      post_content TEXT NOT NULL,
      post_title TEXT NOT NULL,
      post_excerpt TEXT NOT NULL,
      post_status TEXT NOT NULL DEFAULT 'publish',
      comment_status TEXT NOT NULL DEFAULT 'open',
      ping_status TEXT NOT NULL DEFAULT 'open',
      post_password TEXT NOT NULL DEFAULT '',
      post_name TEXT NOT NULL DEFAULT '',
      to_ping TEXT NOT NULL,
      pinged TEXT NOT NULL,
      post_modified TEXT NOT NULL DEFAULT '0000-00-00 00:00:00',
      post_modified_gmt TEXT NOT NULL DEFAULT '0000-00-00 00:00:00',
      post_content_filtered TEXT NOT NULL,
      post_parent INTEGER NOT NULL DEFAULT 0,
      guid TEXT NOT NULL DEFAULT '',
      menu_order INTEGER NOT NULL DEFAULT 0,
      post_type TEXT NOT NULL DEFAULT 'post',
      post_mime_type TEXT NOT NULL DEFAULT '',
      comment_count INTEGER NOT NULL DEFAULT 0
    )`,
    `CREATE INDEX ${WP}posts_post_name ON ${WP}posts (post_name)`,
    `CREATE INDEX ${WP}posts_type_status_date ON ${WP}posts (post_type, post_status, post_date, ID)`,
    `CREATE INDEX ${WP}posts_post_parent ON ${WP}posts (post_parent)`,
    `CREATE INDEX ${WP}posts_post_author ON ${WP}posts (post_author)`,
  ];
}

interface NewPost {
  title: string;
  content: string;
  status?: string;
  type?: string;
  password?: string;
  modifiedGmt: string;
}

/** Inserts a post the way wp_insert_post does, every NOT NULL column written; returns its ID. */
async function insertWpPost(db: Db, post: NewPost): Promise<string> {
  const inserted = await db.execute(
    `INSERT INTO ${WP}posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status,` +
      " post_password, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type)" +
      " VALUES (1, ?, ?, ?, ?, '', ?, ?, '', '', '', ?, ?, '', ?)",
    [
      post.modifiedGmt,
      post.modifiedGmt,
      post.content,
      post.title,
      post.status ?? "publish",
      post.password ?? "",
      post.modifiedGmt,
      post.modifiedGmt,
      post.type ?? "post",
    ],
  );
  const id = inserted.insertId as string;
  await db.execute(`UPDATE ${WP}posts SET guid = ? WHERE ID = ?`, [`${SITE}/?p=${id}`, id]);
  return id;
}

async function updateWpPost(db: Db, id: string, changes: Record<string, string>, modifiedGmt: string): Promise<void> {
  const columns = Object.keys(changes);
  const assignments = [...columns.map((column) => `${column} = ?`), "post_modified = ?", "post_modified_gmt = ?"];
  await db.execute(`UPDATE ${WP}posts SET ${assignments.join(", ")} WHERE ID = ?`, [
    ...columns.map((column) => changes[column]),
    modifiedGmt,
    modifiedGmt,
    id,
  ]);
}

describe.each(targets)("WordPress sync on $dialect", (target) => {
  let database: TestDatabase;
  let engine: Engine;
  let source: WordPressSource;
  const ids: Record<string, string> = {};
  const options: SyncOptions = { filter: { types: DEFAULT_POST_TYPES, statuses: DEFAULT_POST_STATUSES }, batchSize: 2 };

  const sync = () => syncWordPress(engine.db, source, options);

  async function drain(): Promise<number> {
    const worker = new Worker(engine.db, createIndexPostHandler(engine), {
      jobTypes: [EMBED_POST_JOB],
      limit: 0,
      untilEmpty: true,
      logger: silent,
    });
    const summary = await worker.run();
    expect(summary.failed).toBe(0);
    return summary.completed;
  }

  async function topUrl(query: string): Promise<string | undefined> {
    const { results } = await engine.searcher.search({ query, k: 5 });
    return results.find((result) => result.explain.lexicalRank !== null)?.url;
  }

  async function countTokens(token: string): Promise<number> {
    const rows = await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.tokens} WHERE token = ?`, [token]);
    return toInt(rows[0]?.n);
  }

  beforeAll(async () => {
    if (target.skipReason) return;
    database = await target.createDatabase();
    engine = await openEngine({ dbUrl: database.url, prefix: ENGINE_PREFIX, log: silent, threads: 1, createSchema: true });
    for (const statement of createPostsTable(target.dialect)) await engine.db.execute(statement);
    source = { db: engine.db, prefix: WP };
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  it.skipIf(target.skipReason)("first sync stores published posts and pages", async () => {
    ids.harbour = await insertWpPost(engine.db, { title: "Harbour &amp; tides", content: "<p>Spring tides flood the harbour.</p>", modifiedGmt: "2024-03-01 09:00:00" });
    ids.lakes = await insertWpPost(engine.db, { title: "Alpine lakes", content: "Glacial lakes hold meltwater.", modifiedGmt: "2024-03-01 09:05:00" });
    ids.orchard = await insertWpPost(engine.db, { title: "Orchard", content: "Quince trees ripen late.", modifiedGmt: "2024-03-01 09:10:00" });
    ids.about = await insertWpPost(engine.db, { title: "About", content: "Pelicans nest on the island.", type: "page", modifiedGmt: "2024-03-01 09:15:00" });
    ids.draft = await insertWpPost(engine.db, { title: "Draft", content: "Walrus colony notes.", status: "draft", modifiedGmt: "2024-03-01 09:20:00" });
    ids.secret = await insertWpPost(engine.db, { title: "Members", content: "Narwhal sightings.", password: "enter", modifiedGmt: "2024-03-01 09:25:00" });
    await insertWpPost(engine.db, { title: "photo.jpg", content: "", status: "inherit", type: "attachment", modifiedGmt: "2024-03-01 09:30:00" });
    await insertWpPost(engine.db, { title: "Home", content: "", type: "nav_menu_item", modifiedGmt: "2024-03-01 09:35:00" });

    const result = await sync();
    expect(result.added).toBe(4);
    expect(result.removed).toBe(0);
    expect(result.scanned).toBe(6);
    expect(result.watermark).toEqual({ modifiedGmt: "2024-03-01 09:25:00", id: ids.secret });
    expect(await drain()).toBe(4);

    expect(await topUrl("harbour tides")).toBe(`${SITE}/?p=${ids.harbour}`);
    expect(await topUrl("pelicans island")).toBe(`${SITE}/?p=${ids.about}`);
    expect(await countTokens("walrus")).toBe(0);
    expect(await countTokens("narwhal")).toBe(0);
    const titles = await engine.db.query(`SELECT title FROM ${engine.db.tables.posts} WHERE source = ?`, [`wordpress:${ids.harbour}`]);
    expect(titles[0]?.title).toBe("Harbour & tides");
  });

  it.skipIf(target.skipReason)("unchanged table enqueues nothing", async () => {
    const result = await sync();
    expect(result.added + result.updated + result.removed).toBe(0);
    expect((await readQueueStatus(engine.db)).counts.queued).toBe(0);
    const stored = await readMeta(engine.db, watermarkName(source, options.filter));
    expect(JSON.parse(stored ?? "null")).toEqual({ modifiedGmt: "2024-03-01 09:25:00", id: ids.secret });
  });

  it.skipIf(target.skipReason)("edited post is indexed again", async () => {
    await updateWpPost(engine.db, ids.lakes as string, { post_content: "Glacial lakes freeze solid by December." }, "2024-03-02 10:00:00");
    const result = await sync();
    expect(result.updated).toBe(1);
    expect(result.added).toBe(0);
    expect(await drain()).toBe(1);
    expect(await topUrl("freeze solid december")).toBe(`${SITE}/?p=${ids.lakes}`);
    expect(await countTokens("meltwater")).toBe(0);
  });

  it.skipIf(target.skipReason)("trashed post leaves the index", async () => {
    await updateWpPost(engine.db, ids.orchard as string, { post_status: "trash" }, "2024-03-03 11:00:00");
    const result = await sync();
    expect(result.removed).toBe(1);
    expect(await drain()).toBe(0);
    expect(await countTokens("quince")).toBe(0);
    expect(await topUrl("quince trees")).toBeUndefined();
  });

  it.skipIf(target.skipReason)("restored post returns to the index", async () => {
    await updateWpPost(engine.db, ids.orchard as string, { post_status: "publish" }, "2024-03-04 12:00:00");
    const result = await sync();
    expect(result.added).toBe(1);
    expect(await drain()).toBe(1);
    expect(await topUrl("quince trees")).toBe(`${SITE}/?p=${ids.orchard}`);
  });

  it.skipIf(target.skipReason)("published draft joins the index", async () => {
    await updateWpPost(engine.db, ids.draft as string, { post_status: "publish" }, "2024-03-05 08:00:00");
    expect((await sync()).added).toBe(1);
    expect(await drain()).toBe(1);
    expect(await topUrl("walrus colony")).toBe(`${SITE}/?p=${ids.draft}`);
  });

  it.skipIf(target.skipReason)("deleted post leaves the index", async () => {
    await engine.db.execute(`DELETE FROM ${WP}posts WHERE ID = ?`, [ids.harbour]);
    const result = await sync();
    expect(result.removed).toBe(1);
    expect(await countTokens("harbour")).toBe(0);
    const chunks = await engine.db.query(
      `SELECT COUNT(*) AS n FROM ${engine.db.tables.chunks} c JOIN ${engine.db.tables.posts} p ON p.id = c.post_id WHERE p.source = ?`,
      [`wordpress:${ids.harbour}`],
    );
    expect(toInt(chunks[0]?.n)).toBe(0);
    expect(await topUrl("harbour tides")).toBeUndefined();
  });

  it.skipIf(target.skipReason)("equal timestamps cross a batch boundary", async () => {
    const shared = "2024-03-06 07:00:00";
    const tied: string[] = [];
    for (const word of ["otter", "badger", "heron", "marten", "plover"]) {
      tied.push(await insertWpPost(engine.db, { title: word, content: `The ${word} was seen at dawn.`, modifiedGmt: shared }));
    }
    // With batches of 2, the five posts sharing one second span three batches.
    const result = await sync();
    expect(result.added).toBe(5);
    expect(result.watermark).toEqual({ modifiedGmt: shared, id: tied.at(-1) });
    expect(await drain()).toBe(5);
    for (const [i, word] of ["otter", "badger", "heron", "marten", "plover"].entries()) {
      expect(await topUrl(word), word).toBe(`${SITE}/?p=${tied[i]}`);
    }

    // A post with a lower ID edited within the watermark's second is still found.
    await updateWpPost(engine.db, ids.lakes as string, { post_content: "Glacial lakes mirror the summit." }, shared);
    const again = await sync();
    expect(again.updated).toBe(1);
    expect(again.added).toBe(0);
    expect(await drain()).toBe(1);
    expect(await topUrl("mirror summit")).toBe(`${SITE}/?p=${ids.lakes}`);
  });

  it.skipIf(target.skipReason)("password-protected post leaves the index", async () => {
    await updateWpPost(engine.db, ids.about as string, { post_password: "hunter2" }, "2024-03-07 09:00:00");
    expect((await sync()).removed).toBe(1);
    expect(await countTokens("pelicans")).toBe(0);
  });

  it.skipIf(target.skipReason)("ID above 2^53 stays exact", async () => {
    const big = "9007199254740993";
    await engine.db.execute(
      `INSERT INTO ${WP}posts (ID, post_content, post_title, post_excerpt, to_ping, pinged, post_modified, post_modified_gmt,` +
        " post_content_filtered, guid) VALUES (?, 'Puffins dive for sand eels.', 'Puffins', '', '', '', ?, ?, '', ?)",
      [BigInt(big), "2024-03-07 10:00:00", "2024-03-07 10:00:00", `${SITE}/?p=${big}`],
    );
    const result = await sync();
    expect(result.added).toBe(1);
    expect(result.watermark).toEqual({ modifiedGmt: "2024-03-07 10:00:00", id: big });
    expect(await drain()).toBe(1);
    expect(await topUrl("puffins sand eels")).toBe(`${SITE}/?p=${big}`);

    await engine.db.execute(`DELETE FROM ${WP}posts WHERE ID = ?`, [BigInt(big)]);
    expect((await sync()).removed).toBe(1);
    expect(await countTokens("puffins")).toBe(0);
  });

  it.skipIf(target.skipReason)("missing posts table names the options", async () => {
    const wrong = { db: source.db, prefix: "nope_" };
    await expect(syncWordPress(engine.db, wrong, options)).rejects.toThrow(/Cannot read the WordPress table nope_posts.*--wp-db.*--wp-prefix/);
  });

  it.skipIf(target.skipReason)("reads a separate WordPress database", async () => {
    const wordpress = await target.createDatabase();
    try {
      const wpDb = await wordpress.open();
      for (const statement of createPostsTable(target.dialect)) await wpDb.execute(statement);
      const id = await insertWpPost(wpDb, { title: "Lighthouse", content: "The lighthouse keeper logs every storm.", modifiedGmt: "2024-04-01 06:00:00" });
      const separate = { db: wpDb, prefix: WP };

      // This engine prefix follows the first site, whose posts a sync from the second would remove.
      const countPosts = async () => toInt((await engine.db.query(`SELECT COUNT(*) AS n FROM ${engine.db.tables.posts}`))[0]?.n);
      const before = await countPosts();
      await expect(syncWordPress(engine.db, separate, options)).rejects.toThrow(SyncSourceError);
      expect(await countPosts()).toBe(before);
      expect(await topUrl("walrus colony")).toBe(`${SITE}/?p=${ids.draft}`);

      const other = await database.openMigrated();
      const result = await syncWordPress(other, separate, options);
      expect(result.added).toBe(1);
      const worker = new Worker(other, createIndexPostHandler({ ...engine, db: other }), {
        jobTypes: [EMBED_POST_JOB],
        limit: 0,
        untilEmpty: true,
        logger: silent,
      });
      expect((await worker.run()).completed).toBe(1);
      const tokens = await other.query(`SELECT COUNT(*) AS n FROM ${other.tables.tokens} WHERE token = 'lighthouse'`);
      expect(toInt(tokens[0]?.n)).toBe(1);
      const posts = await other.query(`SELECT url FROM ${other.tables.posts}`);
      expect(posts.map((row) => row.url)).toEqual([`${SITE}/?p=${id}`]);
    } finally {
      await wordpress.drop();
    }
  });

  it.skipIf(target.skipReason)("replace-source follows the new site", async () => {
    const wordpress = await target.createDatabase();
    const other = await database.openMigrated();
    try {
      const firstSite = { db: engine.db, prefix: WP };
      expect((await syncWordPress(other, firstSite, options)).added).toBeGreaterThan(0);
      const wpDb = await wordpress.open();
      for (const statement of createPostsTable(target.dialect)) await wpDb.execute(statement);
      await insertWpPost(wpDb, { title: "Dunes", content: "Marram grass holds the dunes.", modifiedGmt: "2024-04-02 06:00:00" });
      const secondSite = { db: wpDb, prefix: WP };
      await expect(syncWordPress(other, secondSite, options)).rejects.toThrow(/--replace-source/);

      const replaced = await syncWordPress(other, secondSite, { ...options, replaceSource: true });
      expect(replaced.added).toBe(1);
      const posts = await other.query(`SELECT title FROM ${other.tables.posts}`);
      expect(posts.map((row) => row.title)).toEqual(["Dunes"]);
    } finally {
      await wordpress.drop();
    }
  });

  it.skipIf(target.skipReason)("CLI syncs and reports a round", async () => {
    await insertWpPost(engine.db, { title: "Kestrel", content: "A kestrel hovers over the verge.", modifiedGmt: "2024-03-08 09:00:00" });
    const run = await runCli(["sync", "--wordpress", "--db", database.url, "--prefix", ENGINE_PREFIX, "--json", "-q"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { added: number; removed: number };
    expect(result.added).toBe(1);
    expect(result.removed).toBe(0);
    const usage = await runCli(["sync", "--db", database.url]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("Missing --wordpress");
  });

  it.skipIf(target.skipReason)("watch repeats until SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [path.resolve("bin/wpllmseo.js"), "sync", "--wordpress", "--watch", "1", "--db", database.url, "--prefix", ENGINE_PREFIX],
      { env: { ...process.env, WPLLMSEO_DB: "", WPLLMSEO_PREFIX: "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let logs = "";
    child.stdout.on("data", (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const deadline = Date.now() + 20_000;
    while (!logs.includes("sync round 2") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs).toContain("sync round 1");
    expect(logs).toContain("sync round 2");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(logs).toContain("sync watch stopped");
  });
});
