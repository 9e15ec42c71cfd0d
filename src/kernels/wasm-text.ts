// UTF-16 text transfer across the WASM boundary. Views are created after
// each reserve call, because growing WASM memory detaches the old buffer.
import type { KernelExports } from "./load-wasm.js";

/** Code unit that ends every token in the WASM token lists. */
export const TOKEN_SEPARATOR = "\u0000";

const utf16Decoder = new TextDecoder("utf-16le");

/** Copies the UTF-16 code units of `text` into the input buffer and returns its address. */
export function writeUtf16Input(kernels: KernelExports, text: string): number {
  const address = kernels.reserveInput(text.length * 2);
  const units = new Uint16Array(kernels.memory.buffer, address, text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return address;
}

/**
 * Decodes `units` code units of the output buffer into tokens, each followed
 * by TOKEN_SEPARATOR. Tokens never contain lone surrogates, so the decoder
 * does not replace anything.
 */
export function readTokenOutput(kernels: KernelExports, units: number): string[] {
  if (units === 0) return [];
  const bytes = new Uint8Array(kernels.memory.buffer, kernels.outputAddress(), units * 2);
  const tokens = utf16Decoder.decode(bytes).split(TOKEN_SEPARATOR);
  tokens.pop();
  return tokens;
}
