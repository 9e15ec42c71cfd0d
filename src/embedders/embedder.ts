/**
 * An embedder turns chunk texts into vectors of one fixed dimension.
 *
 * `version` goes into embedding_version and names the embedder, its model and
 * its dimension, so vectors from another model are never compared with these.
 */
export interface EmbedderInfo {
  readonly name: string;
  readonly dim: number;
  readonly version: string;
  /** Stop-word list applied to posts and queries alike. */
  readonly stopWords: StopWordSetting;
}

export type StopWordSetting = "en" | "de" | "none";

export const STOP_WORD_SETTINGS: readonly StopWordSetting[] = ["en", "de", "none"];

export const DEFAULT_EMBEDDING_DIM = 384;

/** Stored in embedding_format: a JSON array of float32 values. */
export const EMBEDDING_FORMAT = "json_float_array_v1";

/**
 * Describes the offline feature-hashing embedder that runs in WebAssembly.
 * Its vectors depend only on the tokenizer and the hash definition, which
 * `hash-v2` pins (v2: tokens are case- and accent-folded, CJK split into bigrams).
 */
export function hashEmbedderInfo(dim: number = DEFAULT_EMBEDDING_DIM, stopWords: StopWordSetting = "en"): EmbedderInfo {
  if (!Number.isInteger(dim) || dim < 8 || dim > 4096) {
    throw new RangeError(
      `Invalid embedding dimension ${dim}: use a whole number from 8 to 4096 (default ${DEFAULT_EMBEDDING_DIM}).`,
    );
  }
  if (!STOP_WORD_SETTINGS.includes(stopWords)) {
    throw new RangeError(`Invalid stop-word list "${String(stopWords)}": use ${STOP_WORD_SETTINGS.join(", ")}.`);
  }
  // The stop words change the tokens and so the vectors; English, the
  // default, keeps the plain version string.
  const suffix = stopWords === "en" ? "" : `:stop-${stopWords}`;
  return { name: "hash", dim, version: `hash-v2:${dim}${suffix}`, stopWords };
}
