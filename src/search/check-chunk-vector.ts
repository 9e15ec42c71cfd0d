/**
 * Checks a stored chunk vector before it enters the search index.
 *
 * Rows written by this engine carry embedding_f32, whose SHA-256 is the
 * checksum. Rows with only embedding_json (the PHP plugin's form) have a
 * checksum over the JSON text as stored; they are verified as they are,
 * then parsed. Only rows of the configured embedder version and dimension
 * are accepted.
 *
 * An accepted embedding_f32 vector is a view of the row's bytes when they
 * start at a multiple of 4 bytes, as better-sqlite3 12's BLOBs (each in its
 * own ArrayBuffer) do. Otherwise the bytes are copied into `scratch` when
 * it has `dim` entries, or else into a new array. mysql2 3's BLOBs are
 * slices of a packet at any offset, so they take the copy. The vector is
 * valid only until the row or `scratch` is reused, so a caller that keeps
 * it must copy it.
 */
import { sha256Hex } from "../embedders/sha256.js";
import { parseVectorJson } from "../embedders/vector-codec.js";
import { toInt } from "../store/rows.js";

/** Why a row was not accepted: another embedder, a wrong dimension, or data that fails its checks. */
export type RejectKind = "version" | "dimension" | "corrupt";

export type CheckedVector = { vector: Float32Array } | { kind: RejectKind; reason: string };

export function checkChunkVector(
  row: Record<string, unknown>,
  dim: number,
  version: string,
  scratch?: Float32Array,
): CheckedVector {
  if (row.embedding_version !== version) {
    return { kind: "version", reason: `embedding version ${String(row.embedding_version)}, expected ${version}` };
  }
  if (row.embedding_dim !== null && row.embedding_dim !== undefined && toInt(row.embedding_dim) !== dim) {
    return { kind: "dimension", reason: `dimension ${String(row.embedding_dim)}, expected ${dim}` };
  }
  const checksum = typeof row.embedding_checksum === "string" ? row.embedding_checksum : "";
  if (row.embedding_f32 instanceof Uint8Array) return checkBinary(row.embedding_f32, checksum, dim, scratch);
  return checkJson(row.embedding_json, checksum, dim);
}

function checkBinary(bytes: Uint8Array, checksum: string, dim: number, scratch?: Float32Array): CheckedVector {
  if (bytes.byteLength !== dim * 4) {
    return { kind: "dimension", reason: `embedding_f32 holds ${bytes.byteLength} bytes, expected ${dim * 4}` };
  }
  const vector = viewAsFloat32(bytes, scratch?.length === dim ? scratch : undefined);
  if (sha256Hex(bytes) !== checksum) return { kind: "corrupt", reason: "checksum mismatch" };
  if (!vector.every(Number.isFinite)) return { kind: "corrupt", reason: "non-finite value" };
  return { vector };
}

/** Returns a float32 view of `bytes`, or a copy in `scratch` (else a new array) when they are not 4-byte aligned. */
function viewAsFloat32(bytes: Uint8Array, scratch: Float32Array | undefined): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const copy = scratch ?? new Float32Array(bytes.byteLength / 4);
  new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength).set(bytes);
  return copy;
}

function checkJson(json: unknown, checksum: string, dim: number): CheckedVector {
  if (typeof json !== "string") return { kind: "corrupt", reason: "no embedding" };
  if (checksum && sha256Hex(json) !== checksum) return { kind: "corrupt", reason: "checksum mismatch" };
  const vector = parseVectorJson(json);
  if (!vector) return { kind: "corrupt", reason: "embedding_json is not an array of finite numbers" };
  if (vector.length !== dim) return { kind: "dimension", reason: `dimension ${vector.length}, expected ${dim}` };
  return { vector };
}
