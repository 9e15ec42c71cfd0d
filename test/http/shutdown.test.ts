/**
 * Graceful stop of `wpllmseo serve` as a child process: SIGTERM during a
 * request stops new connections, lets the request finish, then exits 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { openDb } from "../../src/store/open-db.js";
import { runCli } from "../cli/run-cli.js";
import { countRows } from "./http-fixture.js";

const BIN = path.resolve("bin/wpllmseo.js");
const TOKEN = "shutdown-test-token-0123456789";

interface Server {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stderr: () => string;
  exit: Promise<number | null>;
}

function waitFor(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = pattern.exec(read());
      if (match) {
        clearInterval(poll);
        resolve(match);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern} in:\n${read()}`));
      }
    }, 20);
  });
}

async function startServer(dbUrl: string, graceMs: number): Promise<Server> {
  const child = spawn(process.execPath, [BIN, "serve", "--db", dbUrl, "--port", "0", "--threads", "1", "--grace-ms", String(graceMs)], {
    env: { ...process.env, WPLLMSEO_ADMIN_TOKEN: TOKEN, WPLLMSEO_DB: "", WPLLMSEO_PREFIX: "" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const match = await waitFor(() => stderr, /"url":"http:\/\/127\.0\.0\.1:(\d+)"/, 20_000);
  return { child, port: Number(match[1]), stderr: () => stderr, exit };
}

/** Opens a connection and sends the headers and the first half of a POST /api/posts body. */
function startSlowPost(port: number, body: string): Promise<{ socket: Socket; response: Promise<string>; rest: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      const half = Math.floor(body.length / 2);
      socket.write(
        "POST /api/posts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          `Authorization: Bearer ${TOKEN}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
      );
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const response = new Promise<string>((done) => socket.on("close", () => done(text)));
      resolve({ socket, response, rest: body.slice(half) });
    });
    socket.on("error", reject);
  });
}

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

describe("serve graceful stop", () => {
  let dir: string;
  let dbUrl: string;
  let server: Server | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "wpllmseo-shutdown-"));
    dbUrl = `sqlite:${path.join(dir, "serve.db")}`;
    const upgraded = await runCli(["upgrade", "--db", dbUrl]);
    expect(upgraded.status, upgraded.stderr).toBe(0);
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("finishes a request in flight on SIGTERM", async () => {
    server = await startServer(dbUrl, 10_000);
    const body = JSON.stringify({ url: "https://example.com/kiln", title: "Kilns", content: "A kiln fires clay." });
    const slow = await startSlowPost(server.port, body);
    await new Promise((resolve) => setTimeout(resolve, 200));

    server.child.kill("SIGTERM");
    await waitFor(server.stderr, /"msg":"stopping: no new connections/, 5000);
    expect(await tryConnect(server.port)).toBe("ECONNREFUSED");

    slow.socket.write(slow.rest);
    const response = await slow.response;
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    expect(response).toMatch(/"outcome":"added"/);
    expect(await server.exit).toBe(0);
    expect(server.stderr()).toMatch(/"msg":"server stopped; closing the pool and the database"/);

    const db = await openDb(dbUrl, { mustExist: true });
    try {
      expect((await countRows(db)).posts).toBe(1);
      expect((await readQueueStatus(db)).counts.queued).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("closes a stalled request after the grace period", async () => {
    server = await startServer(dbUrl, 300);
    const body = JSON.stringify({ url: "https://example.com/loom", title: "Looms", content: "A loom weaves." });
    const slow = await startSlowPost(server.port, body);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalled = performance.now();
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5000);
    expect(await slow.response).not.toMatch(/^HTTP\/1\.1 2/);
    expect(server.stderr()).toMatch(/grace period of 300 ms ended/);

    const db = await openDb(dbUrl, { mustExist: true });
    try {
      expect((await countRows(db)).posts).toBe(0);
    } finally {
      await db.close();
    }
  });
});
