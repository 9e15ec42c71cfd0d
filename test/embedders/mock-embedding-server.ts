/**
 * A local OpenAI-compatible embeddings server for the tests, on 127.0.0.1
 * and a free port. It records every request and responds with the replies
 * a test scripts, else with bag-of-words vectors (`mockEmbedding`) listed in
 * reverse input order, so that clients must map them back by `index`.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockRequest {
  /** performance.now() when the request arrived. */
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  model: string;
  input: string[];
}

export interface MockReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON, or as it is when a string. */
  body?: unknown;
  /** Delay before the response is sent, in ms. */
  delayMs?: number;
}

/** Returns a scripted reply for a request, or undefined for the default reply. */
export type MockResponder = (request: MockRequest) => MockReply | undefined;

export class MockEmbeddingServer {
  readonly requests: MockRequest[] = [];
  /** Replies for the next requests, used once each, in order. */
  readonly script: MockReply[] = [];
  /** Consulted after the script runs out. */
  responder: MockResponder | undefined;
  readonly #server: Server;
  readonly #dim: number;

  private constructor(server: Server, dim: number) {
    this.#server = server;
    this.#dim = dim;
  }

  static async start(dim: number): Promise<MockEmbeddingServer> {
    const server = createServer();
    const mock = new MockEmbeddingServer(server, dim);
    server.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { model: string; input: string[] };
        const recorded: MockRequest = {
          at: performance.now(),
          path: request.url ?? "",
          headers: request.headers,
          model: body.model,
          input: body.input,
        };
        mock.requests.push(recorded);
        const reply = mock.script.shift() ?? mock.responder?.(recorded) ?? mock.defaultReply(recorded);
        const send = () => {
          if (response.destroyed) return;
          response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
          response.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {}));
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return mock;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Builds the reply of a working server: one vector per input, listed last input first. */
  defaultReply(request: MockRequest): MockReply {
    const data = request.input.map((text, index) => ({ object: "embedding", index, embedding: mockEmbedding(text, this.#dim) }));
    return { status: 200, body: { object: "list", model: request.model, data: data.reverse() } };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * Embeds text as a deterministic stand-in for a model: each lowercase word
 * adds 1 at an FNV-1a hash of the word, and the vector is normalized. Texts that share
 * words get a positive cosine.
 */
export function mockEmbedding(text: string, dim: number): number[] {
  const vector = new Array<number>(dim).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193) >>> 0;
    vector[hash % dim] = (vector[hash % dim] as number) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** Builds an OpenAI-style error body. */
export function errorBody(message: string, code: string | null = null): unknown {
  return { error: { message, type: "invalid_request_error", param: null, code } };
}
