// Splits cleaned text into folded tokens. The rules are documented in
// src/kernels/reference/tokenizer.ts, which gives identical output.
// One pass reads each code unit once, classifies and folds it with the
// tables of char-classes.ts and writes tokens straight into the output
// buffer, so no string is created per token.
import { reserveOutput } from "./buffers";
import { CJK, classOfSupplementary, classOfUnit, foldedPair, HIGH_SURROGATE, SEPARATOR, WORD } from "./char-classes";
import { MAX_FOLD_UNITS } from "./fold-table";
import { stripMarkup } from "./markup";
import { isStopWordAt } from "./stop-words";

const MIN_WORD_CODE_POINTS = 2;
const MAX_WORD_CODE_POINTS = 64;
const TOKEN_SEPARATOR: u32 = 0;

// Maximum output units per input unit. A word token of k units writes at
// most k * MAX_FOLD_UNITS units and a separator. A CJK run of k BMP
// characters writes k - 1 bigrams of 3 units, or 2 units when k is 1.
const OUTPUT_UNITS_PER_INPUT_UNIT = max(3, MAX_FOLD_UNITS + 1);

let output: usize = 0;
// Units of the finished tokens at `output`.
let outputUnits: i32 = 0;
// Stop word list of the current call.
let stopWordList: i32 = 0;
// The word token being built, written after the finished tokens.
let wordUnits: i32 = 0;
let wordCodePoints: i32 = 0;
// The CJK run being read: its length so far and its last code point.
let cjkRunLength: i32 = 0;
let cjkPrevious: u32 = 0;
// Code point decoded by the last classifySurrogatePair call.
let pairCodePoint: u32 = 0;

@inline
function writeUnit(at: i32, unit: u32): void {
  store<u16>(output + (<usize>at << 1), <u16>unit);
}

/** Writes a code point at unit `at` and returns the unit after it. */
function writeCodePoint(at: i32, codePoint: u32): i32 {
  if (codePoint < 0x10000) {
    writeUnit(at, codePoint);
    return at + 1;
  }
  const offset = codePoint - 0x10000;
  writeUnit(at, 0xd800 | (offset >>> 10));
  writeUnit(at + 1, 0xdc00 | (offset & 0x3ff));
  return at + 2;
}

@inline
function appendFoldedUnit(unit: u32): void {
  if (unit == 0 || wordCodePoints >= MAX_WORD_CODE_POINTS) return;
  writeUnit(outputUnits + wordUnits, unit);
  wordUnits++;
  wordCodePoints++;
}

/** Appends the fold of a word character to the word token, which keeps its first 64 code points. */
@inline
function appendToWord(codePoint: u32, unitClass: u32): void {
  if (wordCodePoints >= MAX_WORD_CODE_POINTS) return;
  if (unitClass == WORD) {
    wordUnits = writeCodePoint(outputUnits + wordUnits, codePoint) - outputUnits;
    wordCodePoints++;
    return;
  }

  // Folds are BMP code units that are not surrogates, so each unit is one code point.
  const pair = foldedPair(unitClass);
  appendFoldedUnit(pair & 0xffff);
  appendFoldedUnit(pair >>> 16);
}

/** Keeps the word token unless it is too short or a stop word. */
function endWord(): void {
  if (wordUnits == 0) return;
  const tooShort = wordCodePoints < MIN_WORD_CODE_POINTS;
  if (!tooShort && !isStopWordAt(output + (<usize>outputUnits << 1), wordUnits, stopWordList)) {
    writeUnit(outputUnits + wordUnits, TOKEN_SEPARATOR);
    outputUnits += wordUnits + 1;
  }
  wordUnits = 0;
  wordCodePoints = 0;
}

/** Adds a CJK character to the run, writing the bigram that it ends. */
function appendToCjkRun(codePoint: u32): void {
  if (cjkRunLength > 0) {
    const at = writeCodePoint(writeCodePoint(outputUnits, cjkPrevious), codePoint);
    writeUnit(at, TOKEN_SEPARATOR);
    outputUnits = at + 1;
  }
  cjkPrevious = codePoint;
  cjkRunLength++;
}

/** Ends the CJK run. A run of one character is a token of its own. */
function endCjkRun(): void {
  if (cjkRunLength == 1) {
    const at = writeCodePoint(outputUnits, cjkPrevious);
    writeUnit(at, TOKEN_SEPARATOR);
    outputUnits = at + 1;
  }
  cjkRunLength = 0;
}

/**
 * Classifies the high surrogate at `index` together with the unit after it.
 * Stores the code point of a valid pair, or the lone surrogate, in pairCodePoint.
 */
function classifySurrogatePair(text: usize, index: i32, length: i32): u32 {
  const high = <u32>load<u16>(text + (<usize>index << 1));
  pairCodePoint = high;
  if (index + 1 >= length) return SEPARATOR;
  const low = <u32>load<u16>(text + (<usize>index << 1), 2);
  if (low - 0xdc00 >= 0x400) return SEPARATOR;

  pairCodePoint = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  return classOfSupplementary(pairCodePoint);
}

/**
 * Tokenizes `units` UTF-16 code units at `input`, which it overwrites, and
 * returns the number of code units written to the output buffer. Each token
 * is followed by one U+0000, which never occurs inside a token. `stopWords`
 * is NO_STOP_WORDS, ENGLISH or GERMAN from stop-words.ts.
 */
export function tokenize(input: usize, units: i32, stopWords: i32): i32 {
  const length = stripMarkup(input, units);
  output = reserveOutput((<usize>length * OUTPUT_UNITS_PER_INPUT_UNIT + 1) << 1);
  outputUnits = 0;
  stopWordList = stopWords;

  let index = 0;
  while (index < length) {
    let codePoint = <u32>load<u16>(input + (<usize>index << 1));
    let unitClass = classOfUnit(codePoint);
    if (unitClass == HIGH_SURROGATE) {
      unitClass = classifySurrogatePair(input, index, length);
      codePoint = pairCodePoint;
    }
    index += codePoint > 0xffff ? 2 : 1;

    if (unitClass == SEPARATOR) {
      endWord();
      endCjkRun();
    } else if (unitClass == CJK) {
      endWord();
      appendToCjkRun(codePoint);
    } else {
      endCjkRun();
      appendToWord(codePoint, unitClass);
    }
  }

  endWord();
  endCjkRun();
  return outputUnits;
}
