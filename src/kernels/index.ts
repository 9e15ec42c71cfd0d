// Search and indexing kernels: batch cosine, SHA-256, tokenizer and hashing
// embedder, as WASM builds (SIMD or scalar) and as a TypeScript reference.
import { createCosineBatch } from "./cosine.js";
import { createHashEmbed } from "./hash-embed.js";
import { instantiateKernels, instantiateKernelsSync, type KernelExports } from "./load-wasm.js";
import { createSha256 } from "./sha256.js";
import { createTokenize } from "./tokenizer.js";
import type { KernelFlavor, Kernels } from "./types.js";

export type { KernelFlavor, Kernels, ReferenceKernels, StopWordLanguage, TokenizeOptions } from "./types.js";
export { referenceKernels } from "./reference/index.js";
export { DEFAULT_EMBED_DIM, MAX_EMBED_DIM } from "./validate.js";

const FLAVORS: readonly KernelFlavor[] = ["simd", "scalar"];

function validateFlavor(flavor: KernelFlavor): void {
  if (!FLAVORS.includes(flavor)) {
    throw new RangeError(`invalid kernel flavor "${String(flavor)}", expected "simd" or "scalar"`);
  }
}

function wrapExports(flavor: KernelFlavor, kernels: KernelExports): Kernels {
  return {
    flavor,
    cosineBatch: createCosineBatch(kernels),
    ...createSha256(kernels),
    tokenize: createTokenize(kernels),
    hashEmbed: createHashEmbed(kernels),
  };
}

/** Loads the WASM kernels of `flavor`. Each call returns a new instance with its own memory. */
export async function loadKernels(flavor: KernelFlavor = "simd"): Promise<Kernels> {
  validateFlavor(flavor);
  return wrapExports(flavor, await instantiateKernels(flavor));
}

/** Loads the WASM kernels of `flavor` synchronously, for worker threads and other synchronous start-up code. */
export function loadKernelsSync(flavor: KernelFlavor = "simd"): Kernels {
  validateFlavor(flavor);
  return wrapExports(flavor, instantiateKernelsSync(flavor));
}
