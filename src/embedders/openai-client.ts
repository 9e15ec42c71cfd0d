/**
 * A client for OpenAI-compatible embedding APIs, as OpenAI, Ollama and vLLM
 * serve them: POST {"model", "input": [texts]} and read
 * {"data": [{"index", "embedding"}]}.
 *
 * One `embed` call sends one batch of inputs, again after each failure that
 * allows it:
 * - 429 and 503 with Retry-After (seconds or HTTP-date) wait as requested while
 *   the waits of the call add up to at most `retryAfterCapMs`. A longer
 *   wait fails the call at once, so the job falls back to its backoff.
 * - timeouts, connection errors, other 5xx and 429/503 without
 *   Retry-After are sent again after each of `quickRetryDelaysMs`.
 * - 400 and 413 raise EmbeddingRejectedError, which the batcher bisects.
 * - other statuses and malformed responses fail the call.
 * The API key is sent as a Bearer token and never put in a message.
 */
import { setTimeout as sleep } from "node:timers/promises";

import type { Logger } from "pino";

import { parseRetryAfter } from "./retry-after.js";

export interface OpenAiClientOptions {
  /** The embeddings endpoint, as `resolveEmbeddingsUrl` returns it. */
  url: string;
  model: string;
  dim: number;
  apiKey?: string;
  /** Time limit of one request, body included, in ms. */
  timeoutMs: number;
  /** Maximum total Retry-After wait of one call, in ms. */
  retryAfterCapMs: number;
  /** Waits before each quick retry, in ms; default 500 and 2000. */
  quickRetryDelaysMs?: readonly number[];
  log?: Logger;
}

export const DEFAULT_QUICK_RETRY_DELAYS_MS: readonly number[] = [500, 2000];

/** Maximum rate-limited responses that one call follows, so Retry-After: 0 cannot loop forever. */
const MAX_RATE_LIMIT_RETRIES = 20;

/** Characters of a server's error message kept in an error. */
const MAX_SERVER_MESSAGE = 500;

/**
 * Largest response body read, in bytes. A batch of 64 vectors of 3,072
 * values is about 4 MiB of JSON. A longer response fails the request
 * instead of filling the process's memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** A request that failed in a way that another attempt may fix. */
export class EmbeddingApiError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmbeddingApiError";
  }
}

/** The API responded with 400 or 413: some input of the request is invalid or too long. */
export class EmbeddingRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly serverMessage: string,
    readonly inputs: number,
  ) {
    super(`Embedding API rejected a request of ${inputs} input${inputs === 1 ? "" : "s"} (HTTP ${status}: ${serverMessage})`);
    this.name = "EmbeddingRejectedError";
  }

  /** True when the server's message reports an input longer than the model's context. */
  get isContextLength(): boolean {
    return /context|too long|too many tokens|maximum.*length|exceed/i.test(this.serverMessage);
  }
}

/**
 * Returns the endpoint for a base URL: a URL whose path ends in
 * /embeddings is used as given, one ending in /v1 gets /embeddings, any
 * other gets /v1/embeddings. Raises for another scheme, or for a user name
 * or password in the URL (the key goes in WPLLMSEO_EMBED_API_KEY).
 */
export function resolveEmbeddingsUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new RangeError(`Invalid --embed-url ${JSON.stringify(base)}: use an http:// or https:// URL, e.g. http://127.0.0.1:11434.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RangeError(`Invalid --embed-url ${JSON.stringify(base)}: use an http:// or https:// URL.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new RangeError("Invalid --embed-url: remove the user name and password from it and set WPLLMSEO_EMBED_API_KEY instead.");
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/embeddings")) {
    url.pathname = path.endsWith("/v1") ? `${path}/embeddings` : `${path}/v1/embeddings`;
  }
  return url.toString();
}

export class OpenAiEmbeddingClient {
  readonly url: string;
  readonly #options: OpenAiClientOptions;
  readonly #apiKey: string | undefined;
  readonly #closed = new AbortController();

  constructor(options: OpenAiClientOptions) {
    const { apiKey, ...rest } = options;
    this.url = options.url;
    this.#options = rest;
    this.#apiKey = apiKey === "" ? undefined : apiKey;
  }

  /** Aborts requests and waits in flight; later calls fail. */
  close(): void {
    this.#closed.abort(new EmbeddingApiError("The embedding client was closed."));
  }

  /** Embeds `inputs` in one request; the vectors come back in input order. */
  async embed(inputs: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const { retryAfterCapMs } = this.#options;
    const quickDelays = this.#options.quickRetryDelaysMs ?? DEFAULT_QUICK_RETRY_DELAYS_MS;
    const stop = signal ? AbortSignal.any([signal, this.#closed.signal]) : this.#closed.signal;
    let waitedMs = 0;
    let rateLimited = 0;
    let quickRetries = 0;

    for (;;) {
      const outcome = await this.#send(inputs, stop);
      if ("vectors" in outcome) return outcome.vectors;

      const { failure } = outcome;
      if (failure.retryAfterMs !== null && rateLimited < MAX_RATE_LIMIT_RETRIES) {
        if (waitedMs + failure.retryAfterMs > retryAfterCapMs) {
          throw new EmbeddingApiError(
            `${failure.message}; the server requested a retry after ${failure.retryAfterMs} ms, which would exceed the ` +
              `${retryAfterCapMs} ms wait cap (--embed-retry-after-cap-ms), so the job retries after its backoff.`,
          );
        }
        rateLimited++;
        waitedMs += failure.retryAfterMs;
        this.#options.log?.warn({ url: this.url, waitMs: failure.retryAfterMs, inputs: inputs.length }, `${failure.message}; retrying after Retry-After`);
        await waitUnlessAborted(failure.retryAfterMs, stop);
        continue;
      }
      const delay = failure.quickRetry ? quickDelays[quickRetries] : undefined;
      if (delay === undefined) {
        const tries = quickRetries + rateLimited + 1;
        throw new EmbeddingApiError(`${failure.message} (after ${tries} request${tries === 1 ? "" : "s"}).`, { cause: failure.cause });
      }
      quickRetries++;
      this.#options.log?.warn({ url: this.url, delayMs: delay, inputs: inputs.length }, `${failure.message}; retrying`);
      await waitUnlessAborted(delay, stop);
    }
  }

  async #send(inputs: readonly string[], stop: AbortSignal): Promise<{ vectors: Float32Array[] } | { failure: Failure }> {
    const { model, timeoutMs } = this.#options;
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    let status: number;
    let retryAfter: string | null;
    let text: string;
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ model, input: inputs }),
        signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = await readLimitedText(response, MAX_RESPONSE_BYTES);
    } catch (error) {
      if (error instanceof EmbeddingApiError) throw error;
      if (stop.aborted) throw stop.reason;
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      const reason = timedOut ? `timed out after ${timeoutMs} ms (--embed-timeout-ms)` : `failed: ${this.#redact(describeCause(error))}`;
      return { failure: { message: `Embedding request to ${this.url} ${reason}`, quickRetry: true, retryAfterMs: null, cause: error } };
    }

    if (status >= 200 && status < 300) return { vectors: this.#parse(text, inputs.length) };
    const serverMessage = serverMessageOf(this.#redact(text));
    const message = `Embedding API ${this.url} responded with HTTP ${status}: ${serverMessage}`;
    if (status === 400 || status === 413) {
      throw new EmbeddingRejectedError(status, serverMessage, inputs.length);
    }
    const rateLimit = status === 429 || status === 503;
    const retryAfterMs = rateLimit ? parseRetryAfter(retryAfter) : null;
    return { failure: { message, quickRetry: rateLimit || status >= 500, retryAfterMs } };
  }

  #parse(text: string, count: number): Float32Array[] {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const start = JSON.stringify(this.#redact(text).slice(0, 100));
      throw new EmbeddingApiError(`Embedding API ${this.url} returned a response that is not JSON, starting ${start}.`);
    }
    try {
      return parseEmbeddingResponse(body, count, this.#options.dim);
    } catch (error) {
      throw new EmbeddingApiError(`Embedding API ${this.url} returned an invalid response: ${this.#redact((error as Error).message)}`);
    }
  }

  /** Removes the API key from text that came from the server or the network stack. */
  #redact(text: string): string {
    return this.#apiKey === undefined ? text : text.replaceAll(this.#apiKey, "[redacted]");
  }
}

/**
 * Reads a response body as UTF-8 text, failing once it exceeds `maxBytes`
 * and cancelling the rest of the body.
 */
async function readLimitedText(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      throw new EmbeddingApiError(
        `Embedding API ${response.url} sent a response of more than ${maxBytes} bytes; expected one JSON object of embeddings.`,
      );
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Waits `ms`; raises the signal's reason, such as the close error, when it aborts first. */
async function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
}

interface Failure {
  message: string;
  /** Whether the request may be sent again after a short delay. */
  quickRetry: boolean;
  /** The wait the server requested with Retry-After, or null. */
  retryAfterMs: number | null;
  cause?: unknown;
}

/**
 * Maps `{"data": [{"index", "embedding"}]}` back to input order. Raises
 * for a count other than `count`, an index that is missing, repeated or out
 * of range, a vector of another length than `dim`, or a value that is not a
 * finite float32.
 */
export function parseEmbeddingResponse(body: unknown, count: number, dim: number): Float32Array[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error('no "data" array');
  if (data.length !== count) throw new Error(`${data.length} embeddings for ${count} inputs`);
  const vectors: (Float32Array | undefined)[] = new Array(count).fill(undefined);
  for (const item of data as unknown[]) {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`index ${JSON.stringify(index)} is not a whole number from 0 to ${count - 1}`);
    }
    if (vectors[index] !== undefined) throw new Error(`index ${index} appears twice`);
    if (!Array.isArray(embedding)) throw new Error(`the embedding at index ${index} is not an array`);
    if (embedding.length !== dim) {
      throw new Error(`the embedding at index ${index} has ${embedding.length} values, expected ${dim}: set --embed-dim to the model's dimension`);
    }
    const vector = Float32Array.from(embedding as unknown[], (value) => (typeof value === "number" ? value : Number.NaN));
    if (!vector.every(Number.isFinite)) throw new Error(`the embedding at index ${index} contains a value that is not a finite float32`);
    vectors[index] = vector;
  }
  const missing = vectors.findIndex((vector) => vector === undefined);
  if (missing !== -1) throw new Error(`index ${missing} is missing`);
  return vectors as Float32Array[];
}

/** Returns the `error.message` of an OpenAI-style error body, else the start of the body. */
function serverMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const message =
      typeof body.error === "string" ? body.error : body.error?.message ?? body.message ?? body.detail;
    if (typeof message === "string") return message.slice(0, MAX_SERVER_MESSAGE);
  } catch {
    // Not JSON: use the text itself.
  }
  const trimmed = text.trim().slice(0, MAX_SERVER_MESSAGE);
  return trimmed === "" ? "(empty body)" : trimmed;
}

/** Returns the message of a fetch error and of its cause, where undici puts the system error. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
