import { describe, expect, it } from "vitest";
import { DEFAULT_EMBED_DIM, referenceKernels } from "../../src/kernels/index.js";
import { fnv1a32 } from "../../src/kernels/reference/hash-embed.js";
import { createRandom, FLAVORS, kernelsByFlavor } from "./helpers.js";

function norm(vector: Float32Array): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

function maxDifference(left: Float32Array, right: Float32Array): number {
  let max = 0;
  for (let i = 0; i < left.length; i++) max = Math.max(max, Math.abs(left[i]! - right[i]!));
  return max;
}

function randomTokens(seed: number, count: number): string[] {
  const alphabet = "abcdefghijklmnopqrstuvwxyzäöüßçñ0123456789ΑΒΓабв東京한국\u{20000}";
  const characters = Array.from(alphabet);
  const random = createRandom(seed);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() * 12);
    let token = "";
    for (let j = 0; j < length; j++) token += characters[Math.floor(random() * characters.length)];
    tokens.push(token);
  }
  return tokens;
}

describe("fnv1a32", () => {
  it("matches FNV-1a values for ASCII", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });
});

describe("hashEmbed reference", () => {
  it("defaults to 384 dimensions", () => {
    expect(DEFAULT_EMBED_DIM).toBe(384);
    expect(referenceKernels.hashEmbed(["word"]).length).toBe(384);
  });

  it("shares trigram features between related words", () => {
    const [golang, go, unrelated] = [["golang"], ["go"], ["zebra"]].map((tokens) => referenceKernels.hashEmbed(tokens));
    const similarity = (left: Float32Array, right: Float32Array) => left.reduce((sum, value, i) => sum + value * right[i]!, 0);
    expect(similarity(golang!, go!)).toBeGreaterThan(similarity(golang!, unrelated!));
  });
});

describe.each(FLAVORS)("hashEmbed %s", (flavor) => {
  const kernels = kernelsByFlavor[flavor];

  it.each([1, 3, 4, 5, 64, 384, 1536])("matches reference at dim %i", (dim) => {
    for (let seed = 1; seed <= 20; seed++) {
      const tokens = randomTokens(seed * dim, 1 + (seed % 7) * 5);
      const difference = maxDifference(kernels.hashEmbed(tokens, dim), referenceKernels.hashEmbed(tokens, dim));
      expect(difference, `seed ${seed}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it("matches reference on tokenizer output", () => {
    const tokens = kernels.tokenize("<p>Völkerwanderung &amp; Fußball, ça va: naïve résumé 東京タワー</p>");
    expect(maxDifference(kernels.hashEmbed(tokens), referenceKernels.hashEmbed(tokens))).toBeLessThanOrEqual(1e-6);
  });

  it("returns unit vectors", () => {
    const vector = kernels.hashEmbed(["search", "engine", "posts"], 384);
    expect(vector.length).toBe(384);
    expect(norm(vector)).toBeCloseTo(1, 5);
  });

  it("returns zeros for no tokens", () => {
    const vector = kernels.hashEmbed([], 384);
    expect(vector.length).toBe(384);
    expect(vector.every((value) => value === 0)).toBe(true);
  });

  it("skips empty tokens", () => {
    expect(kernels.hashEmbed(["", ""], 16).every((value) => value === 0)).toBe(true);
    expect(Array.from(kernels.hashEmbed(["", "word", ""], 16))).toEqual(Array.from(kernels.hashEmbed(["word"], 16)));
  });

  it("is deterministic across calls and instances", () => {
    const tokens = randomTokens(42, 50);
    const first = kernels.hashEmbed(tokens, 256);
    kernels.hashEmbed(randomTokens(43, 5000), 1536);
    expect(Array.from(kernels.hashEmbed(tokens, 256))).toEqual(Array.from(first));
    expect(Array.from(kernelsByFlavor[flavor === "simd" ? "scalar" : "simd"].hashEmbed(tokens, 256))).toEqual(
      Array.from(first),
    );
  });

  it("embeds 100,000 tokens after a small call", () => {
    kernels.hashEmbed(["aa"], 4);
    const tokens = randomTokens(7, 100_000);
    const difference = maxDifference(kernels.hashEmbed(tokens, 1536), referenceKernels.hashEmbed(tokens, 1536));
    expect(difference).toBeLessThanOrEqual(1e-6);
  });

  it.each([0, -1, 1.5, Number.NaN, 65_537])("rejects dim %s", (dim) => {
    expect(() => kernels.hashEmbed(["word"], dim)).toThrow(RangeError);
  });

  it("rejects tokens containing U+0000", () => {
    expect(() => kernels.hashEmbed(["ok", "bad\u0000token"], 8)).toThrow(/token 1 contains U\+0000/);
  });
});
