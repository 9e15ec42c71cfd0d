import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { bytesToVector, formatVectorJson, parseVectorJson, vectorBytes } from "../../src/embedders/vector-codec.js";

function randomVector(length: number, seed: number): Float32Array {
  const vector = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    vector[i] = (state / 2 ** 32 - 0.5) * 10 ** ((state % 9) - 4);
  }
  return vector;
}

describe("vector codec", () => {
  it("round-trips float32 values through JSON exactly", () => {
    const vector = randomVector(1536, 7);
    const parsed = parseVectorJson(formatVectorJson(vector));
    expect(parsed).not.toBeNull();
    expect(Buffer.compare(vectorBytes(parsed as Float32Array), vectorBytes(vector))).toBe(0);
  });

  it("keeps the checksum when the JSON text is reformatted", () => {
    const vector = randomVector(64, 3);
    const checksum = createHash("sha256").update(vectorBytes(vector)).digest("hex");
    const rewritten = JSON.stringify(JSON.parse(formatVectorJson(vector))).replaceAll(",", ", ");
    const parsed = parseVectorJson(rewritten) as Float32Array;
    expect(createHash("sha256").update(vectorBytes(parsed)).digest("hex")).toBe(checksum);
  });

  it("rejects non-arrays and non-finite values", () => {
    expect(parseVectorJson("{}")).toBeNull();
    expect(parseVectorJson("[1, \"2\"]")).toBeNull();
    expect(parseVectorJson("[1, 1e999]")).toBeNull();
    expect(parseVectorJson("not json")).toBeNull();
  });

  it("reads little-endian bytes back", () => {
    const vector = Float32Array.of(1, -2.5, 0);
    expect(Array.from(bytesToVector(vectorBytes(vector)) as Float32Array)).toEqual([1, -2.5, 0]);
    expect(bytesToVector(new Uint8Array(6))).toBeNull();
  });
});
