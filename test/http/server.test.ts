import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { startHttpServer } from "../../src/http/server.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { Worker } from "../../src/queue/worker.js";
import { importPost } from "../../src/sources/import-posts.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";

const [sqlite] = await loadDialectTargets();
const silent = pino({ level: "silent" });

let database: TestDatabase;
let engine: Engine;
let server: Server;
let base: string;

beforeAll(async () => {
  database = await (sqlite ?? { createDatabase: () => Promise.reject(new Error("no SQLite target")) }).createDatabase();
  engine = await openEngine({ dbUrl: database.url, prefix: "wp_", log: silent, threads: 1, createSchema: true });
  await importPost(engine.db, { source: "kiln", title: "Pottery kilns", url: "https://example.com/kilns", content: "A kiln fires clay pots at high heat." });
  await importPost(engine.db, { source: "loom", title: "Weaving looms", url: "https://example.com/looms", content: "A loom weaves thread into cloth." });
  const worker = new Worker(engine.db, createIndexPostHandler(engine), { jobTypes: [EMBED_POST_JOB], limit: 0, untilEmpty: true, logger: silent });
  await worker.run();
  server = await startHttpServer(engine, { host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await engine?.close();
  await database?.drop();
});

describe("HTTP API", () => {
  it("returns ranked posts for GET /search", async () => {
    const response = await fetch(`${base}/search?q=${encodeURIComponent("clay kiln")}&k=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await response.json()) as { query: string; results: { title: string; url: string; excerpt: string }[] };
    expect(body.query).toBe("clay kiln");
    expect(body.results).toHaveLength(1);
    expect(body.results[0]?.title).toBe("Pottery kilns");
    expect(body.results[0]?.excerpt).toBe("A kiln fires clay pots at high heat.");
  });

  it("reports health", async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok", kernels: "simd", threads: 1 });
  });

  it("rejects bad input with a 400 naming the field", async () => {
    const cases: [string, string][] = [
      ["/search?q=", "q"],
      ["/search", "q"],
      ["/search?q=loom&k=0", "k"],
      ["/search?q=loom&k=1000000000", "k"],
      ["/search?q=loom&k=abc", "k"],
      [`/search?q=${"a".repeat(1001)}`, "q"],
    ];
    for (const [path, field] of cases) {
      const response = await fetch(`${base}${path}`);
      const body = (await response.json()) as { error: { code: string; field: string; message: string } };
      expect(response.status, path).toBe(400);
      expect(body.error.field, path).toBe(field);
      expect(body.error.code, path).toBe("INVALID_REQUEST");
    }
  });

  it("returns 404 and 405 as JSON", async () => {
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const post = await fetch(`${base}/search?q=loom`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("treats SQL in the query as words", async () => {
    const response = await fetch(`${base}/search?q=${encodeURIComponent("loom'; DROP TABLE wp_wpllmseo_posts; --")}`);
    expect(response.status).toBe(200);
    const after = await fetch(`${base}/search?q=loom`);
    const body = (await after.json()) as { results: { title: string }[] };
    expect(body.results[0]?.title).toBe("Weaving looms");
  });
});
