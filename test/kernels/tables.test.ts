import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NAMED_ENTITIES } from "../../src/kernels/entities.js";
import { findPackageRoot } from "../../src/kernels/load-wasm.js";
import { CJK_RANGES } from "../../src/kernels/cjk.js";
import { ENGLISH_STOP_WORDS, GERMAN_STOP_WORDS, STOP_WORD_LISTS } from "../../src/kernels/stop-words.js";
import { WORD_CHAR_RANGES } from "../../src/kernels/word-chars.js";

/** Returns the text between `name` and the next "];" in an AssemblyScript source file. */
function readAssemblyArray(file: string, name: string): string {
  const source = readFileSync(join(findPackageRoot(), "assembly", file), "utf8");
  const start = source.indexOf(`${name}:`);
  expect(start, `${name} in assembly/${file}`).toBeGreaterThanOrEqual(0);
  const body = source.slice(source.indexOf("[", start) + 1, source.indexOf("];", start));
  return body.replace(/\/\/.*$/gm, "");
}

const parseStrings = (body: string) => Array.from(body.matchAll(/"([^"]*)"/g), (match) => match[1]);
const parseNumbers = (body: string) => Array.from(body.matchAll(/0x[0-9a-f]+/gi), (match) => Number(match[0]));

describe("kernel tables", () => {
  it("has equal English stop word lists", () => {
    expect(parseStrings(readAssemblyArray("stop-words.ts", "ENGLISH_STOP_WORDS"))).toEqual([...ENGLISH_STOP_WORDS]);
  });

  it("has equal German stop word lists", () => {
    expect(parseStrings(readAssemblyArray("stop-words.ts", "GERMAN_STOP_WORDS"))).toEqual([...GERMAN_STOP_WORDS]);
  });

  it.each(Object.entries(STOP_WORD_LISTS))("has sorted unique folded %s stop words", (_language, words) => {
    expect([...words].sort()).toEqual(words);
    expect(new Set(words).size).toBe(words.length);
    expect(words.filter((word) => !/^[a-z]+$/.test(word))).toEqual([]);
  });

  it("keeps short technical words out of the stop words", () => {
    for (const words of Object.values(STOP_WORD_LISTS)) {
      for (const word of ["ai", "js", "go", "us"]) expect(words, word).not.toContain(word);
    }
  });

  it("has equal word character ranges", () => {
    expect(parseNumbers(readAssemblyArray("word-chars.ts", "WORD_CHAR_RANGES"))).toEqual([...WORD_CHAR_RANGES]);
  });

  it("has sorted disjoint word character ranges", () => {
    for (let i = 0; i < WORD_CHAR_RANGES.length; i += 2) {
      expect(WORD_CHAR_RANGES[i]!, `range ${i / 2}`).toBeLessThanOrEqual(WORD_CHAR_RANGES[i + 1]!);
      if (i > 0) expect(WORD_CHAR_RANGES[i]!, `range ${i / 2}`).toBeGreaterThan(WORD_CHAR_RANGES[i - 1]!);
    }
  });

  it("has equal CJK ranges", () => {
    expect(parseNumbers(readAssemblyArray("cjk.ts", "CJK_RANGES"))).toEqual([...CJK_RANGES]);
  });

  it("has sorted disjoint CJK ranges", () => {
    for (let i = 0; i < CJK_RANGES.length; i += 2) {
      expect(CJK_RANGES[i]!, `range ${i / 2}`).toBeLessThanOrEqual(CJK_RANGES[i + 1]!);
      if (i > 0) expect(CJK_RANGES[i]!, `range ${i / 2}`).toBeGreaterThan(CJK_RANGES[i - 1]!);
    }
  });

  it("has equal entity tables", () => {
    const names = parseStrings(readAssemblyArray("entities.ts", "ENTITY_NAMES"));
    const codePoints = parseNumbers(readAssemblyArray("entities.ts", "ENTITY_CODE_POINTS"));
    expect(names).toEqual(NAMED_ENTITIES.map(([name]) => name));
    expect(codePoints).toEqual(NAMED_ENTITIES.map(([, codePoint]) => codePoint));
  });
});
