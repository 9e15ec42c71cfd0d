/**
 * The embedder settings and the embedder they make: the offline hashing
 * embedder (the default), or a model behind an OpenAI-compatible API.
 */
import type { Logger } from "pino";

import type { Kernels } from "../kernels/index.js";
import type { KernelPool } from "../pool/pool.js";
import { DEFAULT_EMBEDDING_DIM, hashEmbedderInfo, openAiEmbedderInfo, type Embedder, type EmbedderInfo, type StopWordSetting } from "./embedder.js";
import { createHashEmbedder } from "./hash-embedder.js";
import { resolveEmbeddingsUrl } from "./openai-client.js";
import { createOpenAiEmbedder } from "./openai-embedder.js";

export type EmbedderKind = "hash" | "openai";

export const EMBEDDER_KINDS: readonly EmbedderKind[] = ["hash", "openai"];

export interface EmbedderConfig {
  kind: EmbedderKind;
  stopWords: StopWordSetting;
  /** Vector dimension; default 384 for hash, required for openai. */
  dim?: number;
  /** openai: the API's base URL or its embeddings endpoint. */
  url?: string;
  /** openai: the model name sent with each request. */
  model?: string;
  /** openai: sent as a Bearer token; default $WPLLMSEO_EMBED_API_KEY. */
  apiKey?: string;
  /** openai: maximum inputs in one request. */
  batchSize?: number;
  /** openai: maximum length of one input in UTF-16 code units; longer chunks are split. */
  maxInputChars?: number;
  /** openai: time limit of one request in ms. */
  timeoutMs?: number;
  /** openai: maximum total Retry-After wait of one request in ms. */
  retryAfterCapMs?: number;
  /** openai: waits before the quick retries of a request in ms. */
  quickRetryDelaysMs?: readonly number[];
}

export const EMBED_DEFAULTS = {
  batchSize: 64,
  // An estimate: about 500 tokens of English text at 4 characters per token,
  // which fits models with a 512-token context.
  maxInputChars: 2000,
  timeoutMs: 60_000,
  retryAfterCapMs: 120_000,
} as const;

/** Describes the embedder of `config`, raising a RangeError that names the invalid setting. */
export function describeEmbedder(config: EmbedderConfig): EmbedderInfo {
  if (config.kind === "hash") return hashEmbedderInfo(config.dim ?? DEFAULT_EMBEDDING_DIM, config.stopWords);
  if (config.url === undefined || config.model === undefined || config.dim === undefined) {
    throw new RangeError(
      "The openai embedder needs --embed-url, --embed-model and --embed-dim (or WPLLMSEO_EMBED_URL, WPLLMSEO_EMBED_MODEL and WPLLMSEO_EMBED_DIM).",
    );
  }
  resolveEmbeddingsUrl(config.url);
  return openAiEmbedderInfo(config.model, config.dim, config.stopWords);
}

/** Creates the embedder of `config`; the openai embedder reads its key from $WPLLMSEO_EMBED_API_KEY unless `apiKey` is set. */
export function createEmbedder(config: EmbedderConfig, pool: KernelPool, kernels: Kernels, log?: Logger): Embedder {
  const info = describeEmbedder(config);
  if (config.kind === "hash") return createHashEmbedder(info, pool, kernels);
  const options = {
    url: resolveEmbeddingsUrl(config.url as string),
    model: config.model as string,
    apiKey: checkApiKey(config.apiKey ?? process.env.WPLLMSEO_EMBED_API_KEY),
    batchSize: config.batchSize ?? EMBED_DEFAULTS.batchSize,
    maxInputChars: config.maxInputChars ?? EMBED_DEFAULTS.maxInputChars,
    timeoutMs: config.timeoutMs ?? EMBED_DEFAULTS.timeoutMs,
    retryAfterCapMs: config.retryAfterCapMs ?? EMBED_DEFAULTS.retryAfterCapMs,
    quickRetryDelaysMs: config.quickRetryDelaysMs,
  };
  return createOpenAiEmbedder(info, options, pool, log);
}

/**
 * Rejects a key that cannot go into an Authorization header, such as one
 * with a line break pasted along. The message never contains the key.
 */
function checkApiKey(key: string | undefined): string | undefined {
  if (key !== undefined && !/^[\x21-\x7e]*$/.test(key)) {
    throw new RangeError(
      "Invalid WPLLMSEO_EMBED_API_KEY: it contains a space, line break or other character that an HTTP header cannot carry. Set it to the key alone.",
    );
  }
  return key;
}
