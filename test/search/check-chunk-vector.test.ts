import { describe, expect, it } from "vitest";

import { vectorBytes, vectorChecksum } from "../../src/embedders/vector-codec.js";
import { checkChunkVector } from "../../src/search/check-chunk-vector.js";

const VERSION = "hash-v1";

function binaryRow(bytes: Uint8Array, checksum: string): Record<string, unknown> {
  return { embedding_version: VERSION, embedding_dim: 4, embedding_checksum: checksum, embedding_f32: bytes };
}

/** Copies `vector`'s bytes to `offset` bytes into a larger buffer, as a driver's slice of a packet would be. */
function bytesAt(vector: Float32Array, offset: number): Uint8Array {
  const packet = new Uint8Array(offset + vector.byteLength + 3);
  packet.set(vectorBytes(vector), offset);
  return packet.subarray(offset, offset + vector.byteLength);
}

describe("checkChunkVector", () => {
  const vector = Float32Array.of(0.5, -1, 2, 0);
  const checksum = vectorChecksum(vector);

  it("accepts aligned bytes without a copy", () => {
    const bytes = bytesAt(vector, 8);
    const checked = checkChunkVector(binaryRow(bytes, checksum), 4, VERSION);
    if (!("vector" in checked)) throw new Error(`rejected: ${checked.reason}`);
    expect(Array.from(checked.vector)).toEqual(Array.from(vector));
    expect(checked.vector.buffer).toBe(bytes.buffer);
  });

  it("copies unaligned bytes into the scratch array", () => {
    const scratch = new Float32Array(4);
    const checked = checkChunkVector(binaryRow(bytesAt(vector, 3), checksum), 4, VERSION, scratch);
    if (!("vector" in checked)) throw new Error(`rejected: ${checked.reason}`);
    expect(checked.vector).toBe(scratch);
    expect(Array.from(scratch)).toEqual(Array.from(vector));
  });

  it("copies unaligned bytes without a scratch array", () => {
    const checked = checkChunkVector(binaryRow(bytesAt(vector, 5), checksum), 4, VERSION);
    if (!("vector" in checked)) throw new Error(`rejected: ${checked.reason}`);
    expect(Array.from(checked.vector)).toEqual(Array.from(vector));
  });

  it("ignores a scratch array of another length", () => {
    const scratch = new Float32Array(8);
    const checked = checkChunkVector(binaryRow(bytesAt(vector, 1), checksum), 4, VERSION, scratch);
    if (!("vector" in checked)) throw new Error(`rejected: ${checked.reason}`);
    expect(checked.vector).not.toBe(scratch);
    expect(Array.from(checked.vector)).toEqual(Array.from(vector));
  });

  it("rejects bytes of the wrong length", () => {
    const checked = checkChunkVector(binaryRow(new Uint8Array(14), checksum), 4, VERSION);
    expect(checked).toEqual({ kind: "dimension", reason: "embedding_f32 holds 14 bytes, expected 16" });
  });

  it("rejects a checksum mismatch", () => {
    const checked = checkChunkVector(binaryRow(bytesAt(vector, 0), "0".repeat(64)), 4, VERSION);
    expect(checked).toEqual({ kind: "corrupt", reason: "checksum mismatch" });
  });

  it("rejects non-finite values", () => {
    const bad = Float32Array.of(1, Number.NaN, 0, 0);
    const checked = checkChunkVector(binaryRow(bytesAt(bad, 2), vectorChecksum(bad)), 4, VERSION);
    expect(checked).toEqual({ kind: "corrupt", reason: "non-finite value" });
  });
});
