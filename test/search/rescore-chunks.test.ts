import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadKernels, type Kernels } from "../../src/kernels/index.js";
import { rescoreChunks } from "../../src/search/rescore-chunks.js";
import type { Db } from "../../src/store/db.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const [sqlite] = await loadDialectTargets();

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
  if (!sqlite) throw new Error("no SQLite target");
  database = await sqlite.createDatabase();
  db = await database.openMigrated();
  kernels = await loadKernels();
});

afterAll(async () => {
  await database?.drop();
});

describe("rescoreChunks", () => {
  it("orders the head by exact cosine and drops corrupt rows", async () => {
    const close = await insertChunk([1, 0]);
    const diagonal = await insertChunk([1, 1]);
    const corrupt = await insertChunk([1, 0], "0".repeat(64));
    const tail = await insertChunk([0, 1]);
    const invalid: string[] = [];
    const chunks = [
      { chunkId: diagonal, postId: "1", score: 0.99 },
      { chunkId: corrupt, postId: "2", score: 0.98 },
      { chunkId: close, postId: "3", score: 0.5 },
      { chunkId: tail, postId: "4", score: 0.1 },
    ];
    const rescored = await rescoreChunks(db, kernels, Float32Array.of(1, 0), chunks, 3, (id) => invalid.push(id));
    expect(rescored.map((chunk) => chunk.chunkId)).toEqual([close, diagonal, tail]);
    expect(rescored[0]?.score).toBeCloseTo(1, 6);
    expect(rescored[1]?.score).toBeCloseTo(Math.SQRT1_2, 5);
    expect(rescored[2]?.score).toBe(0.1);
    expect(invalid).toEqual([corrupt]);
  });

  it("returns the list unchanged when the count is 0", async () => {
    const chunks = [{ chunkId: "1", postId: "1", score: 0.3 }];
    expect(await rescoreChunks(db, kernels, Float32Array.of(1, 0), chunks, 0, () => undefined)).toEqual(chunks);
  });
});
