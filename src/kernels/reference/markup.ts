// Markup removal for the tokenizer, in plain TypeScript. assembly/markup.ts
// implements the same rules over WASM memory, and tests compare the two.
//
// One pass over the UTF-16 code units, left to right:
// - "<!--" starts a comment that ends after "-->" (or at the end of text).
// - "<script" or "<style" (ASCII case-insensitive) followed by an HTML space,
//   '>', '/' or the end of text starts an element whose content is dropped
//   up to and including the '>' after the matching "</script" or "</style".
//   Without a closing tag the rest of the text is dropped.
// - '<' followed by an ASCII letter, '/', '!' or '?' starts a tag that ends
//   at the next '>'. Without a '>' the '<' stays as text.
// - '[' starts a WordPress shortcode tag when it is followed by an optional
//   '/', an ASCII letter, then letters, digits, '_' or '-', and a ']' comes
//   before the next '['. What follows the name must be empty, spaces with an
//   optional closing '/', or a space and attributes that contain '='.
//   Only the tag is dropped, so the content of [caption]...[/caption] stays.
// - '&' starts a character reference: "&#" decimal or "&#x" hex digits with
//   an optional ';', or a case-sensitive name from NAMED_ENTITIES followed by
//   ';'. Code point 0, surrogates and values above U+10FFFF decode to U+FFFD.
//   Decoded text is never parsed again, so "&lt;b&gt;" stays text.
// Each dropped tag, comment, element or shortcode becomes one space.
// NOTE: quotes are not parsed, so a '>' inside an attribute value ends the
// tag early and the rest of the value becomes text.
import { lookupEntity, MAX_ENTITY_NAME_LENGTH } from "../entities.js";

const REPLACEMENT_CHARACTER = 0xfffd;

function toAsciiLower(unit: number): number {
  return unit >= 0x41 && unit <= 0x5a ? unit | 0x20 : unit;
}

function isAsciiLetter(unit: number): boolean {
  const lower = unit | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function isAsciiAlnum(unit: number): boolean {
  return (unit >= 0x30 && unit <= 0x39) || isAsciiLetter(unit);
}

function isHtmlSpace(unit: number): boolean {
  return unit === 0x20 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d;
}

/** Returns the value of a decimal or hex digit, or -1. */
function digitValue(unit: number, hex: boolean): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  const lower = unit | 0x20;
  if (hex && lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Cleaner for one text. Lookahead only reads the original text. */
class MarkupCleaner {
  private readonly text: string;
  private readonly length: number;
  decodedCodePoint = 0;

  constructor(text: string) {
    this.text = text;
    this.length = text.length;
  }

  /** Returns whether `word` (lower-case ASCII) occurs at `start`, ignoring ASCII case. */
  private matchesAt(start: number, word: string): boolean {
    if (start < 0 || start + word.length > this.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (toAsciiLower(this.text.charCodeAt(start + i)) !== word.charCodeAt(i)) return false;
    }
    return true;
  }

  private indexOfWord(word: string, from: number): number {
    for (let i = from; i + word.length <= this.length; i++) {
      if (this.matchesAt(i, word)) return i;
    }
    return -1;
  }

  private skipRawTextElement(start: number, name: string): number {
    if (!this.matchesAt(start + 1, name)) return -1;

    const after = start + 1 + name.length;
    if (after < this.length) {
      const unit = this.text.charCodeAt(after);
      if (!isHtmlSpace(unit) && unit !== 0x3e && unit !== 0x2f) return -1;
    }

    const close = this.indexOfWord("</" + name, after);
    if (close < 0) return this.length;
    const end = this.text.indexOf(">", close + 2 + name.length);
    return end < 0 ? this.length : end + 1;
  }

  /** Returns the index after the tag, comment or raw-text element at `start`, or -1 when '<' is text. */
  skipTag(start: number): number {
    if (this.matchesAt(start, "<!--")) {
      const close = this.indexOfWord("-->", start + 4);
      return close < 0 ? this.length : close + 3;
    }

    const script = this.skipRawTextElement(start, "script");
    if (script >= 0) return script;
    const style = this.skipRawTextElement(start, "style");
    if (style >= 0) return style;

    if (start + 1 >= this.length) return -1;
    const next = this.text.charCodeAt(start + 1);
    if (!isAsciiLetter(next) && next !== 0x2f && next !== 0x21 && next !== 0x3f) return -1;
    const end = this.text.indexOf(">", start + 1);
    return end < 0 ? -1 : end + 1;
  }

  private isEmptyShortcodeRest(from: number, to: number): boolean {
    const rest = this.text.slice(from, to).replace(/[ \t\n\f\r]+$/, "");
    const body = rest.endsWith("/") ? rest.slice(0, -1) : rest;
    return /^[ \t\n\f\r]*$/.test(body);
  }

  /** Returns the index after the shortcode tag at `start`, or -1 when '[' is text. */
  skipShortcode(start: number): number {
    let position = start + 1;
    if (this.text.charCodeAt(position) === 0x2f) position++;
    if (position >= this.length || !isAsciiLetter(this.text.charCodeAt(position))) return -1;

    position++;
    while (position < this.length) {
      const unit = this.text.charCodeAt(position);
      if (!isAsciiAlnum(unit) && unit !== 0x5f && unit !== 0x2d) break;
      position++;
    }

    let close = position;
    while (close < this.length && this.text.charCodeAt(close) !== 0x5d) {
      if (this.text.charCodeAt(close) === 0x5b) return -1;
      close++;
    }
    if (close >= this.length) return -1;

    if (this.isEmptyShortcodeRest(position, close)) return close + 1;
    if (!isHtmlSpace(this.text.charCodeAt(position))) return -1;

    // Bracketed prose such as "[see below]" is text, so attributes need a '='.
    return this.text.slice(position, close).includes("=") ? close + 1 : -1;
  }

  private decodeNumericReference(start: number): number {
    let position = start + 2;
    const hex = (this.text.charCodeAt(position) | 0x20) === 0x78;
    if (hex) position++;

    const digitsStart = position;
    let value = 0;
    while (position < this.length) {
      const digit = digitValue(this.text.charCodeAt(position), hex);
      if (digit < 0) break;
      value = Math.min(value * (hex ? 16 : 10) + digit, 0x110000);
      position++;
    }
    if (position === digitsStart) return -1;

    if (this.text.charCodeAt(position) === 0x3b) position++;
    const invalid = value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff);
    this.decodedCodePoint = invalid ? REPLACEMENT_CHARACTER : value;
    return position;
  }

  /** Decodes the character reference at `start` into decodedCodePoint and returns the index after it, or -1. */
  decodeReference(start: number): number {
    if (this.text.charCodeAt(start + 1) === 0x23) return this.decodeNumericReference(start);

    let position = start + 1;
    while (
      position < this.length &&
      position - start - 1 < MAX_ENTITY_NAME_LENGTH &&
      isAsciiAlnum(this.text.charCodeAt(position))
    ) {
      position++;
    }
    if (this.text.charCodeAt(position) !== 0x3b) return -1;

    const codePoint = lookupEntity(this.text.slice(start + 1, position));
    if (codePoint === undefined) return -1;
    this.decodedCodePoint = codePoint;
    return position + 1;
  }
}

/** Removes tags, script and style content and shortcode tags from `text`, and decodes character references. */
export function stripMarkup(text: string): string {
  const cleaner = new MarkupCleaner(text);
  const parts: string[] = [];
  let read = 0;
  let copiedFrom = 0;

  while (read < text.length) {
    const unit = text.charCodeAt(read);
    let next = -1;
    if (unit === 0x3c) next = cleaner.skipTag(read);
    else if (unit === 0x5b) next = cleaner.skipShortcode(read);
    let replacement = " ";

    if (next < 0 && unit === 0x26) {
      next = cleaner.decodeReference(read);
      replacement = String.fromCodePoint(cleaner.decodedCodePoint);
    }

    if (next < 0) {
      read++;
      continue;
    }
    parts.push(text.slice(copiedFrom, read), replacement);
    read = next;
    copiedFrom = next;
  }

  parts.push(text.slice(copiedFrom));
  return parts.join("");
}
