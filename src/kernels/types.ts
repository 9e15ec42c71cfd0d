import type { StopWordLanguage } from "./stop-words.js";

export type { StopWordLanguage } from "./stop-words.js";

/** Build of the WASM kernels: with v128 SIMD loops or with scalar loops only. */
export type KernelFlavor = "simd" | "scalar";

/** Options of tokenize. */
export interface TokenizeOptions {
  /** Stop word list to drop: English (the default), German or none. */
  readonly stopWords?: StopWordLanguage | "none";
}

/** Search and indexing kernels. Every method is synchronous and validates its arguments. */
export interface Kernels {
  readonly flavor: KernelFlavor;
  /**
   * Cosine of `query` against each `dim`-wide row of `rows`, where `dim` is
   * `query.length` and rows.length must be a multiple of dim. A zero query or
   * zero row scores 0, results are clamped to [-1, 1], and non-finite
   * inputs can give NaN. Writes into `out` when given, which must have one
   * element per row.
   */
  cosineBatch(query: Float32Array, rows: Float32Array, out?: Float32Array): Float32Array;
  /** SHA-256 digest of `data`, 32 bytes. */
  sha256(data: Uint8Array): Uint8Array;
  /** SHA-256 digest of `data` as 64 lower-case hex characters. */
  sha256Hex(data: Uint8Array): string;
  /**
   * Case- and accent-folded word tokens of HTML or plain text, without
   * markup, shortcodes or stop words, and overlapping bigrams of CJK text.
   * The rules are documented in reference/tokenizer.ts.
   */
  tokenize(text: string, options?: TokenizeOptions): string[];
  /** L2-normalized feature-hashing embedding of `tokens` with `dim` dimensions (default 384). */
  hashEmbed(tokens: readonly string[], dim?: number): Float32Array;
}

/** The plain TypeScript kernels, which the WASM builds must match. */
export type ReferenceKernels = Omit<Kernels, "flavor"> & { readonly flavor: "reference" };
