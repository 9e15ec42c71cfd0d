/**
 * The HTTP API on fastify: search, health, Prometheus metrics, the admin
 * endpoints under /api and the dashboard at `/`. Request fields are checked
 * against JSON schemas, and every error is JSON `{ error: { code, message,
 * field? } }` (see errors.ts).
 */
import type { Duplex } from "node:stream";

import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";

import type { Engine } from "../engine.js";
import { countCharacters, SearchRequestError } from "../search/search-request.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { AdminToken } from "./admin-token.js";
import { DASHBOARD_CSP, loadDashboardFiles } from "./dashboard-files.js";
import { errorBody, FIELD_HINTS, HttpError } from "./errors.js";
import { createHttpMetrics } from "./metrics.js";
import { RateLimiter } from "./rate-limit.js";
import { checkQueryString } from "./request-checks.js";
import { registerSearchRoutes } from "./search-routes.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token of the admin endpoints; undefined or empty disables them. */
  adminToken?: string;
  /** Searches per second per client IP; 0 turns the limit off. Default 20. */
  searchRatePerSecond?: number;
  /** Searches a client may send at once after being idle. Default 40. */
  searchBurst?: number;
  /** Maximum request body size in bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Time to receive a whole request, in ms. Default 30000. */
  requestTimeoutMs?: number;
}

export const DEFAULT_SEARCH_RATE_PER_SECOND = 20;
export const DEFAULT_SEARCH_BURST = 40;
export const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Time after the request timeout at which an idle socket is closed without a response. */
const CONNECTION_TIMEOUT_MARGIN_MS = 5_000;

/** Methods of each fixed path, for the Allow header of a 405 response. */
const ROUTE_METHODS: Record<string, string> = {
  "/": "GET, HEAD",
  "/search": "GET, HEAD",
  "/health": "GET, HEAD",
  "/metrics": "GET, HEAD",
  "/api/queue": "GET, HEAD",
  "/api/queue/history": "GET, HEAD",
  "/api/dead-letter": "GET, HEAD",
  "/api/posts": "POST",
};

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": DASHBOARD_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * Responds to a request that Node's HTTP parser rejected before fastify saw it,
 * such as a request line and headers over Node's 16 KiB limit, with the
 * API's error body, and closes the connection.
 */
function rejectMalformedRequest(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, reason, body] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", errorBody("HEADERS_TOO_LARGE", "The request line and headers are over 16 KiB: send a shorter query string (q takes 1 to 512 characters).")]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", errorBody("REQUEST_TIMEOUT", "The request was not received in time: send the whole request at once.")]
        : [400, "Bad Request", errorBody("MALFORMED_REQUEST", `The request is not valid HTTP/1.1 (${error.code ?? error.message}): check the client.`)];
  // The error's rawPacket can be kilobytes of the request, so only its code goes to the log.
  this.log.info({ code: error.code, status }, "rejected a request that is not valid HTTP");
  if (socket.writable) {
    const text = JSON.stringify(body);
    const headers = {
      ...SECURITY_HEADERS,
      "Cache-Control": "no-store",
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      Connection: "close",
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
    socket.write(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n${text}`);
  }
  socket.destroy(error);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Resolves when every promise has settled or after `ms`, whichever comes first. */
async function settleWithin(promises: readonly PromiseLike<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.allSettled(promises), deadline]);
  clearTimeout(timer);
}

/** Builds the fastify app without listening; `startHttpServer` listens. */
export async function buildHttpApp(engine: Engine, options: Partial<HttpOptions> = {}): Promise<FastifyInstance> {
  const adminToken = new AdminToken(options.adminToken);
  const limiter = new RateLimiter({
    ratePerSecond: options.searchRatePerSecond ?? DEFAULT_SEARCH_RATE_PER_SECOND,
    burst: options.searchBurst ?? DEFAULT_SEARCH_BURST,
  });
  const dashboard = loadDashboardFiles();
  const metrics = createHttpMetrics(engine);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  const app = Fastify({
    // pino 10's Logger has fields that fastify's logger type lacks; fastify 5 accepts pino 9 and 10.
    loggerInstance: engine.log as FastifyBaseLogger,
    // The onResponse hook below logs one line per request instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Node responds to an incomplete request with 408 at requestTimeout,
    // checked every connectionsCheckingInterval. The socket's idle timeout
    // comes later, so it does not close the connection before that response.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs + CONNECTION_TIMEOUT_MARGIN_MS,
    http: { connectionsCheckingInterval: Math.min(1000, requestTimeoutMs), requireHostHeader: false },
    return503OnClosing: true,
    forceCloseConnections: "idle",
    clientErrorHandler: rejectMalformedRequest,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });

  // A handler whose client has gone keeps running, and Node's server does
  // not wait for it, so close() waits for the handlers still running (up to
  // the request timeout) before the caller closes the engine under them.
  const running = new Set<PromiseLike<unknown>>();
  app.addHook("onRoute", (route) => {
    const handler = route.handler;
    route.handler = function trackedHandler(this: FastifyInstance, request, reply) {
      const result: unknown = handler.call(this, request, reply);
      if (isPromiseLike(result)) {
        running.add(result);
        const forget = () => running.delete(result);
        result.then(forget, forget);
      }
      return result;
    };
  });
  app.addHook("onClose", async () => {
    if (running.size === 0) return;
    engine.log.info({ requests: running.size }, "waiting for request handlers still running");
    await settleWithin([...running], requestTimeoutMs);
  });

  // Every body is JSON, so any other Content-Type gets a 415.
  app.removeContentTypeParser("text/plain");
  app.addHook("onRequest", async (request) => {
    // Node's own check would respond 400 with an empty body, so it is off
    // (requireHostHeader) and this one sends the API's error body.
    if (request.raw.httpVersion === "1.1" && request.headers.host === undefined) {
      throw new HttpError(400, "MISSING_HOST", "The HTTP/1.1 request has no Host header: add one, such as Host: 127.0.0.1.");
    }
    checkQueryString(request.raw.url ?? "/");
  });
  // While the server closes, each response ends its keep-alive connection,
  // so that close() is not left waiting for idle clients.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    if (closing) reply.header("Connection", "close");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!reply.hasHeader("cache-control")) reply.header("Cache-Control", "no-store");
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    const path = request.routeOptions.url ?? request.url.split("?")[0];
    const ms = Number(reply.elapsedTime.toFixed(2));
    request.log.info({ method: request.method, path, status: reply.statusCode, ms }, "request");
  });

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const allow = ROUTE_METHODS[path];
    if (allow !== undefined) {
      void reply.code(405).header("Allow", allow).send(errorBody("METHOD_NOT_ALLOWED", `Method ${request.method} is not allowed on ${path}: use ${allow}.`));
      return;
    }
    void reply.code(404).send(errorBody("NOT_FOUND", `No route ${request.method} ${path}: see docs/HTTP.md for the endpoints.`));
  });

  for (const [urlPath, file] of dashboard) {
    app.get(urlPath, async (_request, reply) => reply.type(file.contentType).header("Cache-Control", "no-cache").send(file.body));
  }
  registerSearchRoutes(app, engine, limiter, metrics);
  registerAdminRoutes(app, engine, adminToken, metrics);
  app.get("/metrics", async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  await app.ready();
  return app;
}

/** Builds the app and listens. Rejects with the fix when the port is taken or the host is not an address of this machine. */
export async function startHttpServer(engine: Engine, options: HttpOptions): Promise<FastifyInstance> {
  const app = await buildHttpApp(engine, options);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new Error(`Port ${options.port} on ${options.host} is already in use: stop the other server or pick another --port.`, { cause: error });
    }
    if (code === "ENOTFOUND" || code === "EADDRNOTAVAIL" || code === "EAI_AGAIN") {
      throw new Error(
        `Cannot listen on host ${JSON.stringify(options.host)} (${code}): pass --host with an address of this machine, such as 127.0.0.1 or 0.0.0.0.`,
        { cause: error },
      );
    }
    throw error;
  }
  return app;
}

/** Returns the URL the app listens on, such as http://127.0.0.1:8080. */
export function listenUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === "string") return String(address);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Status and code of fastify's own 4xx errors, with messages that show no request data. */
const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "PAYLOAD_TOO_LARGE", "The request body is larger than the server's limit: send at most 1 MiB."],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Content-Type: send application/json."],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "INVALID_JSON", "Empty JSON body: send a JSON object."],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "INVALID_JSON", "The body is not valid JSON: send a JSON object."],
  FST_ERR_BAD_URL: [400, "INVALID_REQUEST", "The URL is malformed: percent-encode it as UTF-8."],
};

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HttpError) {
    if (error.statusCode === 401) reply.header("WWW-Authenticate", 'Bearer realm="wpllmseo"');
    return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.field));
  }
  if (error instanceof SearchRequestError) {
    const field = error.field === "query" ? "q" : error.field;
    return reply.code(400).send(errorBody("INVALID_REQUEST", error.message, field));
  }
  if (error.validation) {
    return reply.code(400).send(describeValidationError(error, request));
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    const [status, code, message] = FASTIFY_ERRORS["FST_ERR_CTP_INVALID_JSON_BODY"] as [number, string, string];
    return reply.code(status).send(errorBody(code, message, "body"));
  }
  const known = FASTIFY_ERRORS[error.code];
  if (known) {
    const [status, code, message] = known;
    return reply.code(status).send(errorBody(code, message, status === 400 || status === 413 ? "body" : undefined));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.code(status).send(errorBody("INVALID_REQUEST", `The request was rejected (${error.code ?? status}).`));
  }
  request.log.error({ err: error }, "request failed");
  return reply.code(500).send(errorBody("INTERNAL", "The request failed on the server; see the server log."));
}

/** Names the first field that failed its schema, with its value and what to send. */
function describeValidationError(error: FastifyError, request: FastifyRequest) {
  const first = error.validation?.[0];
  const params = (first?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const field = params.missingProperty ?? params.additionalProperty ?? first?.instancePath.replace(/^\//, "").split("/")[0] ?? "";
  const location = error.validationContext ?? "request";
  const requestProperty = location === "querystring" ? "query" : location;
  if (params.missingProperty) {
    return errorBody("INVALID_REQUEST", `Missing ${location} field ${JSON.stringify(field)}: ${FIELD_HINTS[field] ?? "add it"}.`, field);
  }
  if (params.additionalProperty) {
    return errorBody("INVALID_REQUEST", `Unknown ${location} field ${JSON.stringify(field)}: remove it.`, field);
  }
  const source = (request as unknown as Record<string, unknown>)[requestProperty] as Record<string, unknown> | undefined;
  const value = source?.[field];
  const shown = typeof value === "string" && value.length > 40 ? `of ${countCharacters(value)} characters` : JSON.stringify(value);
  return errorBody("INVALID_REQUEST", `Invalid ${field} ${shown}: ${FIELD_HINTS[field] ?? first?.message ?? "check the value"}.`, field);
}
