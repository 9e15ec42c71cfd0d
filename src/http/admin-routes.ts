/**
 * The admin endpoints under /api: queue status, dead letters, and adding,
 * updating and deleting posts. Each needs `Authorization: Bearer <token>`,
 * checked before the body is read.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";

import type { Engine } from "../engine.js";
import { deletePost } from "../indexer/delete-post.js";
import { listDeadLetters, retryDeadLetters } from "../queue/dead-letters.js";
import { readMinuteBuckets, readQueueStatus } from "../queue/read-queue-status.js";
import { importPost } from "../sources/import-posts.js";
import type { AdminToken } from "./admin-token.js";
import { FIELD_HINTS, HttpError } from "./errors.js";
import type { HttpMetrics } from "./metrics.js";
import { ID_PATTERN, isStorableId } from "./request-checks.js";

const ID_PARAMS = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: ID_PATTERN } },
} as const;

const LIST_QUERY = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 50 },
    offset: { type: "integer", minimum: 0, maximum: 1_000_000_000, default: 0 },
  },
} as const;

const POST_BODY = {
  type: "object",
  required: ["url", "title", "content"],
  additionalProperties: false,
  properties: {
    source: { type: "string", minLength: 1, maxLength: 2048 },
    url: { type: "string", maxLength: 2048, pattern: "^https?://[^\\s]+$" },
    title: { type: "string", minLength: 1, maxLength: 1000 },
    content: { type: "string", minLength: 1, maxLength: 1_000_000 },
  },
} as const;

/**
 * Rejects a body field that is not a string before the schema runs, because
 * fastify's Ajv coerces types (a title of 42 would be stored as "42").
 */
async function requireStringFields(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_REQUEST", "The body must be a JSON object with url, title and content.", "body");
  }
  for (const [field, value] of Object.entries(body)) {
    if (field in POST_BODY.properties && typeof value !== "string") {
      throw new HttpError(400, "INVALID_REQUEST", `Invalid ${field} of type ${value === null ? "null" : typeof value}: ${FIELD_HINTS[field] ?? "send a string"}.`, field);
    }
  }
}

interface PostBody {
  source?: string;
  url: string;
  title: string;
  content: string;
}

function requireAdmin(token: AdminToken) {
  return async (request: FastifyRequest): Promise<void> => {
    const result = token.check(request.headers.authorization);
    if (result === "ok") return;
    if (result === "disabled") {
      throw new HttpError(403, "ADMIN_DISABLED", "The admin endpoints are disabled: start the server with WPLLMSEO_ADMIN_TOKEN set to enable them.");
    }
    request.log.warn({ ip: request.ip, path: request.routeOptions.url, reason: result }, "admin request rejected");
    const problem = result === "missing" ? "Missing bearer token" : "Invalid bearer token";
    throw new HttpError(401, "UNAUTHORIZED", `${problem}: send the header Authorization: Bearer <WPLLMSEO_ADMIN_TOKEN>.`);
  };
}

export function registerAdminRoutes(app: FastifyInstance, engine: Engine, token: AdminToken, metrics: HttpMetrics): void {
  const onRequest = requireAdmin(token);
  const { db } = engine;

  app.get("/api/queue", { onRequest }, async () => readQueueStatus(db));

  app.get("/api/queue/history", { onRequest }, async () => ({ minutes: await readMinuteBuckets(db, 60) }));

  app.get("/api/dead-letter", { onRequest, schema: { querystring: LIST_QUERY } }, async (request) => {
    const { limit, offset } = request.query as { limit: number; offset: number };
    return { deadLetters: await listDeadLetters(db, { limit, offset }) };
  });

  app.post("/api/dead-letter/:id/retry", { onRequest, schema: { params: ID_PARAMS } }, async (request) => {
    const { id } = request.params as { id: string };
    const result = isStorableId(id, db.dialect) ? await retryDeadLetters(db, { ids: [id] }) : null;
    if (result === null || result.notFound > 0) {
      metrics.countDeadLetterRetry("not_found");
      throw new HttpError(404, "NOT_FOUND", `No dead letter with id ${id}: list them with GET /api/dead-letter.`, "id");
    }
    metrics.countDeadLetterRetry(result.retried > 0 ? "retried" : "duplicate");
    request.log.info({ deadLetterId: id, ...result }, "dead letter retried");
    return { id, retried: result.retried > 0, skippedAsDuplicate: result.skippedAsDuplicate > 0 };
  });

  app.post("/api/posts", { onRequest, preValidation: requireStringFields, schema: { body: POST_BODY } }, async (request, reply) => {
    const body = request.body as PostBody;
    const post = { source: body.source ?? body.url, url: body.url, title: body.title, content: body.content };
    const result = await importPost(db, post);
    metrics.countPostWrite(result.outcome);
    request.log.info({ postId: result.postId, outcome: result.outcome }, "post stored");
    return reply.code(result.outcome === "added" ? 201 : 200).send({ id: result.postId, outcome: result.outcome, enqueued: result.outcome !== "unchanged" });
  });

  app.delete("/api/posts/:id", { onRequest, schema: { params: ID_PARAMS } }, async (request) => {
    const { id } = request.params as { id: string };
    const deleted = isStorableId(id, db.dialect) && (await deletePost(db, id));
    if (!deleted) throw new HttpError(404, "NOT_FOUND", `No post with id ${id}.`, "id");
    metrics.countPostWrite("deleted");
    request.log.info({ postId: id }, "post deleted");
    return { id, deleted: true };
  });
}
