import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DB_VERSION_NAME } from "../../src/store/migrate.js";
import { NO_QUERY_TOKENS_HINT } from "../../src/search/search.js";
import { loadDialectTargets } from "../helpers/db.js";
import { startHttpFixture, type HttpFixture } from "./http-fixture.js";

const targets = await loadDialectTargets();

interface ErrorResponse {
  error: { code: string; field?: string; message: string };
}

describe.each(targets)("HTTP API on $label", (target) => {
  let fixture: HttpFixture;

  beforeAll(async () => {
    if (!target.skipReason) fixture = await startHttpFixture(target);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it.skipIf(target.skipReason)("returns ranked posts for GET /search", async () => {
    const response = await fetch(`${fixture.base}/search?q=${encodeURIComponent("clay kiln")}&k=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await response.json()) as { query: string; results: { title: string; url: string; excerpt: string; explain?: unknown }[] };
    expect(body.query).toBe("clay kiln");
    expect(body.results).toHaveLength(1);
    expect(body.results[0]?.title).toBe("Pottery kilns");
    expect(body.results[0]?.excerpt).toBe("A kiln fires clay pots at high heat.");
    expect(body.results[0]?.explain).toBeUndefined();
  });

  it.skipIf(target.skipReason)("adds ranks with explain=true", async () => {
    const response = await fetch(`${fixture.base}/search?q=loom&explain=true`);
    const body = (await response.json()) as { results: { explain?: { lexicalRank: number | null } }[] };
    expect(response.status).toBe(200);
    expect(body.results[0]?.explain?.lexicalRank).toBe(1);
  });

  it.skipIf(target.skipReason)("says why a query of stop words alone found nothing", async () => {
    const response = await fetch(`${fixture.base}/search?q=${encodeURIComponent("the and of")}&explain=true`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { hint?: string; stats: { queryTokens: number } };
    expect(body.stats.queryTokens).toBe(0);
    expect(body.hint).toBe(NO_QUERY_TOKENS_HINT);
    const found = (await (await fetch(`${fixture.base}/search?q=loom`)).json()) as { hint?: string };
    expect(found.hint).toBeUndefined();
  });

  it.skipIf(target.skipReason)("reports health", async () => {
    const response = await fetch(`${fixture.base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok", kernels: "simd", threads: 1 });
  });

  it.skipIf(target.skipReason)("rejects bad input with a 400 naming the field", async () => {
    const cases: [string, string][] = [
      ["/search?q=", "q"],
      ["/search", "q"],
      ["/search?q=%20%20", "q"],
      ["/search?q=loom&k=0", "k"],
      ["/search?q=loom&k=1000000000", "k"],
      ["/search?q=loom&k=1e9", "k"],
      ["/search?q=loom&k=abc", "k"],
      ["/search?q=loom&k=2.5", "k"],
      ["/search?q=loom&explain=maybe", "explain"],
      [`/search?q=${"a".repeat(513)}`, "q"],
      ["/search?q=a&q=b", "q"],
    ];
    for (const [path, field] of cases) {
      const response = await fetch(`${fixture.base}${path}`);
      const body = (await response.json()) as ErrorResponse;
      expect(response.status, path).toBe(400);
      expect(body.error.field, path).toBe(field);
      expect(body.error.code, path).toBe("INVALID_REQUEST");
    }
  });

  it.skipIf(target.skipReason)("names the value and the fix in a 400", async () => {
    const response = await fetch(`${fixture.base}/search?q=loom&k=0`);
    const body = (await response.json()) as ErrorResponse;
    expect(body.error.message).toBe('Invalid k 0: use a whole number from 1 to 100.');
  });

  it.skipIf(target.skipReason)("returns 404 and 405 as JSON", async () => {
    const missing = await fetch(`${fixture.base}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorResponse).error.code).toBe("NOT_FOUND");
    const post = await fetch(`${fixture.base}/search?q=loom`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it.skipIf(target.skipReason)("treats SQL in the query as words", async () => {
    const response = await fetch(`${fixture.base}/search?q=${encodeURIComponent("loom'; DROP TABLE wp_wpllmseo_posts; --")}`);
    expect(response.status).toBe(200);
    const after = await fetch(`${fixture.base}/search?q=loom`);
    const body = (await after.json()) as { results: { title: string }[] };
    expect(body.results[0]?.title).toBe("Weaving looms");
  });

  it.skipIf(target.skipReason)("serves the dashboard with its content types and CSP", async () => {
    const expected: [string, RegExp][] = [
      ["/", /^text\/html; charset=utf-8$/],
      ["/app.js", /^text\/javascript; charset=utf-8$/],
      ["/chart.js", /^text\/javascript; charset=utf-8$/],
      ["/style.css", /^text\/css; charset=utf-8$/],
    ];
    for (const [path, type] of expected) {
      const response = await fetch(`${fixture.base}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toMatch(type);
      expect(response.headers.get("content-security-policy"), path).toContain("script-src 'self'");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
    }
    const html = await (await fetch(`${fixture.base}/`)).text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
  });

  it.skipIf(target.skipReason)("exposes Prometheus metrics", async () => {
    await fetch(`${fixture.base}/search?q=kiln`);
    await fetch(`${fixture.base}/search?q=kiln&k=0`);
    const response = await fetch(`${fixture.base}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text).toMatch(/^wpllmseo_searches_total\{outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^wpllmseo_searches_total\{outcome="invalid"\} [1-9]\d*$/m);
    expect(text).toMatch(/^wpllmseo_search_duration_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^wpllmseo_jobs\{status="completed"\} 2$/m);
    expect(text).toMatch(/^wpllmseo_jobs\{status="queued"\} 0$/m);
    expect(text).toMatch(/^wpllmseo_dead_letters 0$/m);
    expect(text).toMatch(/^wpllmseo_jobs_completed_last_60_minutes 2$/m);
    expect(text).toMatch(/^wpllmseo_pool_threads 1$/m);
    expect(text).toMatch(/^wpllmseo_pool_utilization_ratio [0-9.e-]+$/m);
  });
});

describe.each(targets.filter((target) => target.dialect === "sqlite"))("search rate limit on $label", (target) => {
  let fixture: HttpFixture;

  beforeAll(async () => {
    fixture = await startHttpFixture(target, { searchRatePerSecond: 1, searchBurst: 2 });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("returns 429 with Retry-After after the burst", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 3; index++) {
      const response = await fetch(`${fixture.base}/search?q=kiln`);
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get("retry-after");
        expect(((await response.json()) as ErrorResponse).error.code).toBe("RATE_LIMITED");
      } else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(retryAfter).toBe("1");
    const metrics = await (await fetch(`${fixture.base}/metrics`)).text();
    expect(metrics).toMatch(/^wpllmseo_searches_total\{outcome="rate_limited"\} 1$/m);
  });
});

describe.each(targets.filter((target) => target.dialect === "sqlite"))("health on $label", (target) => {
  let fixture: HttpFixture;

  beforeAll(async () => {
    fixture = await startHttpFixture(target);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("returns 503 on an outdated schema", async () => {
    const { db } = fixture.engine;
    await db.execute(`UPDATE ${db.tables.meta} SET value = '1.1.0' WHERE name = ?`, [DB_VERSION_NAME]);
    const response = await fetch(`${fixture.base}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: "schema 1.1.0, expected 1.2.0", kernels: "simd", threads: 1 });
  });
});

describe.each(targets)("closing the HTTP server on $label", (target) => {
  it.skipIf(target.skipReason)("waits for a search whose client left", async () => {
    const fixture = await startHttpFixture(target);
    const { searcher } = fixture.engine;
    const search = searcher.search.bind(searcher);
    const events: string[] = [];
    searcher.search = async (request) => {
      events.push("search started");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const response = await search(request);
      events.push("search finished");
      return response;
    };
    const client = new AbortController();
    const request = fetch(`${fixture.base}/search?q=kiln`, { signal: client.signal }).catch((error: Error) => error.name);
    while (!events.includes("search started")) await new Promise((resolve) => setTimeout(resolve, 10));
    client.abort();
    expect(await request).toBe("AbortError");
    await fixture.close();
    events.push("closed");
    expect(events).toEqual(["search started", "search finished", "closed"]);
  });
});

