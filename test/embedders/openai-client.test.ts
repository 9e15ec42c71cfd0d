import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { EmbeddingBatcher } from "../../src/embedders/embedding-batcher.js";
import {
  EmbeddingApiError,
  EmbeddingRejectedError,
  MAX_RESPONSE_BYTES,
  OpenAiEmbeddingClient,
  parseEmbeddingResponse,
  resolveEmbeddingsUrl,
  type OpenAiClientOptions,
} from "../../src/embedders/openai-client.js";
import { parseRetryAfter } from "../../src/embedders/retry-after.js";
import { errorBody, mockEmbedding, MockEmbeddingServer } from "./mock-embedding-server.js";

const DIM = 8;
let server: MockEmbeddingServer;

beforeAll(async () => {
  server = await MockEmbeddingServer.start(DIM);
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.requests.length = 0;
  server.script.length = 0;
  server.responder = undefined;
});

function createClient(options: Partial<OpenAiClientOptions> = {}): OpenAiEmbeddingClient {
  return new OpenAiEmbeddingClient({
    url: resolveEmbeddingsUrl(server.url),
    model: "mock-embed",
    dim: DIM,
    timeoutMs: 5000,
    retryAfterCapMs: 120_000,
    quickRetryDelaysMs: [100, 200],
    ...options,
  });
}

/** Milliseconds from the first recorded request to each request. */
function requestOffsets(): number[] {
  const first = server.requests[0]?.at ?? 0;
  return server.requests.map((request) => request.at - first);
}

describe("resolveEmbeddingsUrl", () => {
  it.each([
    ["http://127.0.0.1:11434", "http://127.0.0.1:11434/v1/embeddings"],
    ["http://127.0.0.1:11434/", "http://127.0.0.1:11434/v1/embeddings"],
    ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/embeddings"],
    ["http://127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1/embeddings"],
    ["https://example.com/api/embeddings", "https://example.com/api/embeddings"],
    ["https://example.com/proxy", "https://example.com/proxy/v1/embeddings"],
  ])("resolves %s", (base, expected) => {
    expect(resolveEmbeddingsUrl(base)).toBe(expected);
  });

  it("rejects other schemes and credentials", () => {
    expect(() => resolveEmbeddingsUrl("ftp://127.0.0.1/")).toThrow(/Invalid --embed-url "ftp/);
    expect(() => resolveEmbeddingsUrl("not a url")).toThrow(/Invalid --embed-url "not a url"/);
    expect(() => resolveEmbeddingsUrl("http://user:secret@127.0.0.1/")).toThrow(/WPLLMSEO_EMBED_API_KEY/);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-04T18:00:00Z");

  it("reads seconds", () => {
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP-date", () => {
    expect(parseRetryAfter("Fri, 04 Dec 2026 18:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Fri, 04 Dec 2026 17:59:00 GMT", now)).toBe(0);
  });

  it("returns null for missing or invalid values", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter("1.5", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
  });
});

describe("parseEmbeddingResponse", () => {
  const vector = [0.5, 0.5];

  it("maps data back by index", () => {
    const vectors = parseEmbeddingResponse({ data: [{ index: 1, embedding: [1, 0] }, { index: 0, embedding: [0, 1] }] }, 2, 2);
    expect(Array.from(vectors[0] as Float32Array)).toEqual([0, 1]);
    expect(Array.from(vectors[1] as Float32Array)).toEqual([1, 0]);
  });

  it.each([
    ["no data array", { object: "list" }, 1, /no "data" array/],
    ["too few embeddings", { data: [] }, 1, /0 embeddings for 1 inputs/],
    ["a duplicate index", { data: [{ index: 0, embedding: vector }, { index: 0, embedding: vector }] }, 2, /index 0 appears twice/],
    ["an index out of range", { data: [{ index: 1, embedding: vector }] }, 1, /index 1 is not a whole number from 0 to 0/],
    ["a missing index field", { data: [{ embedding: vector }] }, 1, /index undefined/],
    ["a wrong dimension", { data: [{ index: 0, embedding: [1, 2, 3] }] }, 1, /3 values, expected 2: set --embed-dim/],
    ["a string value", { data: [{ index: 0, embedding: [1, "2"] }] }, 1, /not a finite float32/],
    ["a null value", { data: [{ index: 0, embedding: [1, null] }] }, 1, /not a finite float32/],
    ["a value beyond float32", { data: [{ index: 0, embedding: [1, 1e39] }] }, 1, /not a finite float32/],
  ])("rejects %s", (_name, body, count, message) => {
    expect(() => parseEmbeddingResponse(body, count, 2)).toThrow(message);
  });
});

describe("OpenAiEmbeddingClient", () => {
  it("posts model and inputs with the Bearer key", async () => {
    const client = createClient({ apiKey: "sk-test-client-key" });
    const vectors = await client.embed(["alpha beta", "gamma"]);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.path).toBe("/v1/embeddings");
    expect(request?.headers.authorization).toBe("Bearer sk-test-client-key");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.model).toBe("mock-embed");
    expect(request?.input).toEqual(["alpha beta", "gamma"]);
    expect(Array.from(vectors[0] as Float32Array)).toEqual(Array.from(Float32Array.from(mockEmbedding("alpha beta", DIM))));
    expect(Array.from(vectors[1] as Float32Array)).toEqual(Array.from(Float32Array.from(mockEmbedding("gamma", DIM))));
  });

  it("sends no Authorization header without a key", async () => {
    await createClient().embed(["alpha"]);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("honours Retry-After: 7 twice", { timeout: 30_000 }, async () => {
    const limited = { status: 429, headers: { "retry-after": "7" }, body: errorBody("Rate limit reached") };
    server.script.push(limited, limited);
    const vectors = await createClient().embed(["alpha"]);
    expect(vectors).toHaveLength(1);
    const offsets = requestOffsets();
    expect(offsets).toHaveLength(3);
    expect(offsets[1]).toBeGreaterThanOrEqual(7000);
    expect(offsets[1]).toBeLessThan(8500);
    expect(offsets[2]).toBeGreaterThanOrEqual(14_000);
    expect(offsets[2]).toBeLessThan(16_000);
  });

  it("honours a Retry-After HTTP-date on 503", { timeout: 15_000 }, async () => {
    // HTTP-dates have whole seconds: the next whole second plus 2 s is 2-3 s away.
    const at = new Date((Math.floor(Date.now() / 1000) + 3) * 1000);
    server.script.push({ status: 503, headers: { "retry-after": at.toUTCString() }, body: "overloaded" });
    await createClient().embed(["alpha"]);
    const offsets = requestOffsets();
    expect(offsets).toHaveLength(2);
    expect(offsets[1]).toBeGreaterThanOrEqual(1900);
    expect(offsets[1]).toBeLessThan(3500);
  });

  it("fails at once when Retry-After exceeds the cap", async () => {
    server.script.push({ status: 429, headers: { "retry-after": "999" }, body: errorBody("slow down") });
    const started = performance.now();
    const error = await createClient({ retryAfterCapMs: 120_000 }).embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/HTTP 429: slow down; the server requested a retry after 999000 ms, which would exceed the 120000 ms wait cap/);
    expect(server.requests).toHaveLength(1);
  });

  it("fails when the Retry-After waits add up past the cap", { timeout: 15_000 }, async () => {
    const limited = { status: 429, headers: { "retry-after": "1" }, body: errorBody("busy") };
    server.script.push(limited, limited, limited);
    const started = performance.now();
    const error = await createClient({ retryAfterCapMs: 1500 }).embed(["alpha"]).catch((thrown: unknown) => thrown);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/1500 ms wait cap/);
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(2500);
  });

  it("retries 5xx quickly, then fails", async () => {
    server.responder = () => ({ status: 500, body: errorBody("internal error") });
    const error = await createClient().embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/HTTP 500: internal error \(after 3 requests\)/);
    const offsets = requestOffsets();
    expect(offsets).toHaveLength(3);
    expect((offsets[1] as number) - (offsets[0] as number)).toBeGreaterThanOrEqual(95);
    expect((offsets[2] as number) - (offsets[1] as number)).toBeGreaterThanOrEqual(195);
  });

  it("redacts the key from a body that is not JSON", async () => {
    const key = "sk-test-echo-key";
    server.script.push({ status: 200, body: `bad request from Bearer ${key} key=${key}` });
    const error = await createClient({ apiKey: key }).embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/not JSON/);
    expect((error as Error).message).toContain("[redacted]");
    expect((error as Error).message).not.toContain(key);
  });

  it("stops reading a body over the size limit", async () => {
    const flood = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, "1,");
      let sent = 0;
      const write = () => {
        while (sent < MAX_RESPONSE_BYTES / chunk.length + 8) {
          sent++;
          if (!response.write(chunk)) return void response.once("drain", write);
        }
        response.end();
      };
      write();
    });
    await new Promise<void>((resolve) => flood.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = flood.address() as AddressInfo;
      const client = createClient({ url: `http://127.0.0.1:${port}/v1/embeddings` });
      const error = await client.embed(["alpha"]).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(EmbeddingApiError);
      expect((error as Error).message).toMatch(new RegExp(`more than ${MAX_RESPONSE_BYTES} bytes`));
    } finally {
      flood.closeAllConnections();
      await new Promise((resolve) => flood.close(resolve));
    }
  });

  it("retries 429 without Retry-After quickly", async () => {
    server.script.push({ status: 429, body: errorBody("busy") });
    await createClient().embed(["alpha"]);
    expect(server.requests).toHaveLength(2);
  });

  it("retries a request that timed out", async () => {
    server.script.push({ status: 200, body: { data: [] }, delayMs: 3000 });
    const started = performance.now();
    const vectors = await createClient({ timeoutMs: 300 }).embed(["alpha"]);
    const elapsed = performance.now() - started;
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2000);
  });

  it("fails after every try timed out", async () => {
    server.responder = () => ({ status: 200, body: { data: [] }, delayMs: 3000 });
    const error = await createClient({ timeoutMs: 200 }).embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/timed out after 200 ms \(--embed-timeout-ms\) \(after 3 requests\)/);
    expect(server.requests).toHaveLength(3);
  });

  it("retries a refused connection, then fails", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = createClient({ url: `http://127.0.0.1:${port}/v1/embeddings` });
    const started = performance.now();
    const error = await client.embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/failed: fetch failed: .*ECONNREFUSED.*\(after 3 requests\)/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("raises EmbeddingRejectedError on 400 without retrying", async () => {
    const message = "This model's maximum context length is 8192 tokens, however you requested 9000 tokens.";
    server.script.push({ status: 400, body: errorBody(message) });
    const error = await createClient().embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingRejectedError);
    expect((error as EmbeddingRejectedError).status).toBe(400);
    expect((error as EmbeddingRejectedError).serverMessage).toBe(message);
    expect((error as EmbeddingRejectedError).isContextLength).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("fails on 401 without retrying or showing the key", async () => {
    server.script.push({ status: 401, body: errorBody("Incorrect API key provided: sk-test-401-key") });
    const error = await createClient({ apiKey: "sk-test-401-key" }).embed(["alpha"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/HTTP 401: Incorrect API key provided: \[redacted\]/);
    expect((error as Error).message).not.toContain("sk-test-401-key");
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ["NaN in the body", '{"data":[{"index":0,"embedding":[NaN,0,0,0,0,0,0,0]}]}', /not JSON/],
    ["a wrong dimension", JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }] }), /2 values, expected 8/],
    ["a missing index", JSON.stringify({ data: [{ index: 1, embedding: mockEmbedding("a", DIM) }, { index: 1, embedding: mockEmbedding("b", DIM) }] }), /index 1 appears twice/],
  ])("rejects a response with %s", async (_name, body, message) => {
    server.script.push({ status: 200, body });
    const count = body.includes('"index":1') ? 2 : 1;
    const error = await createClient().embed(count === 2 ? ["a", "b"] : ["a"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it("stops waiting when closed", async () => {
    server.script.push({ status: 429, headers: { "retry-after": "60" }, body: errorBody("busy") });
    const client = createClient();
    const pending = client.embed(["alpha"]).catch((thrown: unknown) => thrown);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    client.close();
    const error = await pending;
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(EmbeddingApiError);
    expect((error as Error).message).toMatch(/client was closed/);
  });
});

describe("EmbeddingBatcher", () => {
  it("splits inputs into requests of the batch size", async () => {
    const batcher = new EmbeddingBatcher(createClient(), 4);
    const inputs = Array.from({ length: 10 }, (_, index) => `word${index}`);
    const vectors = await Promise.all(inputs.map((input) => batcher.embed(input)));
    expect(server.requests.map((request) => request.input.length)).toEqual([4, 4, 2]);
    expect(server.requests.flatMap((request) => request.input)).toEqual(inputs);
    vectors.forEach((vector, index) => {
      expect(Array.from(vector)).toEqual(Array.from(Float32Array.from(mockEmbedding(inputs[index] as string, DIM))));
    });
  });

  it("bisects a rejected request to the bad input", async () => {
    server.responder = (request) =>
      request.input.includes("poison") ? { status: 400, body: errorBody("input contains a forbidden token") } : undefined;
    const batcher = new EmbeddingBatcher(createClient(), 64);
    const inputs = ["one", "two", "three", "poison", "five", "six", "seven", "eight"];
    const results = await Promise.allSettled(inputs.map((input) => batcher.embed(input)));

    expect(server.requests.map((request) => request.input.length)).toEqual([8, 4, 2, 2, 1, 1, 4]);
    results.forEach((result, index) => {
      if (inputs[index] === "poison") {
        expect(result.status).toBe("rejected");
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(EmbeddingRejectedError);
      } else {
        expect(result.status).toBe("fulfilled");
        const vector = (result as PromiseFulfilledResult<Float32Array>).value;
        expect(Array.from(vector)).toEqual(Array.from(Float32Array.from(mockEmbedding(inputs[index] as string, DIM))));
      }
    });
  });

  it("fails every input of a request that failed otherwise", async () => {
    server.responder = () => ({ status: 404, body: errorBody("model not found") });
    const batcher = new EmbeddingBatcher(createClient(), 64);
    const results = await Promise.allSettled(["a", "b", "c"].map((input) => batcher.embed(input)));
    expect(server.requests).toHaveLength(1);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(EmbeddingApiError);
    }
  });
});
