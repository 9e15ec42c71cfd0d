// Tokenizer in plain TypeScript. assembly/tokenizer.ts implements the same
// steps, and tests check that both give identical output:
// 1. stripMarkup removes tags, script and style content and shortcode tags,
//    and decodes character references (see markup.ts).
// 2. The text splits into maximal runs of word characters (word-chars.ts),
//    so apostrophes split words: "Co’s" gives "co" and "s". Inside a run,
//    CJK characters (cjk.ts) and other word characters form separate runs.
// 3. A CJK run gives its overlapping bigrams: "密码重置" gives "密码", "码重"
//    and "重置". A run of one CJK character gives that character.
// 4. Every other run is folded code point by code point with the table in
//    fold-table.ts, which lower-cases and removes accents: "Fußball" gives
//    "fussball" and "İstanbul" gives "istanbul" (fold-rule.ts defines it).
//    The folded run is cut to its first 64 code points, dropped when it has
//    fewer than 2 code points, and dropped when it is a stop word of the
//    selected list (stop-words.ts, English by default).
// The same folding applies to posts and to queries, so "Résumé" in a post
// matches the query "resume".
// NOTE: Thai and other scripts written without spaces outside cjk.ts give
// one token per run, cut at 64 code points; there is no word segmentation.
import { isCjk } from "../cjk.js";
import { FOLD_CODE_POINTS, FOLD_STRINGS } from "../fold-table.js";
import { isStopWord, type StopWordLanguage } from "../stop-words.js";
import type { TokenizeOptions } from "../types.js";
import { validateText, validateTokenizeOptions } from "../validate.js";
import { isWordChar } from "../word-chars.js";
import { stripMarkup } from "./markup.js";

/** Minimum length of a word token in code points. CJK tokens may have 1. */
export const MIN_TOKEN_CODE_POINTS = 2;

/** Maximum token length in code points; longer tokens are truncated. */
export const MAX_TOKEN_CODE_POINTS = 64;

const FOLDS: ReadonlyMap<number, string> = new Map(FOLD_CODE_POINTS.map((codePoint, i) => [codePoint, FOLD_STRINGS[i]!]));

function unitCount(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}

/** Returns the first `maxCodePoints` code points of `text`. */
function truncateCodePoints(text: string, maxCodePoints: number): string {
  let units = 0;
  let codePoints = 0;
  while (units < text.length && codePoints < maxCodePoints) {
    units += unitCount(text.codePointAt(units)!);
    codePoints++;
  }
  return text.slice(0, units);
}

/** Returns whether the code point at `index` is a word character of the CJK kind (`cjk`) or of the other kind. */
function isRunChar(text: string, index: number, cjk: boolean): boolean {
  const codePoint = text.codePointAt(index)!;
  return isWordChar(codePoint) && isCjk(codePoint) === cjk;
}

/** Adds the bigrams of the CJK run at `start` to `tokens` and returns the index after the run. */
function readCjkRun(text: string, start: number, tokens: string[]): number {
  const characters: string[] = [];
  let index = start;
  while (index < text.length && isRunChar(text, index, true)) {
    const width = unitCount(text.codePointAt(index)!);
    characters.push(text.slice(index, index + width));
    index += width;
  }

  if (characters.length === 1) tokens.push(characters[0]!);
  for (let i = 0; i + 1 < characters.length; i++) tokens.push(characters[i]! + characters[i + 1]!);
  return index;
}

/** Adds the folded word at `start` to `tokens`, unless it is dropped, and returns the index after the word. */
function readWord(text: string, start: number, stopWords: StopWordLanguage | "none", tokens: string[]): number {
  let folded = "";
  let index = start;
  while (index < text.length && isRunChar(text, index, false)) {
    const codePoint = text.codePointAt(index)!;
    const width = unitCount(codePoint);
    folded += FOLDS.get(codePoint) ?? text.slice(index, index + width);
    index += width;
  }

  const token = truncateCodePoints(folded, MAX_TOKEN_CODE_POINTS);
  if (Array.from(token).length < MIN_TOKEN_CODE_POINTS) return index;
  if (stopWords !== "none" && isStopWord(token, stopWords)) return index;
  tokens.push(token);
  return index;
}

/** Splits HTML or plain text into folded word tokens and CJK bigrams. */
export function tokenize(text: string, options?: TokenizeOptions): string[] {
  validateText(text);
  const stopWords = validateTokenizeOptions(options);
  const clean = stripMarkup(text);
  const tokens: string[] = [];

  let index = 0;
  while (index < clean.length) {
    const codePoint = clean.codePointAt(index)!;
    if (!isWordChar(codePoint)) {
      index += unitCount(codePoint);
    } else if (isCjk(codePoint)) {
      index = readCjkRun(clean, index, tokens);
    } else {
      index = readWord(clean, index, stopWords, tokens);
    }
  }
  return tokens;
}
