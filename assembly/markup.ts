// Removes HTML and WordPress markup from UTF-16 text in place and decodes
// character references. src/kernels/reference/markup.ts is the plain
// TypeScript version of the same rules, where the rules are documented.
import { lookupEntity, MAX_ENTITY_NAME_LENGTH } from "./entities";

const SPACE: u16 = 0x20;
const REPLACEMENT_CHARACTER: u32 = 0xfffd;

// Text being cleaned: `length` code units at `text`.
let text: usize = 0;
let length: i32 = 0;

@inline
function unitAt(index: i32): u32 {
  return <u32>load<u16>(text + (<usize>index << 1));
}

@inline
function toAsciiLower(unit: u32): u32 {
  return unit - 0x41 < 26 ? unit | 0x20 : unit;
}

function isAsciiLetter(unit: u32): bool {
  return (unit | 0x20) - 0x61 < 26;
}

function isAsciiAlnum(unit: u32): bool {
  return unit - 0x30 < 10 || isAsciiLetter(unit);
}

function isHtmlSpace(unit: u32): bool {
  return unit == 0x20 || unit == 0x09 || unit == 0x0a || unit == 0x0c || unit == 0x0d;
}

/** Returns whether `word` (lower-case ASCII) occurs at `start`, ignoring ASCII case. */
function matchesAt(start: i32, word: string): bool {
  if (start < 0 || start + word.length > length) return false;
  for (let i = 0; i < word.length; i++) {
    if (toAsciiLower(unitAt(start + i)) != <u32>word.charCodeAt(i)) return false;
  }
  return true;
}

function indexOfWord(word: string, from: i32): i32 {
  for (let i = from; i + word.length <= length; i++) {
    if (matchesAt(i, word)) return i;
  }
  return -1;
}

function indexOfUnit(unit: u32, from: i32): i32 {
  for (let i = from; i < length; i++) {
    if (unitAt(i) == unit) return i;
  }
  return -1;
}

// Last search for '>': the first '>' at or after greaterThanFrom is at
// greaterThanIndex (-1 for none). Reusing it keeps text with many '<' and
// few '>' linear.
let greaterThanFrom: i32 = 0;
let greaterThanIndex: i32 = 0;

function indexOfGreaterThan(from: i32): i32 {
  const cacheEnd = greaterThanIndex < 0 ? length : greaterThanIndex;
  if (from >= greaterThanFrom && from <= cacheEnd) return greaterThanIndex;

  greaterThanFrom = from;
  greaterThanIndex = indexOfUnit(0x3e, from);
  return greaterThanIndex;
}

/** Returns the end of a <script> or <style> element opened at `start`, or -1. */
function skipRawTextElement(start: i32, name: string): i32 {
  if (!matchesAt(start + 1, name)) return -1;

  const after = start + 1 + name.length;
  if (after < length) {
    const unit = unitAt(after);
    if (!isHtmlSpace(unit) && unit != 0x3e && unit != 0x2f) return -1;
  }

  const close = indexOfWord("</" + name, after);
  if (close < 0) return length;
  const end = indexOfUnit(0x3e, close + 2 + name.length);
  return end < 0 ? length : end + 1;
}

/** Returns the index after the tag, comment or raw-text element at `start`, or -1 when '<' is text. */
function skipTag(start: i32): i32 {
  if (matchesAt(start, "<!--")) {
    const close = indexOfWord("-->", start + 4);
    return close < 0 ? length : close + 3;
  }

  const script = skipRawTextElement(start, "script");
  if (script >= 0) return script;
  const style = skipRawTextElement(start, "style");
  if (style >= 0) return style;

  if (start + 1 >= length) return -1;
  const next = unitAt(start + 1);
  if (!isAsciiLetter(next) && next != 0x2f && next != 0x21 && next != 0x3f) return -1;
  const end = indexOfGreaterThan(start + 1);
  return end < 0 ? -1 : end + 1;
}

/** Returns whether the units in [from, to) are HTML spaces with at most one '/' among them at the end. */
function isEmptyShortcodeRest(from: i32, to: i32): bool {
  let end = to;
  while (end > from && isHtmlSpace(unitAt(end - 1))) end--;
  if (end > from && unitAt(end - 1) == 0x2f) end--;
  for (let i = from; i < end; i++) {
    if (!isHtmlSpace(unitAt(i))) return false;
  }
  return true;
}

/** Returns the index after the shortcode tag at `start`, or -1 when '[' is text. */
function skipShortcode(start: i32): i32 {
  let position = start + 1;
  if (position < length && unitAt(position) == 0x2f) position++;
  if (position >= length || !isAsciiLetter(unitAt(position))) return -1;

  position++;
  while (position < length) {
    const unit = unitAt(position);
    if (!isAsciiAlnum(unit) && unit != 0x5f && unit != 0x2d) break;
    position++;
  }

  let close = position;
  while (close < length && unitAt(close) != 0x5d) {
    if (unitAt(close) == 0x5b) return -1;
    close++;
  }
  if (close >= length) return -1;

  if (isEmptyShortcodeRest(position, close)) return close + 1;
  if (!isHtmlSpace(unitAt(position))) return -1;

  // Bracketed prose such as "[see below]" is text, so attributes need a '='.
  for (let i = position; i < close; i++) {
    if (unitAt(i) == 0x3d) return close + 1;
  }
  return -1;
}

// Code point decoded by the last decodeReference call.
let decodedCodePoint: u32 = 0;

function decodeNumericReference(start: i32): i32 {
  let position = start + 2;
  const hex = position < length && (unitAt(position) | 0x20) == 0x78;
  if (hex) position++;

  const digitsStart = position;
  let value: u32 = 0;
  while (position < length) {
    const unit = unitAt(position);
    let digit: u32 = 16;
    if (unit - 0x30 < 10) digit = unit - 0x30;
    else if (hex && (unit | 0x20) - 0x61 < 6) digit = (unit | 0x20) - 0x61 + 10;
    if (digit >= (hex ? 16 : 10)) break;
    value = min<u32>(value * (hex ? 16 : 10) + digit, 0x110000);
    position++;
  }
  if (position == digitsStart) return -1;

  if (position < length && unitAt(position) == 0x3b) position++;
  const invalid = value == 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff);
  decodedCodePoint = invalid ? REPLACEMENT_CHARACTER : value;
  return position;
}

/** Decodes the character reference at `start` into decodedCodePoint and returns the index after it, or -1. */
function decodeReference(start: i32): i32 {
  if (start + 1 < length && unitAt(start + 1) == 0x23) return decodeNumericReference(start);

  let position = start + 1;
  while (position < length && position - start - 1 < MAX_ENTITY_NAME_LENGTH && isAsciiAlnum(unitAt(position))) {
    position++;
  }
  if (position >= length || unitAt(position) != 0x3b) return -1;

  const codePoint = lookupEntity(text + ((<usize>start + 1) << 1), position - start - 1);
  if (codePoint < 0) return -1;
  decodedCodePoint = <u32>codePoint;
  return position + 1;
}

function writeCodePoint(at: i32, codePoint: u32): i32 {
  if (codePoint < 0x10000) {
    store<u16>(text + (<usize>at << 1), <u16>codePoint);
    return at + 1;
  }
  const offset = codePoint - 0x10000;
  store<u16>(text + (<usize>at << 1), <u16>(0xd800 | (offset >>> 10)));
  store<u16>(text + (<usize>at << 1), <u16>(0xdc00 | (offset & 0x3ff)), 2);
  return at + 2;
}

/**
 * Cleans `units` UTF-16 code units at `address` in place and returns the new
 * length. The output never outgrows the input that produced it, so writing
 * behind the read position is safe.
 */
export function stripMarkup(address: usize, units: i32): i32 {
  text = address;
  length = units;
  greaterThanFrom = length + 1;
  greaterThanIndex = -1;
  let read = 0;
  let write = 0;

  while (read < length) {
    const unit = unitAt(read);
    let next = -1;
    if (unit == 0x3c) next = skipTag(read);
    else if (unit == 0x5b) next = skipShortcode(read);

    if (next >= 0) {
      store<u16>(text + (<usize>write << 1), SPACE);
      write++;
      read = next;
      continue;
    }

    if (unit == 0x26) next = decodeReference(read);
    if (next >= 0) {
      write = writeCodePoint(write, decodedCodePoint);
      read = next;
      continue;
    }

    store<u16>(text + (<usize>write << 1), <u16>unit);
    write++;
    read++;
  }
  return write;
}
