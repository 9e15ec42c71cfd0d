import type { KernelExports } from "./load-wasm.js";
import { validateText } from "./validate.js";
import { readTokenOutput, writeUtf16Input } from "./wasm-text.js";

/** Returns the WASM tokenize. Its rules are documented in reference/tokenizer.ts. */
export function createTokenize(kernels: KernelExports) {
  return function tokenize(text: string): string[] {
    validateText(text);
    const input = writeUtf16Input(kernels, text);
    const units = kernels.tokenize(input, text.length);
    return readTokenOutput(kernels, units);
  };
}
