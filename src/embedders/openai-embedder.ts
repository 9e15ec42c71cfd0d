/**
 * An embedder behind an OpenAI-compatible embeddings API. The pool chunks
 * and tokenizes each post, with chunks cut to the model's input limit;
 * the chunks go to the API through the shared batcher.
 *
 * One job indexes one post, and a post is indexed whole or not at all.
 * When the API rejects one of its chunks, the post's job fails with a
 * PermanentJobError and goes to the dead-letter table at once. The other
 * posts of the same request are stored.
 */
import type { Logger } from "pino";

import type { KernelPool } from "../pool/pool.js";
import type { EmbeddedChunk } from "../pool/tasks.js";
import { PermanentJobError } from "../queue/permanent-job-error.js";
import type { Embedder, EmbedderInfo } from "./embedder.js";
import { EmbeddingBatcher } from "./embedding-batcher.js";
import { EmbeddingRejectedError, OpenAiEmbeddingClient } from "./openai-client.js";
import { vectorChecksum } from "./vector-codec.js";

export interface OpenAiEmbedderOptions {
  /** The endpoint, as `resolveEmbeddingsUrl` returns it. */
  url: string;
  model: string;
  apiKey?: string;
  /** Maximum inputs in one request. */
  batchSize: number;
  /** Maximum length of one input in UTF-16 code units. */
  maxInputChars: number;
  timeoutMs: number;
  retryAfterCapMs: number;
  quickRetryDelaysMs?: readonly number[];
}

export function createOpenAiEmbedder(
  info: EmbedderInfo,
  options: OpenAiEmbedderOptions,
  pool: KernelPool,
  log?: Logger,
): Embedder {
  const client = new OpenAiEmbeddingClient({ ...options, dim: info.dim, log });
  const batcher = new EmbeddingBatcher(client, options.batchSize);

  return {
    ...info,
    async embedPost(post, signal) {
      const prepared = await pool.preparePost({ ...post, stopWords: info.stopWords, maxInputChars: options.maxInputChars });
      const total = prepared.chunks.length;
      const chunks = await Promise.all(
        prepared.chunks.map(async ({ text, tokenCount, input }, index): Promise<EmbeddedChunk> => {
          try {
            const vector = await batcher.embed(input, signal);
            return { text, tokenCount, vector, checksum: vectorChecksum(vector) };
          } catch (error) {
            throw error instanceof EmbeddingRejectedError ? rejectedChunkError(error, index, total, options.maxInputChars) : error;
          }
        }),
      );
      return { chunks, tokens: prepared.tokens };
    },
    async embedQuery(query) {
      const [vector] = await client.embed([query]);
      return vector as Float32Array;
    },
    close: () => client.close(),
  };
}

function rejectedChunkError(error: EmbeddingRejectedError, index: number, total: number, maxInputChars: number): PermanentJobError {
  const hint = error.isContextLength
    ? `the chunk is longer than the model's context: lower --embed-max-chars (now ${maxInputChars}) and retry the dead letter`
    : "the job is not retried; fix the post or the embedder settings and retry the dead letter";
  return new PermanentJobError(
    `Embedding API rejected chunk ${index + 1} of ${total} (HTTP ${error.status}: ${error.serverMessage}); ${hint}.`,
    { cause: error },
  );
}
