/**
 * Loads the chunk vectors of candidate posts and checks each before scoring.
 *
 * Only rows of the configured embedder version are compared with the query.
 * Rows written by this engine carry embedding_f32, verified against its
 * SHA-256 on a pool thread. Rows with only embedding_json (the PHP plugin's
 * form) have a checksum over the JSON text as stored; they are verified here,
 * as they are, and parsed.
 */
import { createHash } from "node:crypto";

import { bytesToVector, parseVectorJson } from "../embedders/vector-codec.js";
import type { Db } from "../store/db.js";
import { toId, toInt } from "../store/rows.js";
import { placeholders } from "./find-candidates.js";

export interface ChunkVectors {
  chunkIds: string[];
  postIds: string[];
  /** The vectors back to back, `dim` floats each. */
  rows: Float32Array;
  /** Expected SHA-256 per row for the pool to verify; "" when already verified here. */
  checksums: string[];
  /** Chunks skipped: wrong dimension, another embedder version, unreadable or corrupt data. */
  skipped: { chunkId: string; reason: string }[];
}

export async function loadChunkVectors(
  db: Db,
  postIds: readonly string[],
  dim: number,
  version: string,
): Promise<ChunkVectors> {
  const result: ChunkVectors = { chunkIds: [], postIds: [], rows: new Float32Array(0), checksums: [], skipped: [] };
  if (postIds.length === 0) return result;

  const rows = await db.query(
    `SELECT id, post_id, embedding_dim, embedding_version, embedding_checksum, embedding_f32,` +
      ` CASE WHEN embedding_f32 IS NULL THEN embedding_json END AS embedding_json` +
      ` FROM ${db.tables.chunks} WHERE post_id IN (${placeholders(postIds.length)})`,
    postIds,
  );
  const vectors: Float32Array[] = [];
  for (const row of rows) {
    const chunkId = toId(row.id);
    const checked = checkRow(row, dim, version);
    if ("reason" in checked) {
      result.skipped.push({ chunkId, reason: checked.reason });
      continue;
    }
    result.chunkIds.push(chunkId);
    result.postIds.push(toId(row.post_id));
    result.checksums.push(checked.checksum);
    vectors.push(checked.vector);
  }

  result.rows = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, index) => result.rows.set(vector, index * dim));
  return result;
}

type CheckedRow = { vector: Float32Array; checksum: string } | { reason: string };

function checkRow(row: Record<string, unknown>, dim: number, version: string): CheckedRow {
  if (row.embedding_dim !== null && toInt(row.embedding_dim) !== dim) {
    return { reason: `dimension ${String(row.embedding_dim)}, expected ${dim}` };
  }
  if (row.embedding_version !== version) {
    return { reason: `embedding version ${String(row.embedding_version)}, expected ${version}` };
  }
  const checksum = typeof row.embedding_checksum === "string" ? row.embedding_checksum : "";
  if (row.embedding_f32 instanceof Uint8Array) {
    const vector = bytesToVector(row.embedding_f32);
    if (!vector || vector.length !== dim) return { reason: "embedding_f32 length does not match its dimension" };
    if (!checksum) return { reason: "missing checksum" };
    return { vector, checksum };
  }
  return checkJsonRow(row, dim, checksum);
}

function checkJsonRow(row: Record<string, unknown>, dim: number, checksum: string): CheckedRow {
  if (typeof row.embedding_json !== "string") return { reason: "no embedding" };
  if (checksum && createHash("sha256").update(row.embedding_json, "utf8").digest("hex") !== checksum) {
    return { reason: "checksum mismatch" };
  }
  const vector = parseVectorJson(row.embedding_json);
  if (!vector) return { reason: "embedding_json is not an array of finite numbers" };
  if (vector.length !== dim) return { reason: `dimension ${vector.length}, expected ${dim}` };
  return { vector, checksum: "" };
}
