/** `GET /search` and `GET /health`. */
import type { FastifyInstance } from "fastify";

import type { Engine } from "../engine.js";
import { NO_QUERY_TOKENS_HINT } from "../search/search.js";
import { MAX_K } from "../search/search-request.js";
import { readSchemaVersion, SCHEMA_VERSION } from "../store/migrate.js";
import { HttpError } from "./errors.js";
import type { HttpMetrics, SearchOutcome } from "./metrics.js";
import type { RateLimiter } from "./rate-limit.js";

/** Maximum query length over HTTP, in characters (the engine accepts 1000). */
export const MAX_HTTP_QUERY_CHARS = 512;

interface SearchQuery {
  q: string;
  k?: number;
  explain?: boolean;
}

const SEARCH_SCHEMA = {
  querystring: {
    type: "object",
    required: ["q"],
    properties: {
      q: { type: "string", minLength: 1, maxLength: MAX_HTTP_QUERY_CHARS },
      k: { type: "integer", minimum: 1, maximum: MAX_K },
      explain: { type: "boolean" },
    },
  },
} as const;

function outcomeOf(status: number): SearchOutcome {
  if (status < 400) return "ok";
  if (status === 429) return "rate_limited";
  return status < 500 ? "invalid" : "error";
}

export function registerSearchRoutes(app: FastifyInstance, engine: Engine, limiter: RateLimiter, metrics: HttpMetrics): void {
  app.get("/search", {
    schema: SEARCH_SCHEMA,
    onRequest: async (request, reply) => {
      const decision = limiter.take(request.ip);
      if (!decision.allowed) {
        reply.header("Retry-After", String(decision.retryAfterSeconds));
        throw new HttpError(429, "RATE_LIMITED", `Too many searches from ${request.ip}: wait ${decision.retryAfterSeconds} s and send fewer requests per second.`);
      }
    },
    onResponse: async (_request, reply) => {
      metrics.observeSearch(outcomeOf(reply.statusCode), reply.elapsedTime / 1000);
    },
    handler: async (request) => {
      const { q, k, explain } = request.query as SearchQuery;
      const { results, stats } = await engine.searcher.search({ query: q, k });
      const shown = explain ? results : results.map(({ explain: _explain, ...result }) => result);
      return { query: q, results: shown, stats, ...(stats.queryTokens === 0 ? { hint: NO_QUERY_TOKENS_HINT } : {}) };
    },
  });

  app.get("/health", async (_request, reply) => {
    const database = await checkDatabases(engine);
    const ready = database === "ok";
    return reply.code(ready ? 200 : 503).send({
      status: ready ? "ok" : "unavailable",
      database,
      kernels: engine.kernels.flavor,
      threads: engine.pool.threads,
    });
  });
}

/** Returns "ok" when each database is reachable and has the current schema, else what is wrong. */
async function checkDatabases(engine: Engine): Promise<string> {
  const databases = engine.readDb === engine.db ? [engine.db] : [engine.db, engine.readDb];
  for (const db of databases) {
    try {
      const version = await readSchemaVersion(db);
      if (version !== SCHEMA_VERSION) {
        return version === null ? "no schema" : `schema ${version}, expected ${SCHEMA_VERSION}`;
      }
    } catch (error) {
      engine.log.warn({ err: error, db: db.displayUrl }, "health check: database unreachable");
      return "unreachable";
    }
  }
  return "ok";
}
