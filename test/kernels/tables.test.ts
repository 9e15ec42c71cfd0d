import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NAMED_ENTITIES } from "../../src/kernels/entities.js";
import { findPackageRoot } from "../../src/kernels/load-wasm.js";
import { STOP_WORDS } from "../../src/kernels/stop-words.js";
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
  it("has equal stop word lists", () => {
    expect(parseStrings(readAssemblyArray("stop-words.ts", "STOP_WORD_LIST"))).toEqual([...STOP_WORDS]);
  });

  it("has lower-case unique stop words", () => {
    expect(new Set(STOP_WORDS).size).toBe(STOP_WORDS.length);
    expect(STOP_WORDS.every((word) => word === word.toLowerCase())).toBe(true);
  });

  it("keeps short technical words out of the stop words", () => {
    for (const word of ["ai", "js", "go", "us"]) expect(STOP_WORDS, word).not.toContain(word);
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

  it("has equal entity tables", () => {
    const names = parseStrings(readAssemblyArray("entities.ts", "ENTITY_NAMES"));
    const codePoints = parseNumbers(readAssemblyArray("entities.ts", "ENTITY_CODE_POINTS"));
    expect(names).toEqual(NAMED_ENTITIES.map(([name]) => name));
    expect(codePoints).toEqual(NAMED_ENTITIES.map(([, codePoint]) => codePoint));
  });
});
