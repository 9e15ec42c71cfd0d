/**
 * The processes the HTTP load bench runs: `wpllmseo serve` and
 * `wpllmseo worker run`, started from bin/ with the heap flags of its `#!`
 * line, as an operator's `wpllmseo` command runs, and their resident
 * memory read from /proc (Linux).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { NODE_HEAP_FLAGS } from "../src/node-flags.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/wpllmseo.js");

export interface ServeProcess {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function startCli(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [...NODE_HEAP_FLAGS, BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`wpllmseo ${args[0]} exited with ${code}:\n${stderr}\n`);
  });
  return child;
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/**
 * Starts `wpllmseo serve` on a free port with the search rate limit off and
 * warn-level logs, and waits until GET /health returns 200.
 */
export async function startServe(dbUrl: string): Promise<ServeProcess> {
  const port = await findFreePort();
  const child = startCli(["serve", "--db", dbUrl, "--port", String(port), "--rate-limit", "0", "--quiet"]);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wpllmseo serve exited with ${child.exitCode} before it was ready.`);
    const ready = await fetch(`${base}/health`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`wpllmseo serve on ${base} was not ready within 60 s.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    base,
    async stop() {
      child.kill("SIGTERM");
      await waitForExit(child);
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the queue is empty. */
  exit: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `wpllmseo worker run --until-empty` with 2 jobs at once. */
export function startWorker(dbUrl: string): WorkerProcess {
  const child = startCli(["worker", "run", "--db", dbUrl, "--until-empty", "--limit", "0", "--concurrency", "2", "--quiet"]);
  const exit = waitForExit(child);
  return {
    child,
    exit,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exit;
    },
  };
}

/** Reads a process's resident set size in MiB from /proc/<pid>/status, or NaN when it is unreadable. */
export function readRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
