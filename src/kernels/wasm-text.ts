// UTF-16 text transfer across the WASM boundary. Views are created after
// each reserve call, because growing WASM memory detaches the old buffer.
// Buffer's "utf16le" encoding copies code units as they are, lone
// surrogates included, where TextDecoder would replace them with U+FFFD.
import type { KernelExports } from "./load-wasm.js";

/** Code unit that ends every token in the WASM token lists. */
export const TOKEN_SEPARATOR = "\u0000";

/** Copies the UTF-16 code units of `text` into the input buffer and returns its address. */
export function writeUtf16Input(kernels: KernelExports, text: string): number {
  const address = kernels.reserveInput(text.length * 2);
  Buffer.from(kernels.memory.buffer, address, text.length * 2).write(text, "utf16le");
  return address;
}

/** Decodes `units` code units of the output buffer into tokens, each followed by TOKEN_SEPARATOR. */
export function readTokenOutput(kernels: KernelExports, units: number): string[] {
  if (units === 0) return [];
  const text = Buffer.from(kernels.memory.buffer, kernels.outputAddress(), units * 2).toString("utf16le");
  const tokens = text.split(TOKEN_SEPARATOR);
  tokens.pop();
  return tokens;
}
