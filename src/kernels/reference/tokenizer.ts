// Tokenizer in plain TypeScript. assembly/tokenizer.ts implements the same
// steps, and tests check that both give identical output:
// 1. stripMarkup removes tags, script and style content and shortcode tags,
//    and decodes character references (see markup.ts).
// 2. The text splits into maximal runs of word characters (word-chars.ts),
//    so apostrophes split words: "Co’s" gives "co" and "s".
// 3. Each run is lower-cased with String#toLowerCase. The WASM build uses
//    AssemblyScript's toLowerCase with the final-sigma fix in
//    assembly/lower-case.ts, and a test compares every word character.
// 4. A lower-cased run is cut to its first 64 code points, dropped when it
//    has fewer than 2 code points, and dropped when it is a stop word.
// NOTE: CJK, Thai and other scripts written without spaces give one token
// per run, cut at 64 code points; there is no word segmentation.
import { validateText } from "../validate.js";
import { isStopWord } from "../stop-words.js";
import { isWordChar } from "../word-chars.js";
import { stripMarkup } from "./markup.js";

/** Minimum token length in code points. */
export const MIN_TOKEN_CODE_POINTS = 2;

/** Maximum token length in code points; longer tokens are truncated. */
export const MAX_TOKEN_CODE_POINTS = 64;

function unitCount(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}

/** Returns the number of code units in the first `maxCodePoints` code points of `token`. */
function prefixUnits(token: string, maxCodePoints: number): number {
  let units = 0;
  let codePoints = 0;
  while (units < token.length && codePoints < maxCodePoints) {
    units += unitCount(token.codePointAt(units)!);
    codePoints++;
  }
  return units;
}

function normalizeToken(word: string): string | undefined {
  const lower = word.toLowerCase();
  const token = lower.slice(0, prefixUnits(lower, MAX_TOKEN_CODE_POINTS));
  if (Array.from(token).length < MIN_TOKEN_CODE_POINTS) return undefined;
  if (isStopWord(token)) return undefined;
  return token;
}

/** Splits HTML or plain text into lower-case word tokens. */
export function tokenize(text: string): string[] {
  validateText(text);
  const clean = stripMarkup(text);
  const tokens: string[] = [];
  let index = 0;

  while (index < clean.length) {
    if (!isWordChar(clean.codePointAt(index)!)) {
      index += unitCount(clean.codePointAt(index)!);
      continue;
    }

    const start = index;
    while (index < clean.length && isWordChar(clean.codePointAt(index)!)) {
      index += unitCount(clean.codePointAt(index)!);
    }

    const token = normalizeToken(clean.slice(start, index));
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}
