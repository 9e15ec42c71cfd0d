// Inclusive code point ranges [start, end] that count as word characters:
// letters, digits and combining marks of the listed scripts. Every other
// code point (punctuation, symbols, emoji, spaces, lone surrogates)
// separates words. src/kernels/word-chars.ts contains the same table, and
// a test checks that the two are equal.
export const WORD_CHAR_RANGES: StaticArray<u32> = [
  0x30, 0x39, // ASCII digits
  0x41, 0x5a, // ASCII upper case
  0x61, 0x7a, // ASCII lower case
  0xc0, 0xd6, // Latin-1 letters before the multiplication sign
  0xd8, 0xf6, // Latin-1 letters before the division sign
  0xf8, 0x2af, // Latin-1 letters, Latin Extended-A and -B, IPA
  0x300, 0x36f, // combining diacritical marks
  0x370, 0x373, // Greek and Coptic
  0x376, 0x377,
  0x37b, 0x37d,
  0x37f, 0x37f,
  0x386, 0x386,
  0x388, 0x3ff,
  0x400, 0x481, // Cyrillic and Cyrillic Supplement
  0x483, 0x52f,
  0x531, 0x556, // Armenian
  0x560, 0x588,
  0x591, 0x5bd, // Hebrew points and letters
  0x5bf, 0x5bf,
  0x5c1, 0x5c2,
  0x5c4, 0x5c5,
  0x5c7, 0x5c7,
  0x5d0, 0x5ea,
  0x5ef, 0x5f2,
  0x610, 0x61a, // Arabic letters, marks and digits
  0x620, 0x669,
  0x66e, 0x6d3,
  0x6d5, 0x6dc,
  0x6df, 0x6e8,
  0x6ea, 0x6fc,
  0x6ff, 0x6ff,
  0x900, 0x963, // Devanagari without the danda marks
  0x966, 0x97f,
  0x980, 0xdff, // Bengali through Sinhala
  0xe01, 0xe3a, // Thai
  0xe40, 0xe4e,
  0xe50, 0xe59,
  0x10a0, 0x10ff, // Georgian
  0x1100, 0x11ff, // Hangul Jamo
  0x1c90, 0x1cba, // Georgian Mtavruli capitals
  0x1cbd, 0x1cbf,
  0x1e00, 0x1fff, // Latin Extended Additional, Greek Extended
  0x2d00, 0x2d25, // Georgian Nuskhuri small letters
  0x2d27, 0x2d27,
  0x2d2d, 0x2d2d,
  0x3041, 0x3096, // Hiragana
  0x3099, 0x309a,
  0x309d, 0x309f,
  0x30a1, 0x30fa, // Katakana without the middle dot
  0x30fc, 0x30ff,
  0x3400, 0x4dbf, // CJK Unified Ideographs Extension A
  0x4e00, 0x9fff, // CJK Unified Ideographs
  0xac00, 0xd7a3, // Hangul syllables
  0xf900, 0xfaff, // CJK Compatibility Ideographs
  0xff10, 0xff19, // fullwidth digits
  0xff21, 0xff3a, // fullwidth Latin upper case
  0xff41, 0xff5a, // fullwidth Latin lower case
  0xff66, 0xff9f, // halfwidth Katakana
  0x20000, 0x2a6df, // CJK Unified Ideographs Extensions B to F
  0x2a700, 0x2ebef,
  0x2f800, 0x2fa1f,
  0x30000, 0x3134f,
];

/** Returns whether a code point belongs to a word, using a binary search over the ranges. */
export function isWordChar(codePoint: u32): bool {
  if (codePoint < 0x80) {
    return codePoint - 0x30 < 10 || (codePoint | 0x20) - 0x61 < 26;
  }

  let low = 0;
  let high = (WORD_CHAR_RANGES.length >> 1) - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < unchecked(WORD_CHAR_RANGES[middle << 1])) {
      high = middle - 1;
    } else if (codePoint > unchecked(WORD_CHAR_RANGES[(middle << 1) + 1])) {
      low = middle + 1;
    } else {
      return true;
    }
  }
  return false;
}
