/** The offline feature-hashing embedder: posts on the pool's threads, queries on the main thread, both in WASM. */
import type { Kernels } from "../kernels/index.js";
import type { KernelPool } from "../pool/pool.js";
import type { Embedder, EmbedderInfo } from "./embedder.js";

export function createHashEmbedder(info: EmbedderInfo, pool: KernelPool, kernels: Kernels): Embedder {
  return {
    ...info,
    embedPost: (post) => pool.embedPost({ ...post, dim: info.dim, stopWords: info.stopWords }),
    embedQuery: async (_query, tokens) => kernels.hashEmbed([...tokens], info.dim),
    close: () => undefined,
  };
}
