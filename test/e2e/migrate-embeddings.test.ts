import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { migrateBlobEmbeddings } from "../../src/indexer/migrate-blob-embeddings.js";
import type { Db } from "../../src/store/db.js";
import { toInt } from "../../src/store/rows.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();

function legacyBlob(values: number[]): Buffer {
  return Buffer.from(Float32Array.from(values).buffer);
}

async function insertLegacyChunk(db: Db, postId: number, blob: Buffer): Promise<void> {
  await db.execute(
    `INSERT INTO ${db.tables.chunks} (post_id, chunk_index, chunk_text, embedding, created_at, updated_at)` +
      " VALUES (?, 0, 'legacy', ?, '2025-11-15 00:00:00', '2025-11-15 00:00:00')",
    [postId, blob],
  );
}

describe.each(targets)("migrate-embeddings on $dialect", (target) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    if (target.skipReason) return;
    database = await target.createDatabase();
    db = await database.openMigrated();
    for (let postId = 1; postId <= 25; postId++) {
      await insertLegacyChunk(db, postId, legacyBlob([postId, -0.5, 0.25]));
    }
    await insertLegacyChunk(db, 100, Buffer.from([1, 2, 3]));
    await insertLegacyChunk(db, 101, legacyBlob([1, Number.NaN]));
  });

  afterAll(async () => {
    await database?.drop();
  });

  it.skipIf(target.skipReason)("converts every valid BLOB across batches", async () => {
    const batches: number[] = [];
    const result = await migrateBlobEmbeddings(db, { table: "chunks", batchSize: 4, onBatch: (r) => batches.push(r.converted) });
    expect(result.converted).toBe(25);
    expect(result.failed).toBe(2);
    expect(result.failedIds).toHaveLength(2);
    expect(batches.length).toBe(7);

    const rows = await db.query(
      `SELECT post_id, embedding, embedding_json, embedding_f32, embedding_dim, embedding_format, embedding_checksum` +
        ` FROM ${db.tables.chunks} WHERE embedding_json IS NOT NULL ORDER BY id`,
    );
    expect(rows).toHaveLength(25);
    for (const row of rows) {
      const postId = toInt(row.post_id);
      expect(JSON.parse(String(row.embedding_json))).toEqual([postId, -0.5, 0.25]);
      expect(toInt(row.embedding_dim)).toBe(3);
      expect(row.embedding_format).toBe("json_float_array_v1");
      expect(Buffer.compare(Buffer.from(row.embedding_f32 as Uint8Array), Buffer.from(row.embedding as Uint8Array))).toBe(0);
      expect(row.embedding_checksum).toBe(createHash("sha256").update(row.embedding as Uint8Array).digest("hex"));
    }
  });

  it.skipIf(target.skipReason)("converts nothing on a second run", async () => {
    const result = await migrateBlobEmbeddings(db, { table: "chunks", batchSize: 4 });
    expect(result.converted).toBe(0);
    expect(result.failed).toBe(2);
  });
});
