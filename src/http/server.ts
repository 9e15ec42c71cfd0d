/**
 * The HTTP API: `GET /search?q=&k=` and `GET /health`, JSON in and out.
 *
 * Errors are JSON `{ error: { code, message, field? } }`; a 5xx body never
 * carries a stack trace or SQL, which go to the log instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import type { Engine } from "../engine.js";
import { SearchRequestError } from "../search/search-request.js";
import { readSchemaVersion, SCHEMA_VERSION } from "../store/migrate.js";

export interface HttpOptions {
  host: string;
  port: number;
}

export async function startHttpServer(engine: Engine, options: HttpOptions): Promise<Server> {
  const server = createServer((request, response) => {
    void handleRequest(engine, request, response);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new Error(`Port ${options.port} on ${options.host} is already in use: stop the other server or pick another --port.`, { cause: error }));
      } else reject(error);
    });
    server.listen(options.port, options.host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  return server;
}

async function handleRequest(engine: Engine, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(request.url ?? "/", "http://localhost");
  const log = engine.log.child({ method: request.method, path: url.pathname });
  try {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      sendError(response, 405, "METHOD_NOT_ALLOWED", `Method ${request.method} is not allowed: use GET.`);
    } else if (url.pathname === "/search") {
      await handleSearch(engine, url, response);
    } else if (url.pathname === "/health") {
      await handleHealth(engine, response);
    } else {
      sendError(response, 404, "NOT_FOUND", `No route ${url.pathname}: use /search?q=... or /health.`);
    }
  } catch (error) {
    if (error instanceof SearchRequestError) {
      sendError(response, 400, "INVALID_REQUEST", error.message, error.field === "query" ? "q" : error.field);
    } else {
      log.error({ err: error }, "request failed");
      sendError(response, 500, "INTERNAL", "The request failed on the server; see the server log.");
    }
  }
  log.info({ status: response.statusCode, ms: Number((performance.now() - started).toFixed(2)) }, "request");
}

async function handleSearch(engine: Engine, url: URL, response: ServerResponse): Promise<void> {
  const query = url.searchParams.get("q") ?? "";
  const kText = url.searchParams.get("k");
  let k: number | undefined;
  if (kText !== null) {
    k = /^\d{1,6}$/.test(kText) ? Number(kText) : Number.NaN;
    if (Number.isNaN(k)) throw new SearchRequestError("k", `Invalid k ${JSON.stringify(kText)}: use a whole number from 1 to 100.`);
  }
  const { results, stats } = await engine.searcher.search({ query, k });
  sendJson(response, 200, { query, results, stats });
}

/** Reports ready only when each database is reachable and has the current schema. */
async function handleHealth(engine: Engine, response: ServerResponse): Promise<void> {
  let database = "ok";
  const databases = engine.readDb === engine.db ? [engine.db] : [engine.db, engine.readDb];
  for (const db of databases) {
    try {
      const version = await readSchemaVersion(db);
      if (version !== SCHEMA_VERSION) {
        database = version === null ? "no schema" : `schema ${version}, expected ${SCHEMA_VERSION}`;
      }
    } catch (error) {
      database = "unreachable";
      engine.log.warn({ err: error, db: db.displayUrl }, "health check: database unreachable");
    }
  }
  const body = { status: database === "ok" ? "ok" : "unavailable", database, kernels: engine.kernels.flavor, threads: engine.pool.threads };
  sendJson(response, database === "ok" ? 200 : 503, body);
}

function sendError(response: ServerResponse, status: number, code: string, message: string, field?: string): void {
  sendJson(response, status, { error: { code, message, ...(field ? { field } : {}) } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  response.end(text);
}
