import type { KernelExports } from "./load-wasm.js";
import type { StopWordLanguage, TokenizeOptions } from "./types.js";
import { validateText, validateTokenizeOptions } from "./validate.js";
import { readTokenOutput, writeUtf16Input } from "./wasm-text.js";

/** Stop word list arguments of the WASM tokenize, as defined in assembly/stop-words.ts. */
const STOP_WORD_LIST_IDS: Readonly<Record<StopWordLanguage | "none", number>> = { none: 0, en: 1, de: 2 };

/** Returns the WASM tokenize. Its rules are documented in reference/tokenizer.ts. */
export function createTokenize(kernels: KernelExports) {
  return function tokenize(text: string, options?: TokenizeOptions): string[] {
    validateText(text);
    const stopWords = STOP_WORD_LIST_IDS[validateTokenizeOptions(options)];
    const input = writeUtf16Input(kernels, text);
    const units = kernels.tokenize(input, text.length, stopWords);
    return readTokenOutput(kernels, units);
  };
}
