/**
 * Hostile input against a real server: every request below must get its
 * 4xx and leave every table as it was.
 */
import { request } from "node:http";
import { connect } from "node:net";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { loadDialectTargets } from "../helpers/db.js";
import { ADMIN_TOKEN, adminHeaders, bearerHeader, countRows, createDeadLetters, startHttpFixture, type HttpFixture, type RowCounts } from "./http-fixture.js";

const targets = await loadDialectTargets();

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a request with the path exactly as given; fetch would normalize `..` segments. */
function sendRaw(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method: init.method ?? "GET", headers: init.headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    outgoing.on("error", reject);
    outgoing.end(init.body);
  });
}

/** Writes raw bytes to the server and returns the status line's code. */
async function sendBytes(base: string, bytes: Buffer): Promise<number> {
  const text = await exchangeBytes(base, bytes, true);
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}

/**
 * Writes raw bytes to the server, ending the socket's writing side when
 * `end` is true, and returns everything the server sends until it closes.
 */
function exchangeBytes(base: string, bytes: Buffer, end: boolean): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => (end ? socket.end(bytes) : socket.write(bytes)));
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
}

function errorField(response: RawResponse): string | undefined {
  return (JSON.parse(response.body) as { error: { field?: string } }).error.field;
}

describe.each(targets)("hostile requests on $label", (target) => {
  let fixture: HttpFixture;
  let before: RowCounts;

  beforeAll(async () => {
    if (target.skipReason) return;
    fixture = await startHttpFixture(target);
    await createDeadLetters(fixture.engine.db, 1);
  });
  beforeEach(async () => {
    if (fixture) before = await countRows(fixture.engine.db);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const expectUnchanged = async () => {
    expect(await countRows(fixture.engine.db)).toEqual(before);
  };

  it.skipIf(target.skipReason)("rejects bad search parameters", async () => {
    const cases: [string, string][] = [
      [`/search?q=${"x".repeat(10_000)}`, "q"],
      ["/search?q=kiln&k=0", "k"],
      ["/search?q=kiln&k=1e9", "k"],
      ["/search?q=kiln&k=-1", "k"],
      ["/search?q=kiln&k=NaN", "k"],
      ["/search?q=kiln&k=99999999999999999999999", "k"],
      ["/search?q=%C3%28", "q"],
      ["/search?q=%FF", "q"],
      ["/search?q=%ED%A0%80", "q"],
      ["/search?q=%zz", "q"],
      ["/search?q=kiln%", "q"],
    ];
    for (const [path, field] of cases) {
      const response = await sendRaw(fixture.base, path);
      expect(response.status, path).toBe(400);
      expect(errorField(response), path).toBe(field);
      expect(response.body, path).not.toMatch(/SELECT|stack|at .*\.js/i);
    }
    await expectUnchanged();
  });

  it.skipIf(target.skipReason)("rejects a request line over the header limit", async () => {
    const response = await sendRaw(fixture.base, `/search?q=${"x".repeat(100_000)}`);
    expect(response.status).toBe(431);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(response.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("HEADERS_TOO_LARGE");
    expect(body.error.message).toMatch(/q takes 1 to 512 characters/);
    await expectUnchanged();
  });

  it.skipIf(target.skipReason)("rejects raw bytes outside ASCII in q", async () => {
    const head = Buffer.from("GET /search?q=", "latin1");
    const tail = Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "latin1");
    const status = await sendBytes(fixture.base, Buffer.concat([head, Buffer.from([0xc3, 0x28, 0xff]), tail]));
    expect(status).toBe(400);
    await expectUnchanged();
  });

  it.skipIf(target.skipReason)("treats SQL fragments in q as words", async () => {
    const fragments = [
      "' OR '1'='1",
      "kiln'; DELETE FROM wp_wpllmseo_posts; --",
      "\" UNION SELECT id, content FROM wp_wpllmseo_posts --",
      "1) OR 1=1 /*",
      "%' AND SLEEP(5) AND '%'='",
    ];
    for (const fragment of fragments) {
      const response = await sendRaw(fixture.base, `/search?q=${encodeURIComponent(fragment)}`);
      expect(response.status, fragment).toBe(200);
      expect(JSON.parse(response.body).query, fragment).toBe(fragment);
    }
    await expectUnchanged();
  });

  it.skipIf(target.skipReason)("rejects missing and wrong tokens", async () => {
    const body = JSON.stringify({ url: "https://example.com/evil", title: "Evil", content: "Evil" });
    const tokens: (string | undefined)[] = [
      undefined,
      "Bearer",
      "Bearer wrong",
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64")}`,
      ADMIN_TOKEN,
    ];
    const endpoints: [string, string, string | undefined][] = [
      ["GET", "/api/queue", undefined],
      ["GET", "/api/dead-letter", undefined],
      ["POST", "/api/dead-letter/1/retry", undefined],
      ["POST", "/api/posts", body],
      ["DELETE", "/api/posts/1", undefined],
    ];
    for (const authorization of tokens) {
      for (const [method, path, payload] of endpoints) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (authorization !== undefined) headers["authorization"] = authorization;
        const response = await sendRaw(fixture.base, path, { method, headers, body: payload });
        const label = `${method} ${path} with ${authorization ?? "no header"}`;
        expect(response.status, label).toBe(401);
        expect(response.headers["www-authenticate"], label).toBe('Bearer realm="wpllmseo"');
        expect(response.body, label).not.toContain(ADMIN_TOKEN);
      }
    }
    await expectUnchanged();
  });

  it.skipIf(target.skipReason)("rejects invalid post bodies and ids", async () => {
    const post = { url: "https://example.com/p", title: "Title", content: "Content" };
    const bodies: [string, string][] = [
      [JSON.stringify({ ...post, url: "javascript:alert(1)" }), "url"],
      [JSON.stringify({ title: "Title", content: "Content" }), "url"],
      [JSON.stringify({ ...post, content: "" }), "content"],
      [JSON.stringify({ ...post, title: 42 }), "title"],
      [JSON.stringify({ ...post, admin: true }), "admin"],
      ['{"url": "https://example.com/p", "title": "T", "content": "C", "__proto__": {"x": 1}}', "body"],
      ["{not json", "body"],
      [JSON.stringify({ ...post, content: "x".repeat(2_000_000) }), "body"],
    ];
    for (const [payload, field] of bodies) {
      const response = await sendRaw(fixture.base, "/api/posts", { method: "POST", headers: adminHeaders(), body: payload });
      const label = payload.slice(0, 60);
      expect(response.status, label).toBe(payload.length > 1_048_576 ? 413 : 400);
      expect(errorField(response), label).toBe(field);
    }
    const plain = await sendRaw(fixture.base, "/api/posts", { method: "POST", headers: { ...adminHeaders(), "content-type": "text/plain" }, body: "x" });
    expect(plain.status).toBe(415);

    const ids = ["abc", "0", "-1", "1.5", "1%20OR%201=1", "01", "123456789012345678901", "1;DROP%20TABLE%20x"];
    for (const id of ids) {
      const deleted = await sendRaw(fixture.base, `/api/posts/${id}`, { method: "DELETE", headers: bearerHeader() });
      expect(deleted.status, id).toBe(400);
      expect(errorField(deleted), id).toBe("id");
      const retried = await sendRaw(fixture.base, `/api/dead-letter/${id}/retry`, { method: "POST", headers: bearerHeader() });
      expect(retried.status, id).toBe(400);
      expect(errorField(retried), id).toBe("id");
    }
    await expectUnchanged();
  });

  it.skipIf(target.skipReason)("serves no file outside the dashboard list", async () => {
    const paths = [
      "/../package.json",
      "/../../../../etc/passwd",
      "/%2e%2e/package.json",
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/..%2f..%2fpackage.json",
      "/..%5c..%5cpackage.json",
      "/app.js/../../package.json",
      "/public/index.html",
      "/src/http/server.ts",
      "//etc/passwd",
      "/index.html%00.js",
      "/.git/config",
    ];
    for (const path of paths) {
      const response = await sendRaw(fixture.base, path);
      expect([400, 404], path).toContain(response.status);
      expect(response.body, path).not.toMatch(/root:|"name": "wpllmseo"|\[core\]|import /);
      expect(response.headers["content-type"], path).toMatch(/^application\/json/);
    }
    await expectUnchanged();
  });
});

describe.each(targets)("requests Node's parser rejects on $label", (target) => {
  let fixture: HttpFixture;

  beforeAll(async () => {
    if (target.skipReason) return;
    fixture = await startHttpFixture(target, { requestTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it.skipIf(target.skipReason)("answers a stalled request with 408", async () => {
    const started = performance.now();
    const text = await exchangeBytes(fixture.base, Buffer.from("GET /search?q=kiln HTTP/1.1\r\nHost: 127.0.0.1\r\n", "latin1"), false);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/);
    const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { error: { code: string } };
    expect(body.error.code).toBe("REQUEST_TIMEOUT");
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it.skipIf(target.skipReason)("rejects HTTP/1.1 without Host", async () => {
    const text = await exchangeBytes(fixture.base, Buffer.from("GET /search?q=kiln HTTP/1.1\r\nConnection: close\r\n\r\n", "latin1"), false);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("MISSING_HOST");
    expect(body.error.message).toMatch(/no Host header/);
  });

  it.skipIf(target.skipReason)("counts q in characters, not UTF-16 units", async () => {
    const emoji = "\u{1F600}";
    const within = await fetch(`${fixture.base}/search?q=${encodeURIComponent(emoji.repeat(512))}`);
    expect(within.status).toBe(200);
    const over = await fetch(`${fixture.base}/search?q=${encodeURIComponent(emoji.repeat(513))}`);
    expect(over.status).toBe(400);
    const body = (await over.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Invalid q of 513 characters/);
  });
});
