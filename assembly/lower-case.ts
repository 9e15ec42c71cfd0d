// Lower-casing that matches JavaScript's String#toLowerCase on tokens.
// The isFinalSigma helper in AssemblyScript 0.28 (std/assembly/util/string.ts)
// picks the final form of sigma only when no uncased character, such as a
// digit, occurs up to 30 code units before it, so "42ΟΔΟΣ" ends in σ. Unicode's Final_Sigma condition, which V8
// follows, looks only at the nearest characters that are not case-ignorable.
import { isCased, isCaseIgnorable } from "~lib/util/string";

const CAPITAL_SIGMA: u16 = 0x3a3;
const SMALL_SIGMA: u16 = 0x3c3;
const SMALL_FINAL_SIGMA: u16 = 0x3c2;
const CAPITAL_I_WITH_DOT: u16 = 0x130;

@inline
function unitAt(text: string, index: i32): u32 {
  return <u32>load<u16>(changetype<usize>(text) + (<usize>index << 1));
}

/** Returns the code point that ends just before `index`, or a lone surrogate as is. */
function codePointBefore(text: string, index: i32): u32 {
  const low = unitAt(text, index - 1);
  if (low - 0xdc00 >= 0x400 || index < 2) return low;
  const high = unitAt(text, index - 2);
  if (high - 0xd800 >= 0x400) return low;
  return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
}

function codePointAt(text: string, index: i32): u32 {
  const high = unitAt(text, index);
  if (high - 0xd800 >= 0x400 || index + 1 >= text.length) return high;
  const low = unitAt(text, index + 1);
  if (low - 0xdc00 >= 0x400) return high;
  return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
}

/** Returns whether the capital sigma at `index` meets Unicode's Final_Sigma condition. */
function isFinalSigma(text: string, index: i32): bool {
  let before = index;
  let casedBefore = false;
  while (before > 0) {
    const codePoint = codePointBefore(text, before);
    before -= codePoint > 0xffff ? 2 : 1;
    if (isCaseIgnorable(codePoint)) continue;
    casedBefore = isCased(codePoint);
    break;
  }
  if (!casedBefore) return false;

  let after = index + 1;
  while (after < text.length) {
    const codePoint = codePointAt(text, after);
    after += codePoint > 0xffff ? 2 : 1;
    if (!isCaseIgnorable(codePoint)) return !isCased(codePoint);
  }
  return true;
}

/** Returns `word` lower-cased as JavaScript's String#toLowerCase does. */
export function toLowerCaseToken(word: string): string {
  const lower = word.toLowerCase();

  // Only U+0130 lower-cases to two code units, so the position of each
  // character in `lower` is its position in `word` plus the U+0130 before it.
  let shift = 0;
  for (let i = 0; i < word.length; i++) {
    const unit = <u16>unitAt(word, i);
    if (unit == CAPITAL_I_WITH_DOT) shift++;
    if (unit != CAPITAL_SIGMA) continue;

    const sigma = isFinalSigma(word, i) ? SMALL_FINAL_SIGMA : SMALL_SIGMA;
    store<u16>(changetype<usize>(lower) + (<usize>(i + shift) << 1), sigma);
  }
  return lower;
}
