/**
 * Collects the inputs of all posts being indexed at once (the worker's
 * --concurrency jobs) into requests of at most `batchSize` inputs.
 *
 * A request waits up to LINGER_MS for more inputs unless it is full. When
 * the API rejects a request with 400 or 413, the request is split in
 * halves, which are sent one after the other, until the rejected inputs
 * stand alone. Each rejected input fails its own promise with
 * EmbeddingRejectedError and the other inputs get their vectors, so one
 * bad chunk fails only its own post. Any other failure fails every input
 * of the request.
 */
import { EmbeddingRejectedError, type OpenAiEmbeddingClient } from "./openai-client.js";

/** Time a request that is not full waits for inputs from other jobs, in ms. */
const LINGER_MS = 10;

interface PendingInput {
  input: string;
  signal: AbortSignal | undefined;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

export class EmbeddingBatcher {
  readonly #client: OpenAiEmbeddingClient;
  readonly #batchSize: number;
  #pending: PendingInput[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(client: OpenAiEmbeddingClient, batchSize: number) {
    this.#client = client;
    this.#batchSize = batchSize;
  }

  /** Embeds one input in the next request; rejects with EmbeddingRejectedError when the API rejects this input. */
  embed(input: string, signal?: AbortSignal): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ input, signal, resolve, reject });
      if (this.#pending.length >= this.#batchSize) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), LINGER_MS);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#batchSize);
      void this.#send(batch);
    }
  }

  async #send(batch: PendingInput[]): Promise<void> {
    const live = batch.filter((item) => {
      if (item.signal?.aborted) item.reject(item.signal.reason);
      return item.signal?.aborted !== true;
    });
    if (live.length === 0) return;
    try {
      const vectors = await this.#client.embed(live.map((item) => item.input));
      live.forEach((item, index) => item.resolve(vectors[index] as Float32Array));
    } catch (error) {
      if (!(error instanceof EmbeddingRejectedError) || live.length === 1) {
        for (const item of live) item.reject(error);
        return;
      }
      const half = Math.ceil(live.length / 2);
      await this.#send(live.slice(0, half));
      await this.#send(live.slice(half));
    }
  }
}
