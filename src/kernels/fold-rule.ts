// Definition of case and accent folding, computed from the Unicode data of
// the JavaScript runtime. generate-fold-table.ts evaluates it once per code
// point and commits the result as fold-table.ts and assembly/fold-table.ts,
// so tokens do not change when a Node.js upgrade brings newer Unicode data.
// A test recomputes the table with this rule and compares.
//
// The fold of a code point is, in this order:
// 1. the entry in FOLD_EXCEPTIONS, when there is one;
// 2. otherwise, inside ACCENT_FOLD_RANGES, its NFKD decomposition without
//    combining marks (\p{M}), lower-cased, so "É" gives "e" and the
//    fullwidth "Ａ" gives "a";
// 3. otherwise the code point lower-cased with String#toLowerCase.
// Characters of the result that have an exception are replaced by it, so
// "ǣ" (æ with macron) gives "ae" as "æ" does. Characters that are not word
// characters, such as the space in the NFKD form of a spacing accent, are
// dropped.
//
// Cyrillic is case-folded only: й, ї, ў, ѓ and ќ are letters of their own
// alphabets, and removing the mark would merge words such as "мой" (my) and
// "мои" (my, plural). ё, ѐ and ѝ fold to е and и, because Russian text
// commonly writes е for ё and the grave accent on ѐ and ѝ only marks stress.
//
// NOTE: folding works on single code points, so halfwidth Katakana with a
// separate voiced sound mark ("ｶﾞ") stays apart from the fullwidth "ガ".
import { isWordChar } from "./word-chars.js";

/** Inclusive [start, end] pairs of code points whose accents are removed. */
export const ACCENT_FOLD_RANGES: readonly number[] = [
  0x00c0, 0x024f, // Latin-1 letters, Latin Extended-A and -B
  0x0300, 0x036f, // combining diacritical marks, which fold to nothing
  0x0370, 0x03ff, // Greek and Coptic
  0x1e00, 0x1eff, // Latin Extended Additional
  0x1f00, 0x1fff, // Greek Extended
  0xff01, 0xff5e, // fullwidth ASCII
];

/**
 * Folds that NFKD does not give. Unicode does not decompose letters such as
 * ø, ł and æ, which readers treat as a base letter or a letter pair. The
 * Turkish İ and ı, the German ß and the Greek final sigma ς need fixed folds too.
 */
export const FOLD_EXCEPTIONS: ReadonlyMap<number, string> = new Map([
  [0x00c6, "ae"], [0x00e6, "ae"], // Æ æ
  [0x00d0, "d"], [0x00f0, "d"], // Ð ð
  [0x00d8, "o"], [0x00f8, "o"], // Ø ø
  [0x00de, "th"], [0x00fe, "th"], // Þ þ
  [0x00df, "ss"], [0x1e9e, "ss"], // ß ẞ
  [0x0110, "d"], [0x0111, "d"], // Đ đ
  [0x0126, "h"], [0x0127, "h"], // Ħ ħ
  [0x0130, "i"], [0x0131, "i"], // İ ı
  [0x013f, "l"], [0x0140, "l"], // Ŀ ŀ, whose NFKD form ends in a middle dot
  [0x0141, "l"], [0x0142, "l"], // Ł ł
  [0x0149, "n"], // ŉ, whose NFKD form starts with an apostrophe
  [0x023a, "a"], [0x023e, "t"], // Ⱥ Ⱦ, whose lower-case forms are not word characters
  [0x0152, "oe"], [0x0153, "oe"], // Œ œ
  [0x0166, "t"], [0x0167, "t"], // Ŧ ŧ
  [0x03c2, "σ"], // ς
  [0x0400, "е"], [0x0401, "е"], [0x0450, "е"], [0x0451, "е"], // Ѐ Ё ѐ ё
  [0x040d, "и"], [0x045d, "и"], // Ѝ ѝ
]);

const COMBINING_MARKS = /\p{M}/gu;

function isInRanges(ranges: readonly number[], codePoint: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (codePoint >= ranges[i]! && codePoint <= ranges[i + 1]!) return true;
  }
  return false;
}

/** Replaces characters of `text` that have an exception and drops those that are not word characters. */
function finishFold(text: string): string {
  let result = "";
  for (const character of text) {
    const codePoint = character.codePointAt(0)!;
    if (isWordChar(codePoint)) result += FOLD_EXCEPTIONS.get(codePoint) ?? character;
  }
  return result;
}

/** Returns the fold of one code point as defined above, from the runtime's Unicode data. */
export function computeFold(codePoint: number): string {
  const exception = FOLD_EXCEPTIONS.get(codePoint);
  if (exception !== undefined) return exception;

  let text = String.fromCodePoint(codePoint);
  if (isInRanges(ACCENT_FOLD_RANGES, codePoint)) {
    text = text.normalize("NFKD").replace(COMBINING_MARKS, "");
  }
  return finishFold(text.toLowerCase());
}
