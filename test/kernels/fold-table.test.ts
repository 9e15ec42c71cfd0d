import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCjk } from "../../src/kernels/cjk.js";
import { ACCENT_FOLD_RANGES, computeFold, FOLD_EXCEPTIONS } from "../../src/kernels/fold-rule.js";
import { FOLD_CODE_POINTS, FOLD_STRINGS, MAX_FOLD_UNITS } from "../../src/kernels/fold-table.js";
import { buildFoldTable } from "../../src/kernels/generate-fold-table.js";
import { findPackageRoot } from "../../src/kernels/load-wasm.js";
import { isWordChar, WORD_CHAR_RANGES } from "../../src/kernels/word-chars.js";

const FOLDS = new Map(FOLD_CODE_POINTS.map((codePoint, i) => [codePoint, FOLD_STRINGS[i]!]));

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).padStart(4, "0")}`;
}

/** Returns the body of the array `name` in assembly/fold-table.ts, without comments. */
function readAssemblyArray(name: string): string {
  const source = readFileSync(join(findPackageRoot(), "assembly", "fold-table.ts"), "utf8");
  const start = source.indexOf(`${name}:`);
  expect(start, name).toBeGreaterThanOrEqual(0);
  return source.slice(source.indexOf("[", start) + 1, source.indexOf("];", start)).replace(/\/\/.*$/gm, "");
}

/** Returns `text` folded with the committed table. */
function foldText(text: string): string {
  return Array.from(text, (character) => FOLDS.get(character.codePointAt(0)!) ?? character).join("");
}

describe("fold table", () => {
  it("has equal copies in assembly and src", () => {
    const codePoints = Array.from(readAssemblyArray("FOLD_CODE_POINTS").matchAll(/0x[0-9a-f]+/gi), (match) => Number(match[0]));
    const folds = Array.from(readAssemblyArray("FOLD_STRINGS").matchAll(/"([^"]*)"/g), (match) => match[1]);
    expect(codePoints).toEqual([...FOLD_CODE_POINTS]);
    expect(folds).toEqual([...FOLD_STRINGS]);
  });

  it("has one fold per code point", () => {
    expect(FOLD_STRINGS.length).toBe(FOLD_CODE_POINTS.length);
  });

  it("matches the fold rule on this runtime", () => {
    const table = FOLD_CODE_POINTS.map((codePoint, i) => [codePoint, FOLD_STRINGS[i]]);
    expect(table).toEqual(buildFoldTable());
  });

  it("matches NFKD in accent ranges", () => {
    for (let i = 0; i < ACCENT_FOLD_RANGES.length; i += 2) {
      for (let codePoint = ACCENT_FOLD_RANGES[i]!; codePoint <= ACCENT_FOLD_RANGES[i + 1]!; codePoint++) {
        if (!isWordChar(codePoint) || FOLD_EXCEPTIONS.has(codePoint)) continue;
        const decomposed = String.fromCodePoint(codePoint).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
        const expected = Array.from(decomposed)
          .filter((character) => isWordChar(character.codePointAt(0)!))
          .map((character) => FOLD_EXCEPTIONS.get(character.codePointAt(0)!) ?? character)
          .join("");
        expect(foldText(String.fromCodePoint(codePoint)), hex(codePoint)).toBe(expected);
      }
    }
  });

  it("lists code points in ascending order", () => {
    for (let i = 1; i < FOLD_CODE_POINTS.length; i++) {
      expect(FOLD_CODE_POINTS[i]!, hex(FOLD_CODE_POINTS[i]!)).toBeGreaterThan(FOLD_CODE_POINTS[i - 1]!);
    }
  });

  it("folds only BMP word characters outside CJK", () => {
    for (const codePoint of FOLD_CODE_POINTS) {
      expect(codePoint, hex(codePoint)).toBeLessThanOrEqual(0xffff);
      expect(isWordChar(codePoint), hex(codePoint)).toBe(true);
      expect(isCjk(codePoint), hex(codePoint)).toBe(false);
    }
  });

  it("folds to short word characters outside CJK", () => {
    FOLD_STRINGS.forEach((fold, i) => {
      const label = hex(FOLD_CODE_POINTS[i]!);
      expect(fold.length, label).toBeLessThanOrEqual(MAX_FOLD_UNITS);
      for (const character of fold) {
        expect(isWordChar(character.codePointAt(0)!), label).toBe(true);
        expect(isCjk(character.codePointAt(0)!), label).toBe(false);
      }
    });
  });

  it("folds to nothing only marks and spacing accents", () => {
    const emptied = FOLD_CODE_POINTS.filter((_codePoint, i) => FOLD_STRINGS[i] === "");
    expect(emptied.length).toBeGreaterThan(0);
    for (const codePoint of emptied) expect(String.fromCodePoint(codePoint), hex(codePoint)).toMatch(/^[\p{M}\p{Sk}]$/u);
  });

  it("gives folds that fold to themselves", () => {
    FOLD_STRINGS.forEach((fold, i) => expect(foldText(fold), hex(FOLD_CODE_POINTS[i]!)).toBe(fold));
  });

  it("leaves supplementary word characters unchanged", () => {
    for (let i = 0; i < WORD_CHAR_RANGES.length; i += 2) {
      for (let codePoint = Math.max(WORD_CHAR_RANGES[i]!, 0x10000); codePoint <= WORD_CHAR_RANGES[i + 1]!; codePoint++) {
        if (computeFold(codePoint) !== String.fromCodePoint(codePoint)) expect.fail(`${hex(codePoint)} has a fold`);
      }
    }
  });

  it.each([
    ["ß", "ss"], ["ẞ", "ss"], ["İ", "i"], ["ı", "i"], ["é", "e"], ["ü", "u"], ["ñ", "n"], ["ç", "c"],
    ["å", "a"], ["ø", "o"], ["ǿ", "o"], ["æ", "ae"], ["ǣ", "ae"], ["œ", "oe"], ["ł", "l"], ["đ", "d"],
    ["þ", "th"], ["ά", "α"], ["ϊ", "ι"], ["ΐ", "ι"], ["ệ", "e"], ["ơ", "o"], ["ư", "u"], ["ё", "е"],
    ["ς", "σ"],
  ])("folds %s to %s", (character, fold) => {
    expect(FOLDS.get(character.codePointAt(0)!)).toBe(fold);
  });

  it.each(["Й", "й", "ї", "ў"])("keeps the mark of Cyrillic %s", (character) => {
    const fold = foldText(character);
    expect(fold.normalize("NFD")).not.toBe(fold.normalize("NFD").replace(/\p{M}/gu, ""));
  });
});
