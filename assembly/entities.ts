// Named HTML character references that the tokenizer decodes, with their
// code points at the same index. src/kernels/entities.ts contains the same
// table, and a test checks that the two are equal.
const ENTITY_NAMES: StaticArray<string> = [
  "amp", "lt", "gt", "quot", "apos", "nbsp", "shy", "copy", "reg", "trade",
  "euro", "deg", "middot", "bull", "laquo", "raquo", "hellip", "mdash", "ndash", "lsquo",
  "rsquo", "ldquo", "rdquo", "times", "divide", "OElig", "oelig", "Scaron", "scaron", "Yuml",
  "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
  "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
  "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "Oslash",
  "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
  "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
  "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
  "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "oslash",
  "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

const ENTITY_CODE_POINTS: StaticArray<u32> = [
  0x26, 0x3c, 0x3e, 0x22, 0x27, 0xa0, 0xad, 0xa9, 0xae, 0x2122,
  0x20ac, 0xb0, 0xb7, 0x2022, 0xab, 0xbb, 0x2026, 0x2014, 0x2013, 0x2018,
  0x2019, 0x201c, 0x201d, 0xd7, 0xf7, 0x152, 0x153, 0x160, 0x161, 0x178,
  0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
  0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
  0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd8,
  0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
  0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
  0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
  0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8,
  0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
];

/** Longest name in ENTITY_NAMES, in code units. */
export const MAX_ENTITY_NAME_LENGTH = 6;

/**
 * Returns the code point of the case-sensitive entity name stored as
 * `length` UTF-16 code units at `name`, or -1 when the name is unknown.
 */
export function lookupEntity(name: usize, length: i32): i32 {
  for (let i = 0; i < ENTITY_NAMES.length; i++) {
    const candidate = unchecked(ENTITY_NAMES[i]);
    if (candidate.length != length) continue;
    if (memory.compare(changetype<usize>(candidate), name, <usize>length << 1) == 0) {
      return <i32>unchecked(ENTITY_CODE_POINTS[i]);
    }
  }
  return -1;
}
