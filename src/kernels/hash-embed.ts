import type { KernelExports } from "./load-wasm.js";
import { DEFAULT_EMBED_DIM, validateEmbedArguments } from "./validate.js";
import { TOKEN_SEPARATOR, writeUtf16Input } from "./wasm-text.js";

/** Returns the WASM hashEmbed. The embedding is defined in reference/hash-embed.ts. */
export function createHashEmbed(kernels: KernelExports) {
  return function hashEmbed(tokens: readonly string[], dim: number = DEFAULT_EMBED_DIM): Float32Array {
    validateEmbedArguments(tokens, dim);
    const joined = tokens.length === 0 ? "" : tokens.join(TOKEN_SEPARATOR) + TOKEN_SEPARATOR;
    const input = writeUtf16Input(kernels, joined);

    const vector = kernels.hashEmbed(input, joined.length, dim);
    return new Float32Array(kernels.memory.buffer, vector, dim).slice();
  };
}
