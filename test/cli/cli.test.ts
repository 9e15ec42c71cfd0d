import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runCli } from "./run-cli.js";

let folder: string;
let db: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-cli-"));
  db = `sqlite:${path.join(folder, "cli.db")}`;
  await writeFile(path.join(folder, "ducks.md"), "# Ducks\n\nMallard ducks dabble in ponds and eat pondweed.");
  await writeFile(path.join(folder, "owls.html"), "<title>Owls</title><p>Barn owls hunt voles at night.</p>");
  await writeFile(path.join(folder, "locked.md"), "# Locked\n\nNobody can read this file.");
  await chmod(path.join(folder, "locked.md"), 0o000);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("wpllmseo CLI", () => {
  it("upgrade then db-version prints 1.2.0", async () => {
    const first = await runCli(["upgrade", "--db", db]);
    expect(first.status).toBe(0);
    expect(first.stdout).not.toContain("--force");
    const again = await runCli(["upgrade", "--db", db]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("schema 1.2.0 was already recorded: run `wpllmseo upgrade --force`");
    const version = await runCli(["db-version", "--db", db]);
    expect(version.stdout.trim()).toBe("1.2.0");
    expect(version.status).toBe(0);
    const json = await runCli(["db-version", "--json", "--db", db]);
    expect(JSON.parse(json.stdout)).toEqual({ schemaVersion: "1.2.0" });
  });

  it("worker run reports jobs left by --limit", async () => {
    const limited = `sqlite:${path.join(folder, "limited.db")}`;
    expect((await runCli(["import", path.join(folder, "ducks.md"), path.join(folder, "owls.html"), "--db", limited])).status).toBe(0);
    const first = await runCli(["worker", "run", "--limit=1", "--db", limited]);
    expect(first.stdout).toMatch(/1 completed/);
    expect(first.stdout).toMatch(/Still queued: 1 embed_post job \(--limit 1 reached or a signal stopped the run\)\./);
    const rest = await runCli(["worker", "run", "--until-empty", "--db", limited]);
    expect(rest.stdout).toMatch(/1 completed/);
    expect(rest.stdout).not.toMatch(/Still queued/);
  });

  it("imports, drains the queue and searches", async () => {
    const imported = await runCli(["import", path.join(folder, "ducks.md"), path.join(folder, "owls.html"), "--db", db]);
    expect(imported.stdout).toMatch(/2 added, 0 updated, 0 unchanged, 0 failed; 2 jobs enqueued/);
    expect(imported.status).toBe(0);

    const worker = await runCli(["worker", "run", "--limit=10", "--until-empty", "--json", "--db", db]);
    expect(JSON.parse(worker.stdout)).toMatchObject({ completed: 2, failed: 0 });

    const status = await runCli(["worker", "status", "--json", "--db", db]);
    expect(JSON.parse(status.stdout).counts).toEqual({ queued: 0, running: 0, completed: 2, failed: 0 });

    const search = await runCli(["search", "barn owls", "-k", "1", "--json", "--db", db]);
    const results = JSON.parse(search.stdout) as { title: string; url: string; excerpt: string; id: string; score: number }[];
    expect(results).toHaveLength(1);
    expect(results[0]?.title).toBe("Owls");
    expect(results[0]?.excerpt).toBe("Barn owls hunt voles at night.");
    expect(Object.keys(results[0] ?? {}).sort()).toEqual(["excerpt", "id", "score", "title", "url"]);
  });

  it("prints readable search results", async () => {
    const search = await runCli(["search", "mallard", "--db", db]);
    expect(search.stdout).toMatch(/^2 results for "mallard" \(1 lexical candidates, 1 more from vectors/);
    expect(search.stdout).toMatch(/1\. Ducks/);
  });

  it("reports an unreadable file, imports the rest and exits 1", async () => {
    if (process.getuid?.() === 0) {
      const missing = await runCli(["import", path.join(folder, "nope.md"), path.join(folder, "ducks.md"), "--db", db]);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/cannot read .*nope\.md/);
      expect(missing.stdout).toMatch(/0 added, 0 updated, 1 unchanged, 1 failed/);
      return;
    }
    const locked = await runCli(["import", path.join(folder, "locked.md"), path.join(folder, "ducks.md"), "--db", db]);
    expect(locked.status).toBe(1);
    expect(locked.stderr).toMatch(/cannot read .*locked\.md/);
  });

  it("rejects an empty query", async () => {
    const result = await runCli(["search", "  ", "--db", db]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Empty query/);
  });

  it("rejects an unknown database scheme", async () => {
    const result = await runCli(["db-version", "--db", "postgres://localhost/x"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Invalid --db "postgres:\/\/localhost\/x"/);
    expect(result.stderr).toMatch(/sqlite:/);
  });

  it("rejects an in-memory database", async () => {
    const result = await runCli(["import", path.join(folder, "ducks.md"), "--db", "sqlite::memory:"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Invalid --db "sqlite::memory:": an in-memory database is gone when the command exits/);
  });

  it("names the variable behind a bad setting", async () => {
    const url = await runCli(["worker", "status"], { WPLLMSEO_DB: "garbage" });
    expect(url.status).toBe(2);
    expect(url.stderr).toMatch(/Invalid \$WPLLMSEO_DB "garbage"/);
    const stopWords = await runCli(["search", "owls", "--db", db], { WPLLMSEO_STOP_WORDS: "xx" });
    expect(stopWords.status).toBe(2);
    expect(stopWords.stderr).toMatch(/Invalid \$WPLLMSEO_STOP_WORDS "xx"/);
  });

  it("gives each embedder's dimension range", async () => {
    for (const dim of ["0", "5", "5000"]) {
      const hash = await runCli(["search", "owls", "--db", db, "--embed-dim", dim]);
      expect(hash.status).toBe(2);
      expect(hash.stderr).toMatch(/use a whole number from 8 to 4096/);
    }
    const model = ["--embedder", "openai", "--embed-model", "m", "--embed-url", "http://127.0.0.1:9", "--embed-dim", "0"];
    const openai = await runCli(["search", "owls", "--db", db, ...model]);
    expect(openai.status).toBe(2);
    expect(openai.stderr).toMatch(/use a whole number from 1 to 16384/);
  });

  it("names --read-db when the replica is missing", async () => {
    const replica = path.join(folder, "replica.db");
    const result = await runCli(["search", "owls", "--db", db, "--read-db", `sqlite:${replica}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No SQLite database at .*replica\.db .*: pass --read-db/);
    expect(existsSync(replica)).toBe(false);
  });

  it("warns when import creates tables beside another prefix", async () => {
    const shared = `sqlite:${path.join(folder, "prefixes.db")}`;
    expect((await runCli(["upgrade", "--db", shared])).status).toBe(0);
    const result = await runCli(["import", path.join(folder, "ducks.md"), "--db", shared, "--prefix", "zz_"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/created new tables with the prefix \\?"zz_\\?" beside existing ones with \\?"wp_\\?"/);
  });

  it("names --host when it is not an address here", async () => {
    const result = await runCli(["serve", "--db", db, "--host", "192.0.2.1", "--port", "0"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Cannot listen on host "192\.0\.2\.1" \(EADDRNOTAVAIL\): pass --host/);
  });

  it("rejects an invalid prefix before touching the database", async () => {
    const result = await runCli(["worker", "status", "--db", db, "--prefix", "wp_; DROP TABLE x"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/wp_; DROP TABLE x/);
    const status = await runCli(["worker", "status", "--json", "--db", db]);
    expect(JSON.parse(status.stdout).counts.completed).toBe(2);
  });

  it("names a MariaDB that is down without its password", async () => {
    const result = await runCli(["db-version", "--db", "mysql://root:hunter2@127.0.0.1:1/test"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(result.stderr).not.toMatch(/hunter2/);
  });

  it("asks for a schema before searching a database without one", async () => {
    const file = path.join(folder, "empty.db");
    new Database(file).close();
    const result = await runCli(["search", "owls", "--db", `sqlite:${file}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no wpllmseo schema.*wpllmseo upgrade/);
  });

  it("creates no file when searching a database that does not exist", async () => {
    const file = path.join(folder, "missing.db");
    const result = await runCli(["search", "owls", "--db", `sqlite:${file}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No SQLite database at .*missing\.db/);
    expect(existsSync(file)).toBe(false);
  });

  it("rejects bad option values with the option name", async () => {
    const limit = await runCli(["worker", "run", "--limit=ten", "--db", db]);
    expect(limit.status).toBe(2);
    expect(limit.stderr).toMatch(/Invalid --limit "ten"/);
    const unknown = await runCli(["search", "owls", "--bogus", "--db", db]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option --bogus\. Run the command with --help/);
    const missing = await runCli(["search", "owls", "--db", db, "-k"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Missing value for -k: write -k VALUE\. Run the command with --help/);
    const dashed = await runCli(["search", "owls", "--db", db, "-k", "-1"]);
    expect(dashed.status).toBe(2);
    expect(dashed.stderr).toMatch(/Option -k is followed by a value that starts with "-": write --k=VALUE/);
    const negative = await runCli(["search", "owls", "--db", db, "--k=-1"]);
    expect(negative.status).toBe(2);
    expect(negative.stderr).toMatch(/Invalid -k "-1"/);
    const command = await runCli(["frobnicate"]);
    expect(command.status).toBe(2);
    expect(command.stderr).toMatch(/^wpllmseo: unknown command "frobnicate"\. Run `wpllmseo --help`/);
  });

  it("names a --db file that is not SQLite", async () => {
    const notes = path.join(folder, "notes.txt");
    const text = "Shopping list: eggs, flour, and enough text to fill more than the hundred bytes of a SQLite header.\n";
    await writeFile(notes, text);
    for (const args of [["worker", "status"], ["search", "eggs"], ["upgrade"]]) {
      const run = await runCli([...args, "--db", `sqlite:${notes}`]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`wpllmseo: ${notes} (sqlite:${notes}) is not a SQLite database`);
      expect(run.stderr).toMatch(/Pass --db sqlite:<path>/);
    }
    expect(await readFile(notes, "utf8")).toBe(text);
    expect(existsSync(`${notes}-wal`)).toBe(false);
  });

  it("names a --db folder or missing folder", async () => {
    const asFolder = await runCli(["search", "eggs", "--db", `sqlite:${folder}`]);
    expect(asFolder.status).toBe(1);
    expect(asFolder.stderr).toContain(`${folder} (sqlite:${folder}) is a folder: pass --db sqlite:<path of a file>`);
    const missing = path.join(folder, "no-such-folder", "x.db");
    const inMissing = await runCli(["upgrade", "--db", `sqlite:${missing}`]);
    expect(inMissing.status).toBe(1);
    expect(inMissing.stderr).toContain(`The folder ${path.dirname(missing)} of the SQLite database ${missing}`);
    expect(inMissing.stderr).toMatch(/does not exist: create it or pass another --db/);
  });

  it("prints the package's version", async () => {
    const manifest = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const printed = await runCli([flag]);
      expect(printed.status).toBe(0);
      expect(printed.stdout).toBe(`wpllmseo ${manifest.version}\n`);
    }
  });

  it("accepts global options before the command", async () => {
    const status = await runCli(["--db", db, "--json", "worker", "status"]);
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).counts.completed).toBe(2);
  });

  it("skips a second post with the same url in one import", async () => {
    const file = path.join(folder, "twice.jsonl");
    const line = JSON.stringify({ title: "Twice", content: "same url twice", url: "https://example.com/twice" });
    await writeFile(file, `${line}\n${line}\n`);
    const first = await runCli(["import", file, "--db", db]);
    expect(first.stdout).toMatch(/1 added, 0 updated, 0 unchanged, 1 failed/);
    expect(first.stderr).toMatch(/second post with source https:\/\/example\.com\/twice/);
    const again = await runCli(["import", file, "--db", db]);
    expect(again.stdout).toMatch(/0 added, 0 updated, 1 unchanged, 1 failed; 0 jobs enqueued/);
  });

  it("indexes title words that look like markup", async () => {
    const file = path.join(folder, "guide.jsonl");
    await writeFile(file, JSON.stringify({ title: "Café & Crème <Guide>", content: "Pastry notes." }));
    expect((await runCli(["import", file, "--db", db])).status).toBe(0);
    expect((await runCli(["worker", "run", "--until-empty", "--db", db])).status).toBe(0);
    const search = await runCli(["search", "guide", "--json", "--db", db]);
    expect(JSON.parse(search.stdout)[0]?.title).toBe("Café & Crème <Guide>");
  });

  it("uses the stop-word list given for posts and queries", async () => {
    const german = `sqlite:${path.join(folder, "german.db")}`;
    const file = path.join(folder, "german.jsonl");
    await writeFile(file, JSON.stringify({ title: "The Rhine", content: "Der Rhein und die Mosel fließen zusammen." }));
    expect((await runCli(["import", file, "--db", german, "--stop-words", "de"])).status).toBe(0);
    expect((await runCli(["worker", "run", "--until-empty", "--db", german, "--stop-words", "de"])).status).toBe(0);
    const kept = await runCli(["search", "the", "--json", "--db", german, "--stop-words", "de"]);
    expect(JSON.parse(kept.stdout)[0]?.title).toBe("The Rhine");
    const dropped = await runCli(["search", "und die", "--json", "--db", german, "--stop-words", "de"]);
    expect(JSON.parse(dropped.stdout)).toEqual([]);
    const bad = await runCli(["search", "x", "--db", german, "--stop-words", "fr"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Invalid --stop-words "fr": use en, de, none/);
  });

  it("reindex brings back posts whose jobs were cleared", async () => {
    const fresh = `sqlite:${path.join(folder, "reindex.db")}`;
    expect((await runCli(["import", path.join(folder, "ducks.md"), "--db", fresh])).status).toBe(0);
    expect((await runCli(["worker", "clear", "--yes", "--db", fresh])).status).toBe(0);
    const again = await runCli(["import", path.join(folder, "ducks.md"), "--db", fresh]);
    expect(again.stdout).toMatch(/0 jobs enqueued/);
    const reindex = await runCli(["reindex", "--json", "--db", fresh]);
    expect(JSON.parse(reindex.stdout)).toEqual({ enqueued: 1, alreadyQueued: 0 });
    expect((await runCli(["worker", "run", "--until-empty", "--db", fresh])).status).toBe(0);
    const search = await runCli(["search", "mallard", "--json", "--db", fresh]);
    expect(JSON.parse(search.stdout)[0]?.title).toBe("Ducks");
    const none = await runCli(["reindex", "--json", "--db", fresh]);
    expect(JSON.parse(none.stdout)).toEqual({ enqueued: 0, alreadyQueued: 0 });
    const all = await runCli(["reindex", "--all", "--json", "--db", fresh]);
    expect(JSON.parse(all.stdout)).toEqual({ enqueued: 1, alreadyQueued: 0 });
  });

  it("prints help for every command", async () => {
    for (const command of ["upgrade", "db-version", "import", "sync", "reindex", "reembed", "worker", "dead-letter", "search", "serve", "migrate-embeddings"]) {
      const result = await runCli([command, "--help"]);
      expect(result.status, command).toBe(0);
      expect(result.stdout, command).toMatch(new RegExp(`Usage: wpllmseo ${command}`));
    }
    const main = await runCli(["--help"]);
    expect(main.stdout).toMatch(/Commands:/);
  });
});
