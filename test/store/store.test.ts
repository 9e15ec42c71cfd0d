import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import type { Db } from "../../src/store/db.js";
import { isRetryableError, isTransientError, StoreError } from "../../src/store/errors.js";
import { readSchemaVersion, upgrade } from "../../src/store/migrate.js";
import { openDb, redactUrl } from "../../src/store/open-db.js";
import { retryTransaction } from "../../src/store/retry.js";
import { checkServerVersion, detectCapabilities, parseServerVersion } from "../../src/store/server-version.js";
import { toId, toInt } from "../../src/store/rows.js";
import { sqlNow } from "../../src/store/sql-time.js";
import { loadDialectTargets, uniquePrefix, useTestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();

describe("row helpers", () => {
  it("toId keeps ids above 2^53 exact", () => {
    expect(toId(9007199254740993n)).toBe("9007199254740993");
    expect(toId("9007199254740993")).toBe("9007199254740993");
    expect(toId(42)).toBe("42");
  });

  it("toId rejects non-integers", () => {
    expect(() => toId(1.5)).toThrow(/Invalid id/);
    expect(() => toId("12a")).toThrow(/Invalid id/);
    expect(() => toId(null)).toThrow(/Invalid id/);
  });

  it("toInt converts and rejects unsafe values", () => {
    expect(toInt(7n)).toBe(7);
    expect(toInt("7")).toBe(7);
    expect(toInt(7)).toBe(7);
    expect(() => toInt(9007199254740993n)).toThrow(/not a safe integer/);
  });
});

describe("openDb arguments", () => {
  it("rejects an unknown scheme", async () => {
    const opening = openDb("postgres://u:secret@127.0.0.1/db");
    await expect(opening).rejects.toThrow(/Unsupported database URL postgres:\/\/u:\*\*\*@/);
    await expect(opening).rejects.toThrow(/sqlite:<path>/);
    await expect(opening).rejects.toThrow(/mysql:\/\/user:password@host:port\/database/);
  });

  it.each(["wp_; DROP TABLE x", "", "a".repeat(33), "wp-"])("rejects prefix %j", async (prefix) => {
    const opening = openDb("sqlite::memory:", { prefix });
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(`Invalid table prefix ${JSON.stringify(prefix)}`);
  });

  it("opens SQLite with a 2 MiB page cache and WAL", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "wpllmseo-store-"));
    const db = await openDb(`sqlite:${path.join(folder, "pages.db")}`);
    try {
      expect(await db.query("PRAGMA cache_size")).toEqual([{ cache_size: -2048n }]);
      expect(await db.query("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    } finally {
      await db.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("redactUrl hides the password", () => {
    expect(redactUrl("mysql://root:pw@h:1/d")).toBe("mysql://root:***@h:1/d");
    expect(redactUrl("mysql://root@h:1/d")).toBe("mysql://root@h:1/d");
  });

  it("reports a server that is down", async () => {
    const opening = openDb("mysql://root:topsecret@127.0.0.1:1/test");
    await expect(opening).rejects.toMatchObject({ code: "CONNECTION_FAILED" });
    const error = (await opening.catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain("mysql://root:***@127.0.0.1:1/test");
    expect(error.message).not.toContain("topsecret");
    expect(error.message).toMatch(/Check that the server is running/);
  });
});

describe("server versions", () => {
  it("parses MySQL and MariaDB strings", () => {
    expect(parseServerVersion("10.11.19-MariaDB-0+deb12u1")).toMatchObject({ product: "MariaDB", numbers: [10, 11, 19] });
    expect(parseServerVersion("8.0.36")).toMatchObject({ product: "MySQL", numbers: [8, 0, 36] });
    expect(parseServerVersion("5.7")).toMatchObject({ product: "MySQL", numbers: [5, 7, 0] });
  });

  it.each([
    ["10.5.24-MariaDB", false],
    ["10.6.0-MariaDB", true],
    ["10.2.44-MariaDB", false],
    ["5.7.44", false],
    ["8.0.0", false],
    ["8.0.1", true],
    ["8.4.3", true],
  ])("detects SKIP LOCKED on %s", (version, expected) => {
    expect(detectCapabilities(parseServerVersion(version), "mysql://h/d")).toEqual({ skipLocked: expected });
  });

  it.each(["10.1.48-MariaDB", "5.6.51", "5.7.8"])("rejects %s naming it", (version) => {
    const check = () => checkServerVersion(parseServerVersion(version), "mysql://h/d");
    expect(check).toThrow(StoreError);
    expect(check).toThrow(`${version};`);
    expect(check).toThrow(/or later is required/);
  });

  it.each(["10.2.1-MariaDB", "10.5.9-MariaDB", "5.7.9", "8.0.12"])("accepts %s", (version) => {
    expect(() => checkServerVersion(parseServerVersion(version), "mysql://h/d")).not.toThrow();
  });

  it("override turns SKIP LOCKED off, never on", () => {
    const modern = parseServerVersion("10.11.19-MariaDB");
    expect(detectCapabilities(modern, "mysql://h/d", false)).toEqual({ skipLocked: false });
    const old = parseServerVersion("10.5.24-MariaDB");
    expect(() => detectCapabilities(old, "mysql://h/d", true)).toThrow(/Invalid skipLocked true.*10\.5\.24-MariaDB/);
  });
});

describe("retryTransaction", () => {
  it("retries a deadlock and keeps the first cause", async () => {
    let calls = 0;
    const result = await retryTransaction(async () => {
      calls += 1;
      if (calls < 3) {
        throw Object.assign(new Error("Deadlock found"), { errno: 1213 });
      }
      return "done";
    });
    expect(result).toBe("done");
    expect(calls).toBe(3);
  });

  it("stops after the bound", async () => {
    let calls = 0;
    const failing = retryTransaction(async () => {
      calls += 1;
      throw Object.assign(new Error(`lock wait ${calls}`), { errno: 1205 });
    });
    const error = await failing.catch((caught: unknown) => caught as StoreError);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe("RETRIES_EXHAUSTED");
    expect(error.message).toMatch(/failed after 3 tries/);
    expect(error.message).toMatch(/lock wait 3$/);
    expect((error.cause as Error).message).toBe("lock wait 3");
    expect(isTransientError(error)).toBe(true);
  });

  it("rethrows other errors at once", async () => {
    let calls = 0;
    const failing = retryTransaction(async () => {
      calls += 1;
      throw Object.assign(new Error("duplicate"), { errno: 1062 });
    });
    await expect(failing).rejects.toThrow("duplicate");
    expect(calls).toBe(1);
  });

  it("keeps the first error under a later one", async () => {
    let calls = 0;
    const failing = retryTransaction(async () => {
      calls += 1;
      if (calls === 1) {
        throw Object.assign(new Error("deadlock"), { errno: 1213 });
      }
      throw new Error("table missing");
    });
    const error = await failing.catch((caught: unknown) => caught as Error);
    expect(error.message).toBe("table missing");
    expect((error.cause as Error).message).toBe("deadlock");
  });

  it("classifies driver errors", () => {
    expect(isRetryableError({ code: "SQLITE_BUSY" })).toBe(true);
    expect(isRetryableError({ code: "PROTOCOL_CONNECTION_LOST" })).toBe(true);
    expect(isRetryableError({ errno: 1062 })).toBe(false);
  });
});

describe.each(targets)("store on $label", (target) => {
  const { dialect, skipReason } = target;
  const database = useTestDatabase(target);

  it.skipIf(skipReason)("upgrade is idempotent and records 1.2.0", async () => {
    const db = await database.open({ prefix: uniquePrefix() });
    expect(db.dialect).toBe(dialect);
    expect(await readSchemaVersion(db)).toBeNull();

    const first = await upgrade(db);
    expect(first).toEqual({ previousVersion: null, version: "1.2.0", applied: true, added: [] });
    const second = await upgrade(db);
    expect(second.applied).toBe(false);
    const forced = await upgrade(db, { force: true });
    expect(forced).toEqual({ previousVersion: "1.2.0", version: "1.2.0", applied: true, added: [] });
    expect(await readSchemaVersion(db)).toBe("1.2.0");

    for (const table of Object.values(db.tables)) {
      const rows = await db.query(`SELECT COUNT(*) AS n FROM ${table}`);
      const expected = table === db.tables.meta ? 1 : 0;
      expect(toInt(rows[0]?.["n"])).toBe(expected);
    }
  });

  it.skipIf(skipReason)("capabilities follow the server", async () => {
    const db = await database.open({ prefix: uniquePrefix() });
    expect(db.capabilities.skipLocked).toBe(dialect === "mysql");
    const forcedOff = await database.open({ prefix: uniquePrefix(), skipLocked: false });
    expect(forcedOff.capabilities.skipLocked).toBe(false);
    await forcedOff.transaction(async (tx) => {
      expect(tx.capabilities).toEqual(forcedOff.capabilities);
    });
  });

  it.skipIf(skipReason || dialect !== "sqlite")("rejects a bad busyTimeoutMs", async () => {
    await expect(database.open({ busyTimeoutMs: -1 })).rejects.toThrow(/Invalid busyTimeoutMs -1/);
  });

  it.skipIf(skipReason)("table names carry the prefix", async () => {
    const prefix = uniquePrefix();
    const db = await database.open({ prefix });
    expect(db.tables.jobs).toBe(`${prefix}wpllmseo_jobs`);
    expect(db.tables.deadLetter).toBe(`${prefix}wpllmseo_jobs_dead_letter`);
    expect(db.tables.meta).toBe(`${prefix}wpllmseo_meta`);
  });

  it.skipIf(skipReason)("tokens differing in case stay distinct", async () => {
    const db = await database.openMigrated();
    const insert =
      `INSERT INTO ${db.tables.tokens} (post_id, token, score, created_at)` +
      ` VALUES (1, ?, 1, ${sqlNow(db)})`;
    await db.execute(insert, ["Go"]);
    await db.execute(insert, ["go"]);
    await db.execute(insert, ["gö"]);
    const rows = await db.query(`SELECT token FROM ${db.tables.tokens} WHERE token = ?`, ["go"]);
    expect(rows).toHaveLength(1);
  });

  it.skipIf(skipReason)("nested transaction joins and rolls back", async () => {
    const db = await database.openMigrated();
    const insert = `INSERT INTO ${db.tables.meta} (name, value) VALUES (?, 'x')`;
    const failing = db.transaction(async (tx) => {
      await tx.execute(insert, ["outer"]);
      await tx.transaction(async (inner) => {
        await inner.execute(insert, ["inner"]);
      });
      throw new Error("roll back both");
    });
    await expect(failing).rejects.toThrow("roll back both");
    const rows = await db.query(`SELECT name FROM ${db.tables.meta} WHERE name IN ('outer', 'inner')`);
    expect(rows).toHaveLength(0);
  });

  it.skipIf(skipReason)("concurrent transactions never interleave", async () => {
    const db = await database.openMigrated();
    const meta = db.tables.meta;
    await db.execute(`INSERT INTO ${meta} (name, value) VALUES ('counter', '0')`);
    const lockClause = dialect === "mysql" ? " FOR UPDATE" : "";
    const increment = (): Promise<void> =>
      db.transaction(async (tx) => {
        const rows = await tx.query(`SELECT value FROM ${meta} WHERE name = 'counter'${lockClause}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        const next = String(Number(rows[0]?.["value"]) + 1);
        await tx.execute(`UPDATE ${meta} SET value = ? WHERE name = 'counter'`, [next]);
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    const rows = await db.query(`SELECT value FROM ${meta} WHERE name = 'counter'`);
    expect(rows[0]?.["value"]).toBe("20");
  });

  it.skipIf(skipReason)("execute returns exact insert ids above 2^53", async () => {
    const db: Db = await database.openMigrated();
    const table = db.tables.posts;
    if (dialect === "mysql") {
      await db.execute(`ALTER TABLE ${table} AUTO_INCREMENT = 9007199254740993`);
    } else {
      await db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table]);
      await db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, 9007199254740992)", [table]);
    }
    const inserted = await db.execute(
      `INSERT INTO ${table} (source_hash, source, title, content, content_hash, created_at, updated_at)` +
        ` VALUES (?, 's', 't', 'c', ?, ${sqlNow(db)}, ${sqlNow(db)})`,
      ["a".repeat(64), "b".repeat(64)],
    );
    expect(inserted.insertId).toBe("9007199254740993");
    const rows = await db.query(`SELECT id FROM ${table} WHERE id = ?`, [9007199254740993n]);
    expect(toId(rows[0]?.["id"])).toBe("9007199254740993");
  });

  it.skipIf(skipReason || dialect !== "mysql")("insert ids above 2^63 stay unsigned", async () => {
    const db = await database.openMigrated();
    const table = db.tables.jobs;
    await db.execute(`ALTER TABLE ${table} AUTO_INCREMENT = 18446744073709551000`);
    const inserted = await db.execute(
      `INSERT INTO ${table} (job_type, run_after, created_at, updated_at)` +
        ` VALUES ('t', ${sqlNow(db)}, ${sqlNow(db)}, ${sqlNow(db)})`,
    );
    expect(inserted.insertId).toBe("18446744073709551000");
  });
});
