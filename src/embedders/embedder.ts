import type { EmbedPostOutput } from "../pool/tasks.js";

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

/** An embedder that indexes posts and search queries alike. */
export interface Embedder extends EmbedderInfo {
  /** Chunks, tokenizes and embeds one post; `signal` aborts waits and requests. */
  embedPost(post: { title: string; content: string }, signal?: AbortSignal): Promise<EmbedPostOutput>;
  /** Embeds a search query; `tokens` are the query's tokens under the same stop words. */
  embedQuery(query: string, tokens: readonly string[]): Promise<Float32Array>;
  /** Aborts requests in flight; later calls fail. */
  close(): void;
}

export const DEFAULT_EMBEDDING_DIM = 384;
/** Dimensions the hash embedder accepts. */
export const HASH_DIM_RANGE = { min: 8, max: 4096 } as const;
/** Dimensions accepted for a model behind an embedding API. */
export const MODEL_DIM_RANGE = { min: 1, max: 16_384 } as const;

/** Stored in embedding_format: a JSON array of float32 values. */
export const EMBEDDING_FORMAT = "json_float_array_v1";

/**
 * Describes the offline feature-hashing embedder that runs in WebAssembly.
 * Its vectors depend only on the tokenizer and the hash definition, which
 * `hash-v2` pins (v2: tokens are case- and accent-folded, CJK split into bigrams).
 */
export function hashEmbedderInfo(dim: number = DEFAULT_EMBEDDING_DIM, stopWords: StopWordSetting = "en"): EmbedderInfo {
  if (!Number.isInteger(dim) || dim < HASH_DIM_RANGE.min || dim > HASH_DIM_RANGE.max) {
    throw new RangeError(
      `Invalid embedding dimension ${dim}: use a whole number from ${HASH_DIM_RANGE.min} to ${HASH_DIM_RANGE.max} (default ${DEFAULT_EMBEDDING_DIM}).`,
    );
  }
  if (!STOP_WORD_SETTINGS.includes(stopWords)) {
    throw new RangeError(`Invalid stop-word list "${String(stopWords)}": use ${STOP_WORD_SETTINGS.join(", ")}.`);
  }
  return { name: "hash", dim, version: `hash-v2:${dim}${stopWordSuffix(stopWords)}`, stopWords };
}

/** Maximum model name length, so that the version fits embedding_version (VARCHAR(191) on MySQL). */
export const MAX_MODEL_NAME_LENGTH = 150;

/**
 * Describes an embedder behind an OpenAI-compatible `/v1/embeddings` API,
 * version `openai:<model>:<dim>`. The stop words change the token table
 * but not these vectors. They are part of the version anyway, so that
 * `reembed` after a change of stop words rebuilds the token rows too.
 */
export function openAiEmbedderInfo(model: string, dim: number, stopWords: StopWordSetting = "en"): EmbedderInfo {
  if (model.length === 0 || model.length > MAX_MODEL_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(model)) {
    throw new RangeError(
      `Invalid embedding model name ${JSON.stringify(model)}: use 1 to ${MAX_MODEL_NAME_LENGTH} characters without control characters.`,
    );
  }
  if (!Number.isInteger(dim) || dim < MODEL_DIM_RANGE.min || dim > MODEL_DIM_RANGE.max) {
    throw new RangeError(
      `Invalid embedding dimension ${dim}: use the model's dimension, a whole number from ${MODEL_DIM_RANGE.min} to ${MODEL_DIM_RANGE.max}.`,
    );
  }
  return { name: "openai", dim, version: `openai:${model}:${dim}${stopWordSuffix(stopWords)}`, stopWords };
}

/** The stop words change the tokens; English, the default, keeps the plain version string. */
function stopWordSuffix(stopWords: StopWordSetting): string {
  return stopWords === "en" ? "" : `:stop-${stopWords}`;
}
