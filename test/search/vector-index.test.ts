import { describe, expect, it } from "vitest";

import { bestRowOfPosts, scoreInt8Rows, topKRows } from "../../src/kernels/reference/int8-scan.js";
import { KernelPool } from "../../src/pool/pool.js";
import { scanScratchBytes, scanScratchLayout } from "../../src/pool/scan-layout.js";
import { quantizeInto, quantizeVector } from "../../src/search/quantize.js";
import { VectorCatalog } from "../../src/search/vector-catalog.js";
import { BIN_COUNT, countScores, VectorRankEstimate } from "../../src/search/vector-rank.js";
import { splitRows } from "../../src/search/vector-index.js";
import { instantiateInt8Scan } from "../../src/kernels/int8-scan.js";
import { SEGMENT_ROWS, VectorMemory } from "../../src/search/vector-memory.js";

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomVector(dim: number, random: () => number): Float32Array {
  return Float32Array.from({ length: dim }, () => random() * 2 - 1);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, i) => {
    dot += value * (b[i] as number);
    normA += value * value;
    normB += (b[i] as number) ** 2;
  });
  return dot / Math.sqrt(normA * normB);
}

describe("quantizeVector", () => {
  it("approximates the cosine of float vectors", () => {
    const random = seededRandom(1);
    for (let trial = 0; trial < 50; trial++) {
      const a = randomVector(384, random);
      const b = randomVector(384, random);
      const qa = quantizeVector(a, 384);
      const qb = quantizeVector(b, 384);
      const approx = scoreInt8Rows(qa.row, qa.factor, 384, qb.row, Float32Array.of(qb.factor))[0] as number;
      expect(Math.abs(approx - cosine(a, b))).toBeLessThan(0.01);
    }
  });

  it("gives a zero vector factor 0", () => {
    const { row, factor } = quantizeVector(new Float32Array(8), 16);
    expect(factor).toBe(0);
    expect(Array.from(row)).toEqual(new Array(16).fill(0));
  });

  it("pads the row to the stride with zeros", () => {
    const { row } = quantizeVector(Float32Array.of(1, -1, 0.5), 16);
    expect(Array.from(row.slice(0, 4))).toEqual([127, -127, 64, 0]);
    expect(row.length).toBe(16);
  });
});

describe("quantizeInto", () => {
  it("matches quantizeVector and zeroes the padding", () => {
    const vector = randomVector(100, seededRandom(3));
    const expected = quantizeVector(vector, 112);
    const row = new Int8Array(112).fill(9);
    expect(quantizeInto(vector, row)).toBe(expected.factor);
    expect(Array.from(row)).toEqual(Array.from(expected.row));
  });

  it("rejects a row shorter than the vector", () => {
    expect(() => quantizeInto(new Float32Array(16), new Int8Array(8))).toThrow(RangeError);
  });
});

describe("VectorMemory", () => {
  it("stores appended vectors as quantizeVector rows", () => {
    const memory = new VectorMemory(100);
    const random = seededRandom(5);
    const rows = SEGMENT_ROWS + 3;
    const vectors = Array.from({ length: rows }, () => randomVector(100, random));
    vectors.forEach((vector, slot) => expect(memory.appendVector(vector, slot % 7)).toBe(slot));
    for (const slot of [0, SEGMENT_ROWS - 1, SEGMENT_ROWS, rows - 1]) {
      const expected = quantizeVector(vectors[slot]!, memory.stride);
      const stored = new Int8Array(memory.memory.buffer, memory.rowAddress(slot), memory.stride);
      expect(Array.from(stored)).toEqual(Array.from(expected.row));
      expect(new Float32Array(memory.memory.buffer, memory.factorAddress(slot), 1)[0]).toBe(Math.fround(expected.factor));
    }
    const lastSegment = memory.segments[1]!;
    expect(new Uint32Array(memory.memory.buffer, lastSegment.posts, 3)[2]).toBe((rows - 1) % 7);
  });


  it("keeps rows readable across segments and memory growth", () => {
    const memory = new VectorMemory(384);
    const rows = SEGMENT_ROWS + 10;
    for (let slot = 0; slot < rows; slot++) {
      const row = new Int8Array(memory.stride).fill(slot % 127);
      expect(memory.appendRow(row, slot + 1, slot % 5)).toBe(slot);
    }
    expect(memory.segments).toHaveLength(2);
    expect(memory.slotCount).toBe(rows);
    const last = rows - 1;
    expect(new Int8Array(memory.memory.buffer, memory.rowAddress(last), 4)[0]).toBe(last % 127);
    expect(new Float32Array(memory.memory.buffer, memory.factorAddress(last), 1)[0]).toBe(rows);
    const lastSegment = memory.segments[1]!;
    expect(new Uint32Array(memory.memory.buffer, lastSegment.posts, 10)[9]).toBe(last % 5);
    memory.clearRow(last);
    expect(new Float32Array(memory.memory.buffer, memory.factorAddress(last), 1)[0]).toBe(0);
  });

  it("reuses released scratch blocks of the same size", () => {
    const memory = new VectorMemory(16);
    const block = memory.acquireBlock(1000);
    memory.releaseBlock(block);
    expect(memory.acquireBlock(2000).address).toBe(block.address);
    expect(memory.acquireBlock(2000).address).not.toBe(block.address);
  });
});

describe("int8 scan on the pool", () => {
  it("matches the reference top k and post bests", async () => {
    const dim = 100;
    const memory = new VectorMemory(dim);
    const random = seededRandom(7);
    const count = SEGMENT_ROWS * 2 + 500;
    const postCount = 1000;
    const allRows = new Int8Array(count * memory.stride);
    const factors = new Float32Array(count);
    const postOfRow = new Uint32Array(count);
    for (let slot = 0; slot < count; slot++) {
      const { row, factor } = quantizeVector(randomVector(dim, random), memory.stride);
      const stored = slot % 97 === 0 ? 0 : factor;
      const post = Math.floor(random() * postCount);
      memory.appendRow(row, stored, post);
      allRows.set(row, slot * memory.stride);
      factors[slot] = stored;
      postOfRow[slot] = post;
    }
    const query = quantizeVector(randomVector(dim, random), memory.stride);
    const expected = scoreInt8Rows(query.row, query.factor, memory.stride, allRows, factors);
    const expectedPosts = bestRowOfPosts(expected, factors, postOfRow, postCount + 1);

    const pool = new KernelPool({ threads: 2, vectorMemory: memory.memory });
    try {
      const block = memory.acquireBlock(scanScratchBytes(memory.stride, 50, postCount + 1));
      const output = await pool.scanVectors({
        query: query.row,
        queryFactor: query.factor,
        stride: memory.stride,
        segments: memory.segments.map((segment) => ({ ...segment })),
        k: 50,
        postCount: postCount + 1,
        scratch: block.address,
      });
      expect(Array.from(output.slots)).toEqual(topKRows(expected, factors, 50));
      expect(Array.from(output.scores)).toEqual(topKRows(expected, factors, 50).map((slot) => expected[slot]));

      const layout = scanScratchLayout(block.address, memory.stride, 50, postCount + 1);
      const postScores = new Float32Array(memory.memory.buffer, layout.postScores, postCount + 1);
      const postSlots = new Int32Array(memory.memory.buffer, layout.postSlots, postCount + 1);
      expect(Array.from(postScores)).toEqual(Array.from(expectedPosts.scores));
      expect(Array.from(postSlots)).toEqual(Array.from(expectedPosts.rows));
      expect(postScores[postCount]).toBe(-Infinity);
      expect(postSlots[postCount]).toBe(-1);
    } finally {
      await pool.close();
    }
  });
});

describe("VectorRankEstimate", () => {
  it("ranks scores among all posts", () => {
    const random = seededRandom(3);
    const scores = Float32Array.from({ length: 20_000 }, () => random() * 1.6 - 0.8);
    scores[7] = -Infinity;
    const estimate = new VectorRankEstimate(countScores(scores));
    expect(estimate.postCount).toBe(19_999);
    const sorted = Array.from(scores).filter((score) => score !== -Infinity).sort((a, b) => b - a);
    for (const rank of [1, 10, 100, 1000, 15_000]) {
      const score = sorted[rank - 1]!;
      expect(Math.abs(estimate.rankOf(score) - rank)).toBeLessThanOrEqual(6);
    }
    expect(estimate.rankOf(2)).toBe(1);
    expect(estimate.rankOf(-2)).toBeGreaterThanOrEqual(19_999);
  });
});

describe("post best kernels", () => {
  it("merge and count like the reference", () => {
    const memory = new VectorMemory(16);
    const scan = instantiateInt8Scan(memory.memory);
    const random = seededRandom(11);
    const count = 5000;
    const block = memory.acquireBlock(count * 16 + BIN_COUNT * 4);
    const { buffer } = memory.memory;
    const at = (index: number) => block.address + index * count * 4;
    const intoScores = new Float32Array(buffer, at(0), count);
    const intoSlots = new Int32Array(buffer, at(1), count);
    const fromScores = new Float32Array(buffer, at(2), count);
    const fromSlots = new Int32Array(buffer, at(3), count);
    for (let i = 0; i < count; i++) {
      const missing = i % 7 === 0;
      intoScores[i] = missing ? -Infinity : Math.fround(random() * 2.2 - 1.1);
      intoSlots[i] = missing ? -1 : i * 2;
      if (i % 5 === 0) {
        fromScores[i] = -Infinity;
        fromSlots[i] = -1;
        continue;
      }
      // Every 11th post ties with its current best, to check the lower slot wins.
      fromScores[i] = i % 11 === 0 ? (intoScores[i] as number) : Math.fround(random() * 2 - 1);
      fromSlots[i] = i % 3 === 0 ? i : i * 3;
    }
    const expectedScores = Float32Array.from(intoScores);
    const expectedSlots = Int32Array.from(intoSlots);
    for (let i = 0; i < count; i++) {
      const score = fromScores[i] as number;
      const slot = fromSlots[i] as number;
      const current = expectedScores[i] as number;
      if (score > current || (score === current && slot !== -1 && slot < (expectedSlots[i] as number))) {
        expectedScores[i] = score;
        expectedSlots[i] = slot;
      }
    }
    scan.mergePostBest(at(0), at(1), at(2), at(3), count);
    expect(Array.from(intoScores)).toEqual(Array.from(expectedScores));
    expect(Array.from(intoSlots)).toEqual(Array.from(expectedSlots));

    const counted = scan.histogramScores(at(0), count, at(4), BIN_COUNT);
    const bins = new Uint32Array(buffer, at(4), BIN_COUNT);
    expect(Array.from(bins)).toEqual(Array.from(countScores(intoScores)));
    expect(counted).toBe(Array.from(intoScores).filter((score) => score !== -Infinity).length);
  });
});

describe("splitRows", () => {
  it("splits rows evenly across segment ranges", () => {
    const segments = [
      { rows: 1000, factors: 50_000, posts: 60_000, count: 10, firstSlot: 0 },
      { rows: 2000, factors: 70_000, posts: 80_000, count: 5, firstSlot: 8192 },
    ];
    const parts = splitRows(segments, 2, 16);
    expect(parts).toEqual([
      [{ rows: 1000, factors: 50_000, posts: 60_000, count: 8, firstSlot: 0 }],
      [
        { rows: 1000 + 8 * 16, factors: 50_000 + 32, posts: 60_000 + 32, count: 2, firstSlot: 8 },
        { rows: 2000, factors: 70_000, posts: 80_000, count: 5, firstSlot: 8192 },
      ],
    ]);
    expect(splitRows(segments, 1, 16)).toEqual([segments]);
    expect(splitRows([], 2, 16)).toEqual([]);
  });
});

describe("VectorCatalog", () => {
  it("maps slots, chunks and posts both ways", () => {
    const catalog = new VectorCatalog();
    catalog.add(0, "10", "1");
    catalog.add(1, "11", "1");
    catalog.add(2, "9007199254740993", "2");
    expect(catalog.slotsOf("1")).toEqual([0, 1]);
    expect(catalog.chunkAt(2)).toEqual({ chunkId: "9007199254740993", postId: "2" });
    expect(catalog.remove("10")).toBe(0);
    expect(catalog.slotsOf("1")).toEqual([1]);
    expect(catalog.chunkAt(0)).toBeUndefined();
    expect(catalog.remove("10")).toBeUndefined();
    expect(catalog.size).toBe(2);
  });

  it("gives each post one ordinal for good", () => {
    const catalog = new VectorCatalog();
    expect(catalog.ordinalOf("9007199254740993")).toBe(0);
    expect(catalog.ordinalOf("5")).toBe(1);
    expect(catalog.ordinalOf("9007199254740993")).toBe(0);
    catalog.add(0, "10", "5");
    catalog.remove("10");
    expect(catalog.findOrdinal("5")).toBe(1);
    expect(catalog.postAtOrdinal(1)).toBe("5");
    expect(catalog.findOrdinal("6")).toBeUndefined();
    expect(catalog.postOrdinalCount).toBe(2);
  });
});
