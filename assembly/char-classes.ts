// Class of every UTF-16 code unit, so the tokenizer classifies and folds a
// code unit with one table load. The table is built at start-up from the
// word character, CJK and fold tables, which tests compare with their
// TypeScript copies.
import { CJK_RANGES, isCjk } from "./cjk";
import { FOLD_CODE_POINTS, FOLD_STRINGS } from "./fold-table";
import { isWordChar, WORD_CHAR_RANGES } from "./word-chars";

/** Class of a code unit that separates words, including a lone low surrogate. */
export const SEPARATOR: u32 = 0;
/** Class of a word character that folds to itself. */
export const WORD: u32 = 1;
/** Class of a word character that is tokenized as CJK bigrams. */
export const CJK: u32 = 2;
/** Class of a high surrogate, classified together with the unit after it. */
export const HIGH_SURROGATE: u32 = 3;
/**
 * First class of word characters with a fold. Class FIRST_FOLD + i folds to
 * the units of FOLD_STRINGS[i], stored as foldedPair returns them.
 */
export const FIRST_FOLD: u32 = 4;

// One u16 class per code unit, and one u32 per fold: the first code unit
// of the fold in the low half and the second (or 0) in the high half.
const unitClasses = heap.alloc(0x10000 << 1);
const foldPairs = heap.alloc(<usize>FOLD_CODE_POINTS.length << 2);

function fillRanges(ranges: StaticArray<u32>, value: u16, onlyOver: u16): void {
  for (let i = 0; i < ranges.length; i += 2) {
    const end = min<u32>(unchecked(ranges[i + 1]), 0xffff);
    for (let unit = unchecked(ranges[i]); unit <= end; unit++) {
      const slot = unitClasses + (<usize>unit << 1);
      if (load<u16>(slot) == onlyOver) store<u16>(slot, value);
    }
  }
}

function fillFolds(): void {
  for (let i = 0; i < FOLD_CODE_POINTS.length; i++) {
    const fold = unchecked(FOLD_STRINGS[i]);
    let pair: u32 = 0;
    if (fold.length > 0) pair = <u32>fold.charCodeAt(0);
    if (fold.length > 1) pair |= <u32>fold.charCodeAt(1) << 16;
    store<u32>(foldPairs + (<usize>i << 2), pair);

    const unit = <usize>unchecked(FOLD_CODE_POINTS[i]);
    store<u16>(unitClasses + (unit << 1), <u16>(FIRST_FOLD + <u32>i));
  }
}

memory.fill(unitClasses, 0, 0x10000 << 1);
fillRanges(WORD_CHAR_RANGES, <u16>WORD, <u16>SEPARATOR);
fillRanges(CJK_RANGES, <u16>CJK, <u16>WORD);
for (let unit: usize = 0xd800; unit < 0xdc00; unit++) store<u16>(unitClasses + (unit << 1), <u16>HIGH_SURROGATE);
fillFolds();

/** Returns the class of a UTF-16 code unit. */
@inline
export function classOfUnit(unit: u32): u32 {
  return <u32>load<u16>(unitClasses + (<usize>unit << 1));
}

/** Returns the class of a supplementary code point: CJK, WORD or SEPARATOR. */
export function classOfSupplementary(codePoint: u32): u32 {
  if (!isWordChar(codePoint)) return SEPARATOR;
  return isCjk(codePoint) ? CJK : WORD;
}

/** Returns the fold of a class from FIRST_FOLD upward: first code unit in the low half, second (or 0) in the high half. */
@inline
export function foldedPair(unitClass: u32): u32 {
  return load<u32>(foldPairs + (<usize>(unitClass - FIRST_FOLD) << 2));
}
