// Inclusive code point ranges [start, end] of the scripts written without
// spaces between words: Han ideographs, Hiragana, Katakana and Hangul.
// Word characters in these ranges become overlapping bigrams instead of
// word tokens. Code points here that are not word characters, such as the
// Katakana middle dot, still separate words. assembly/cjk.ts contains the
// same table, and a test checks that the two are equal.
export const CJK_RANGES: readonly number[] = [
  0x1100, 0x11ff, // Hangul Jamo
  0x3041, 0x309f, // Hiragana
  0x30a0, 0x30ff, // Katakana
  0x3400, 0x4dbf, // CJK Unified Ideographs Extension A
  0x4e00, 0x9fff, // CJK Unified Ideographs
  0xac00, 0xd7a3, // Hangul syllables
  0xf900, 0xfaff, // CJK Compatibility Ideographs
  0xff66, 0xff9f, // halfwidth Katakana
  0x20000, 0x3134f, // CJK Unified Ideographs Extensions B to G
];

/** Returns whether a word character is written without spaces and tokenized as bigrams. */
export function isCjk(codePoint: number): boolean {
  for (let i = 0; i < CJK_RANGES.length; i += 2) {
    if (codePoint < CJK_RANGES[i]!) return false;
    if (codePoint <= CJK_RANGES[i + 1]!) return true;
  }
  return false;
}
