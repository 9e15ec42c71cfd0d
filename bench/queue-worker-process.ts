/**
 * Child process of the queue throughput bench (forked by queue-throughput.ts
 * with an IPC channel). It opens the database, runs one `Worker` with a
 * no-op handler and `untilEmpty`, and sends back every job id the handler
 * saw, so the parent can count how often each job ran.
 *
 * Messages: the child sends `ready` once the database is open, waits for
 * `start`, and sends `done` (or `failed`) when the queue is empty.
 */
import { pino } from "pino";

import { Worker } from "../src/queue/worker.js";
import type { WorkerResult } from "../src/queue/worker-result.js";
import { openDb } from "../src/store/open-db.js";

export interface WorkerProcessConfig {
  dbUrl: string;
  concurrency: number;
  pollMs: number;
  runner: string;
}

export type WorkerProcessMessage =
  | { type: "ready" }
  | { type: "done"; jobIds: string[]; result: WorkerResult; cpuMs: number; seconds: number }
  | { type: "failed"; error: string };

function send(message: WorkerProcessMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

function waitForStart(): Promise<void> {
  return new Promise((resolve) => {
    process.once("message", () => resolve());
  });
}

async function runWorker(config: WorkerProcessConfig): Promise<void> {
  const db = await openDb(config.dbUrl, { connectionLimit: config.concurrency + 1 });
  try {
    const jobIds: string[] = [];
    const worker = new Worker(db, async (job) => void jobIds.push(job.id), {
      concurrency: config.concurrency,
      untilEmpty: true,
      pollMs: config.pollMs,
      runner: config.runner,
      logger: pino({ level: "silent" }),
    });
    const started = waitForStart();
    await send({ type: "ready" });
    await started;

    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const result = await worker.run();
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    await send({ type: "done", jobIds, result, cpuMs: (cpu.user + cpu.system) / 1000, seconds });
  } finally {
    await db.close();
  }
}

const config = JSON.parse(process.argv[2] ?? "null") as WorkerProcessConfig | null;
if (!config || !process.send) {
  process.stderr.write("queue-worker-process: run it through child_process.fork with a JSON config argument.\n");
  process.exitCode = 2;
} else {
  runWorker(config)
    .catch(async (error: unknown) => {
      await send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exitCode = 1;
    })
    .finally(() => process.disconnect());
}
