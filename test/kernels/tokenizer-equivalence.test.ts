import { describe, expect, it } from "vitest";
import { referenceKernels, type TokenizeOptions } from "../../src/kernels/index.js";
import { CJK_RANGES } from "../../src/kernels/cjk.js";
import { ACCENT_FOLD_RANGES } from "../../src/kernels/fold-rule.js";
import { FOLD_CODE_POINTS } from "../../src/kernels/fold-table.js";
import { WORD_CHAR_RANGES } from "../../src/kernels/word-chars.js";
import { createRandom, FLAVORS, kernelsByFlavor } from "./helpers.js";

const STOP_WORD_OPTIONS: readonly TokenizeOptions[] = [{}, { stopWords: "de" }, { stopWords: "none" }];

/** Returns markup-heavy random text built from a seeded mix of fragments. */
function randomDocument(seed: number, fragments: number): string {
  const pieces = [
    "Über", "naïve", "Straße", "ΟΔΟΣ", "Москва", "東京", "한국", "&amp;", "&ouml;", "&#8217;", "&#x1F600;",
    "<p>", "</p>", "<a href='x>y'>", "[gallery ids=\"1\"]", "[/caption]", "[see]", "<script>x</script>",
    "<!-- c -->", "  ", "\n", ",", "’", "'", "the", "AI", "x", "42", "🚀", "\ud800", "<", ">", "[", "]", "&", "#",
    "İ", "ı", "ẞ", "密码", "パスワード", "SQLite", "\u{20000}", "\u0301", "der", "für",
  ];
  const random = createRandom(seed);
  let text = "";
  for (let i = 0; i < fragments; i++) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

/** Inclusive [start, end] pairs that random text draws code points from: every table range plus separators and surrogates. */
const CODE_POINT_RANGES: readonly number[] = [
  ...WORD_CHAR_RANGES,
  ...CJK_RANGES,
  ...ACCENT_FOLD_RANGES,
  ...FOLD_CODE_POINTS.flatMap((codePoint) => [codePoint, codePoint]),
  0x20, 0x2f, // ASCII space and punctuation
  0x1f300, 0x1f64f, // emoji, which are surrogate pairs that separate words
  0xd800, 0xdfff, // lone surrogates
];

/** Returns random text whose code points come from CODE_POINT_RANGES. */
function randomCodePointText(seed: number, length: number): string {
  const random = createRandom(seed);
  const rangeCount = CODE_POINT_RANGES.length / 2;
  let text = "";
  for (let i = 0; i < length; i++) {
    const range = Math.floor(random() * rangeCount) * 2;
    const start = CODE_POINT_RANGES[range]!;
    const end = CODE_POINT_RANGES[range + 1]!;
    text += String.fromCodePoint(start + Math.floor(random() * (end - start + 1)));
    if (random() < 0.15) text += " ";
  }
  return text;
}

describe.each(FLAVORS)("tokenize %s against reference", (flavor) => {
  const kernels = kernelsByFlavor[flavor];

  it("matches on random markup documents", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = randomDocument(seed, 60);
      expect(kernels.tokenize(text), `seed ${seed}`).toEqual(referenceKernels.tokenize(text));
    }
  });

  it.each(STOP_WORD_OPTIONS)("matches on random code points with options %j", (options) => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomCodePointText(seed, 80);
      expect(kernels.tokenize(text, options), `seed ${seed}`).toEqual(referenceKernels.tokenize(text, options));
    }
  });

  it("returns well-formed tokens for random code points", () => {
    const text = randomCodePointText(7, 20_000);
    const tokens = kernels.tokenize(text);
    expect(tokens.length).toBeGreaterThan(1000);
    expect(tokens.filter((token) => /\p{Cs}/u.test(token))).toEqual([]);
  });

  it("matches on every word character", () => {
    let text = "";
    for (let pair = 0; pair < WORD_CHAR_RANGES.length; pair += 2) {
      for (let codePoint = WORD_CHAR_RANGES[pair]!; codePoint <= WORD_CHAR_RANGES[pair + 1]!; codePoint++) {
        text += `a${String.fromCodePoint(codePoint)} `;
      }
    }
    expect(kernels.tokenize(text)).toEqual(referenceKernels.tokenize(text));
  });

  it("matches on every word character in long runs", () => {
    let text = "";
    for (let pair = 0; pair < WORD_CHAR_RANGES.length; pair += 2) {
      for (let codePoint = WORD_CHAR_RANGES[pair]!; codePoint <= WORD_CHAR_RANGES[pair + 1]!; codePoint++) {
        text += String.fromCodePoint(codePoint);
      }
    }
    expect(kernels.tokenize(text, { stopWords: "none" })).toEqual(referenceKernels.tokenize(text, { stopWords: "none" }));
  });

  it("matches on 1 MB of text", () => {
    const text = randomDocument(99, 400_000).slice(0, 1 << 20);
    expect(text.length).toBe(1 << 20);
    const tokens = kernels.tokenize(text);
    expect(tokens.length).toBeGreaterThan(10_000);
    expect(tokens).toEqual(referenceKernels.tokenize(text));
  });

  it("matches on 1 MB of CJK text", () => {
    const text = "密码重置指南。".repeat(150_000);
    const tokens = kernels.tokenize(text);
    expect(tokens.length).toBe(750_000);
    expect(tokens).toEqual(referenceKernels.tokenize(text));
  });

  it("stays linear on many unclosed brackets", () => {
    const text = "aa <bb [cc ".repeat(100_000);
    const started = performance.now();
    const tokens = kernels.tokenize(text);
    expect(tokens.length).toBe(300_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
