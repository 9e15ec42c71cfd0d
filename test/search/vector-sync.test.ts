import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { vectorBytes, vectorChecksum } from "../../src/embedders/vector-codec.js";
import { VectorCatalog } from "../../src/search/vector-catalog.js";
import { VectorMemory } from "../../src/search/vector-memory.js";
import { VectorSync } from "../../src/search/vector-sync.js";
import type { Db } from "../../src/store/db.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();
const DIM = 8;
const VERSION = "test-v1";

/** Writes a chunk row with the given id and a valid vector pointing along axis `id % DIM`. */
async function writeChunk(db: Db, id: number, postId: number): Promise<void> {
  const vector = new Float32Array(DIM);
  vector[id % DIM] = 1;
  await db.execute(
    `INSERT INTO ${db.tables.chunks} (id, post_id, chunk_index, chunk_text, embedding_format, embedding_dim,` +
      " embedding_checksum, embedding_version, embedding_f32, token_count, created_at, updated_at)" +
      " VALUES (?, ?, 0, 'text', 'f32', ?, ?, ?, ?, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    [id, postId, DIM, vectorChecksum(vector), VERSION, vectorBytes(vector)],
  );
}

describe.each(targets)("VectorSync on $label", (target) => {
  let database: TestDatabase;
  let db: Db;
  let sync: VectorSync;
  let catalog: VectorCatalog;

  beforeAll(async () => {
    if (target.skipReason) return;
    database = await target.createDatabase();
    db = await database.openMigrated();
    catalog = new VectorCatalog();
    sync = new VectorSync({ db, queueDb: db, dim: DIM, version: VERSION, memory: new VectorMemory(DIM), catalog });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it.skipIf(target.skipReason)("keeps skipped ids as gaps", async () => {
    for (const id of [10, 12, 13, 17]) await writeChunk(db, id, id);
    await sync.sync();
    expect([...catalog.chunkIds()].sort()).toEqual(["10", "12", "13", "17"]);
    expect(sync.gaps).toEqual([
      [1n, 9n],
      [11n, 11n],
      [14n, 16n],
    ]);
  });

  it.skipIf(target.skipReason)("loads rows committed into a gap", async () => {
    await writeChunk(db, 11, 11);
    await writeChunk(db, 15, 15);
    await sync.sync();
    expect(catalog.has("11")).toBe(false);
    await sync.checkLateRows();
    expect(catalog.has("11")).toBe(true);
    expect(catalog.has("15")).toBe(true);
    expect(sync.gaps).toEqual([
      [1n, 9n],
      [14n, 14n],
      [16n, 16n],
    ]);
    expect(sync.stats.loaded).toBe(6);
  });

  it.skipIf(target.skipReason)("drops gaps that fall out of the window", async () => {
    await writeChunk(db, 3000, 3000);
    await sync.sync();
    expect(catalog.has("3000")).toBe(true);
    expect(sync.gaps).toEqual([[1001n, 2999n]]);
  });

  it.skipIf(target.skipReason)("clears deleted chunks on reconcile", async () => {
    await db.execute(`DELETE FROM ${db.tables.chunks} WHERE id IN (12, 3000)`);
    await sync.reconcile();
    expect(catalog.has("12")).toBe(false);
    expect(catalog.has("3000")).toBe(false);
    expect(catalog.has("13")).toBe(true);
    expect(sync.stats.removed).toBe(2);
  });
});
