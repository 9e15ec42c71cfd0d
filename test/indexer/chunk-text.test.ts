import { describe, expect, it } from "vitest";

import { chunkText } from "../../src/indexer/chunk-text.js";

function words(count: number, prefix = "w"): string {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`).join(" ");
}

describe("chunkText", () => {
  it("returns no chunk for empty text", () => {
    expect(chunkText("")).toEqual([]);
    expect(chunkText("  \n\n  ")).toEqual([]);
  });

  it("keeps short text in one chunk", () => {
    expect(chunkText("one two three")).toEqual(["one two three"]);
  });

  it("splits long text with the given overlap", () => {
    const chunks = chunkText(words(25), { maxWords: 10, overlapWords: 2 });
    expect(chunks[0]).toBe(words(10));
    expect(chunks[1]?.split(" ")[0]).toBe("w8");
    expect(chunks.at(-1)?.split(" ").at(-1)).toBe("w24");
    for (const chunk of chunks) expect(chunk.split(" ").length).toBeLessThanOrEqual(10);
  });

  it("covers every word", () => {
    const text = words(1000);
    const seen = new Set(chunkText(text, { maxWords: 64, overlapWords: 8 }).flatMap((chunk) => chunk.split(/\s+/)));
    expect(seen.size).toBe(1000);
  });

  it("prefers a paragraph end as the boundary", () => {
    const text = `${words(7, "a")}\n\n${words(7, "b")}`;
    const chunks = chunkText(text, { maxWords: 10, overlapWords: 0 });
    expect(chunks[0]).toBe(words(7, "a"));
    expect(chunks[1]).toBe(words(7, "b"));
  });

  it("keeps paragraph breaks inside a chunk", () => {
    expect(chunkText("first para\n\nsecond para")).toEqual(["first para\n\nsecond para"]);
  });

  it("splits a post of a million words", () => {
    const text = "word ".repeat(1_000_000);
    const chunks = chunkText(text, { maxWords: 200, overlapWords: 30 });
    expect(chunks.length).toBe(Math.ceil((1_000_000 - 30) / 170));
  });

  it("rejects overlap not below maxWords", () => {
    expect(() => chunkText("a b", { maxWords: 4, overlapWords: 4 })).toThrow(/overlapWords 4/);
    expect(() => chunkText("a b", { maxWords: 0, overlapWords: 0 })).toThrow(/maxWords 0/);
  });

  it("closes chunks at maxChars", () => {
    const text = words(300);
    const chunks = chunkText(text, { maxWords: 200, overlapWords: 30, maxChars: 100 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(100);
    const seen = new Set(chunks.flatMap((chunk) => chunk.split(" ")));
    expect(seen.size).toBe(300);
  });

  it("cuts a word longer than maxChars", () => {
    const long = "x".repeat(250);
    const chunks = chunkText(`start ${long} end`, { maxWords: 200, overlapWords: 30, maxChars: 100 });
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(100);
    expect(chunks.join("").replaceAll(/[^x]/g, "").length).toBeGreaterThanOrEqual(250);
    expect(chunks[0]?.startsWith("start")).toBe(true);
    expect(chunks.at(-1)?.endsWith("end")).toBe(true);
  });

  it("keeps surrogate pairs whole when cutting", () => {
    const emoji = "\u{1F600}".repeat(30);
    const chunks = chunkText(emoji, { maxWords: 10, overlapWords: 2, maxChars: 9 });
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(9);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(chunk)).toBe(false);
    }
    expect(chunks.join("").replaceAll(" ", "")).toBe(emoji);
  });

  it("limits overlap to half a short chunk", () => {
    const text = Array.from({ length: 40 }, (_, index) => String(index).padStart(30, "y")).join(" ");
    const chunks = chunkText(text, { maxWords: 200, overlapWords: 30, maxChars: 100 });
    // Three 30-character words fit in 100, so each chunk repeats one word and moves on by two.
    for (const chunk of chunks.slice(0, -1)) expect(chunk.split(" ")).toHaveLength(3);
    expect(chunks).toHaveLength(20);
  });

  it("rejects a maxChars below 2", () => {
    expect(() => chunkText("a b", { maxWords: 10, overlapWords: 0, maxChars: 1 })).toThrow(/maxChars 1/);
  });
});
