/**
 * Checks a stored chunk vector before it enters the search index.
 *
 * Rows written by this engine carry embedding_f32, whose SHA-256 is the
 * checksum. Rows with only embedding_json (the PHP plugin's form) have a
 * checksum over the JSON text as stored; they are verified as they are,
 * then parsed. Only rows of the configured embedder version and dimension
 * are accepted.
 */
import { sha256Hex } from "../embedders/sha256.js";
import { bytesToVector, parseVectorJson } from "../embedders/vector-codec.js";
import { toInt } from "../store/rows.js";

/** Why a row was not accepted: another embedder, a wrong dimension, or data that fails its checks. */
export type RejectKind = "version" | "dimension" | "corrupt";

export type CheckedVector = { vector: Float32Array } | { kind: RejectKind; reason: string };

export function checkChunkVector(row: Record<string, unknown>, dim: number, version: string): CheckedVector {
  if (row.embedding_version !== version) {
    return { kind: "version", reason: `embedding version ${String(row.embedding_version)}, expected ${version}` };
  }
  if (row.embedding_dim !== null && row.embedding_dim !== undefined && toInt(row.embedding_dim) !== dim) {
    return { kind: "dimension", reason: `dimension ${String(row.embedding_dim)}, expected ${dim}` };
  }
  const checksum = typeof row.embedding_checksum === "string" ? row.embedding_checksum : "";
  if (row.embedding_f32 instanceof Uint8Array) return checkBinary(row.embedding_f32, checksum, dim);
  return checkJson(row.embedding_json, checksum, dim);
}

function checkBinary(bytes: Uint8Array, checksum: string, dim: number): CheckedVector {
  const vector = bytesToVector(bytes);
  if (!vector || vector.length !== dim) {
    return { kind: "dimension", reason: `embedding_f32 holds ${bytes.byteLength} bytes, expected ${dim * 4}` };
  }
  if (sha256Hex(bytes) !== checksum) return { kind: "corrupt", reason: "checksum mismatch" };
  if (!vector.every(Number.isFinite)) return { kind: "corrupt", reason: "non-finite value" };
  return { vector };
}

function checkJson(json: unknown, checksum: string, dim: number): CheckedVector {
  if (typeof json !== "string") return { kind: "corrupt", reason: "no embedding" };
  if (checksum && sha256Hex(json) !== checksum) return { kind: "corrupt", reason: "checksum mismatch" };
  const vector = parseVectorJson(json);
  if (!vector) return { kind: "corrupt", reason: "embedding_json is not an array of finite numbers" };
  if (vector.length !== dim) return { kind: "dimension", reason: `dimension ${vector.length}, expected ${dim}` };
  return { vector };
}
