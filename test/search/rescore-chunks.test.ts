import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadKernels, type Kernels } from "../../src/kernels/index.js";
import { scoreChunksExactly } from "../../src/search/rescore-chunks.js";
import type { Db } from "../../src/store/db.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const targets = await loadDialectTargets();

describe.each(targets)("scoreChunksExactly on $label", (target) => {
  let database: TestDatabase;
  let db: Db;
  let kernels: Kernels;

  async function insertChunk(vector: number[], checksumOverride?: string): Promise<string> {
    const bytes = Buffer.from(Float32Array.from(vector).buffer);
    const checksum = checksumOverride ?? createHash("sha256").update(bytes).digest("hex");
    const result = await db.execute(
      `INSERT INTO ${db.tables.chunks} (post_id, chunk_index, chunk_text, embedding_f32, embedding_checksum, embedding_dim, created_at, updated_at)` +
        " VALUES (1, 0, 'x', ?, ?, 2, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
      [bytes, checksum],
    );
    return result.insertId as string;
  }

  beforeAll(async () => {
    if (target.skipReason) return;
    database = await target.createDatabase();
    db = await database.openMigrated();
    kernels = await loadKernels();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it.skipIf(target.skipReason)("scores in order, drops corrupt rows", async () => {
    const close = await insertChunk([1, 0]);
    const diagonal = await insertChunk([1, 1]);
    const corrupt = await insertChunk([1, 0], "0".repeat(64));
    const invalid: string[] = [];
    const chunks = [
      { chunkId: diagonal, postId: "1", score: 0.99 },
      { chunkId: corrupt, postId: "2", score: 0.98 },
      { chunkId: close, postId: "3", score: 0.5 },
    ];
    const scored = await scoreChunksExactly(db, kernels, Float32Array.of(1, 0), chunks, (id) => invalid.push(id));
    expect(scored.map((chunk) => chunk.chunkId)).toEqual([diagonal, close]);
    expect(scored[0]?.score).toBeCloseTo(Math.SQRT1_2, 5);
    expect(scored[1]?.score).toBeCloseTo(1, 6);
    expect(invalid).toEqual([corrupt]);
  });

  it.skipIf(target.skipReason)("reads more chunks than one statement", async () => {
    const chunks = [];
    for (let index = 0; index < 20; index++) {
      chunks.push({ chunkId: await insertChunk([1, index]), postId: String(index), score: 0 });
    }
    const scored = await scoreChunksExactly(db, kernels, Float32Array.of(1, 0), chunks, () => undefined);
    expect(scored.map((chunk) => chunk.chunkId)).toEqual(chunks.map((chunk) => chunk.chunkId));
    scored.forEach((chunk, index) => expect(chunk.score).toBeCloseTo(1 / Math.hypot(1, index), 5));
  });

  it.skipIf(target.skipReason)("returns nothing for no chunks", async () => {
    expect(await scoreChunksExactly(db, kernels, Float32Array.of(1, 0), [], () => undefined)).toEqual([]);
  });
});
