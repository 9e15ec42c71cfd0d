import { describe, expect, it } from "vitest";
import { referenceKernels } from "../../src/kernels/index.js";
import { createRandom, FLAVORS, kernelsByFlavor, randomFloats } from "./helpers.js";

const TOLERANCE = 1e-5;

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let maxError = 0;
  for (let i = 0; i < actual.length; i++) maxError = Math.max(maxError, Math.abs(actual[i]! - expected[i]!));
  expect(maxError).toBeLessThan(TOLERANCE);
}

describe("cosine reference", () => {
  it("scores the 2-d example", () => {
    const scores = referenceKernels.cosineBatch(new Float32Array([1, 0]), new Float32Array([1, 0, 0.5, 0.5, 0, 0]));
    expect(scores[0]).toBeCloseTo(1, 6);
    expect(scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scores[2]).toBe(0);
  });
});

describe.each(FLAVORS)("cosineBatch %s", (flavor) => {
  const kernels = kernelsByFlavor[flavor];

  it("reports its flavor", () => {
    expect(kernels.flavor).toBe(flavor);
  });

  it("scores the 2-d example", () => {
    const scores = kernels.cosineBatch(new Float32Array([1, 0]), new Float32Array([1, 0, 0.5, 0.5, 0, 0]));
    expect(scores.length).toBe(3);
    expect(scores[0]).toBeCloseTo(1, 6);
    expect(scores[1]).toBeCloseTo(0.70711, 5);
    expect(scores[2]).toBe(0);
  });

  it.each([1, 3, 4, 5, 15, 16, 17, 33, 384, 1536])("matches reference at dim %i", (dim) => {
    const random = createRandom(dim);
    const query = randomFloats(random, dim);
    const rows = randomFloats(random, dim * 25);
    expectClose(kernels.cosineBatch(query, rows), referenceKernels.cosineBatch(query, rows));
  });

  it.each([1, 3, 4, 5, 384, 1536])("scores zero vectors 0 at dim %i", (dim) => {
    const zero = new Float32Array(dim);
    const rows = new Float32Array(dim * 2);
    rows.set(randomFloats(createRandom(7), dim));

    const fromZeroQuery = kernels.cosineBatch(zero, rows);
    expect(Array.from(fromZeroQuery)).toEqual([0, 0]);

    const fromQuery = kernels.cosineBatch(randomFloats(createRandom(8), dim), rows);
    expect(Number.isNaN(fromQuery[0])).toBe(false);
    expect(fromQuery[1]).toBe(0);
  });

  it("scores identical and opposite rows 1 and -1", () => {
    const query = randomFloats(createRandom(3), 384);
    const rows = new Float32Array(384 * 2);
    rows.set(query);
    rows.set(query.map((value) => -value), 384);

    const scores = kernels.cosineBatch(query, rows);
    expect(scores[0]).toBeCloseTo(1, 5);
    expect(scores[0]).toBeLessThanOrEqual(1);
    expect(scores[1]).toBeCloseTo(-1, 5);
    expect(scores[1]).toBeGreaterThanOrEqual(-1);
  });

  it("returns an empty array for no rows", () => {
    expect(kernels.cosineBatch(new Float32Array([1, 2]), new Float32Array(0)).length).toBe(0);
  });

  it("writes into the given out array", () => {
    const out = new Float32Array(2);
    const result = kernels.cosineBatch(new Float32Array([1, 0]), new Float32Array([1, 0, 0, 1]), out);
    expect(result).toBe(out);
    expect(Array.from(out)).toEqual([1, 0]);
  });

  it("scores 10,000 rows of 1,536 after a small call", () => {
    kernels.cosineBatch(new Float32Array([1, 0]), new Float32Array([1, 0]));
    const random = createRandom(10_000);
    const query = randomFloats(random, 1536);
    const rows = randomFloats(random, 10_000 * 1536);

    const scores = kernels.cosineBatch(query, rows);
    expect(scores.length).toBe(10_000);
    expectClose(scores, referenceKernels.cosineBatch(query, rows));

    const small = kernels.cosineBatch(new Float32Array([0, 2]), new Float32Array([0, 1]));
    expect(small[0]).toBe(1);
  });

  it("rejects rows that are not a multiple of dim", () => {
    expect(() => kernels.cosineBatch(new Float32Array(3), new Float32Array(7))).toThrow(RangeError);
    expect(() => kernels.cosineBatch(new Float32Array(3), new Float32Array(7))).toThrow(/rows length 7 .* query length 3/);
  });

  it("rejects an empty query", () => {
    expect(() => kernels.cosineBatch(new Float32Array(0), new Float32Array(4))).toThrow(RangeError);
  });

  it("rejects an out array of the wrong length", () => {
    const call = () => kernels.cosineBatch(new Float32Array(2), new Float32Array(4), new Float32Array(3));
    expect(call).toThrow(RangeError);
    expect(call).toThrow(/out length 3 .* row count 2/);
  });
});
