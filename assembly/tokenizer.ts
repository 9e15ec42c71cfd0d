// Splits cleaned text into lower-case tokens. The rules are documented in
// src/kernels/reference/tokenizer.ts, which gives identical output.
import { reserveOutput } from "./buffers";
import { toLowerCaseToken } from "./lower-case";
import { stripMarkup } from "./markup";
import { isStopWord } from "./stop-words";
import { isWordChar } from "./word-chars";

const MIN_TOKEN_CODE_POINTS = 2;
const MAX_TOKEN_CODE_POINTS = 64;
const TOKEN_SEPARATOR: u16 = 0;

// Output written so far, in code units.
let outputUnits: usize = 0;

/** Returns the code point at `index` of `units` code units at `base`, or a lone surrogate as is. */
function codePointAt(base: usize, index: i32, units: i32): u32 {
  const high = <u32>load<u16>(base + (<usize>index << 1));
  if (high - 0xd800 >= 0x400 || index + 1 >= units) return high;

  const low = <u32>load<u16>(base + (<usize>index << 1), 2);
  if (low - 0xdc00 >= 0x400) return high;
  return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
}

/** Returns the number of code units in the first `maxCodePoints` code points of `token`. */
function prefixUnits(token: string, maxCodePoints: i32): i32 {
  let units = 0;
  let codePoints = 0;
  while (units < token.length && codePoints < maxCodePoints) {
    units += codePointAt(changetype<usize>(token), units, token.length) > 0xffff ? 2 : 1;
    codePoints++;
  }
  return units;
}

function countCodePoints(token: string, units: i32): i32 {
  let count = 0;
  for (let i = 0; i < units; i++) {
    const unit = <u32>load<u16>(changetype<usize>(token) + (<usize>i << 1));
    if (unit - 0xdc00 >= 0x400 || i == 0) {
      count++;
    } else {
      const previous = <u32>load<u16>(changetype<usize>(token) + (<usize>(i - 1) << 1));
      if (previous - 0xd800 >= 0x400) count++;
    }
  }
  return count;
}

function emitToken(base: usize, start: i32, end: i32): void {
  const word = String.UTF16.decodeUnsafe(base + (<usize>start << 1), <usize>(end - start) << 1);
  let token = toLowerCaseToken(word);
  const units = prefixUnits(token, MAX_TOKEN_CODE_POINTS);
  if (countCodePoints(token, units) < MIN_TOKEN_CODE_POINTS) return;
  if (units < token.length) token = token.substring(0, units);
  if (isStopWord(token)) return;

  const bytes = <usize>units << 1;
  const out = reserveOutput((outputUnits << 1) + bytes + 2);
  memory.copy(out + (outputUnits << 1), changetype<usize>(token), bytes);
  store<u16>(out + (outputUnits << 1) + bytes, TOKEN_SEPARATOR);
  outputUnits += <usize>units + 1;
}

/**
 * Tokenizes `units` UTF-16 code units at `input`, which it overwrites, and
 * returns the number of code units written to the output buffer. Each token
 * is followed by one U+0000, which never occurs inside a token.
 */
export function tokenize(input: usize, units: i32): i32 {
  const length = stripMarkup(input, units);
  outputUnits = 0;
  reserveOutput(64);

  let index = 0;
  while (index < length) {
    let codePoint = codePointAt(input, index, length);
    if (!isWordChar(codePoint)) {
      index += codePoint > 0xffff ? 2 : 1;
      continue;
    }

    const start = index;
    while (index < length && isWordChar(codePoint)) {
      index += codePoint > 0xffff ? 2 : 1;
      if (index < length) codePoint = codePointAt(input, index, length);
    }
    emitToken(input, start, index);
  }
  return <i32>outputUnits;
}
