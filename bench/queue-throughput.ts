/**
 * No-op job throughput by worker process count: fills the queue, forks
 * `processes` children (queue-worker-process.ts), each running a `Worker`
 * with a no-op handler until the queue is empty, and times from the start
 * signal to the last child's report. Process start-up and database
 * connection are outside the timed span.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { Db } from "../src/store/db.js";
import { readLoadAverage } from "./machine.js";
import { countJobs, deleteAllJobs, insertQueuedJobs } from "./queue-fill.js";
import type { ThroughputFigure } from "./queue-results.js";
import type { WorkerProcessConfig, WorkerProcessMessage } from "./queue-worker-process.js";
import { diffServerLoad, readServerSnapshot, type ServerSnapshot } from "./server-load.js";

export interface ThroughputRun {
  /** Database handle of the parent, for filling and checking the queue. */
  db: Db;
  url: string;
  processes: number;
  concurrency: number;
  jobs: number;
  round: number;
}

const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "queue-worker-process.js");
const POLL_MS = 20;

type DoneMessage = Extract<WorkerProcessMessage, { type: "done" }>;

/** Runs one process count on a freshly filled queue and counts completed jobs and handler runs per job. */
export async function measureThroughput(run: ThroughputRun): Promise<ThroughputFigure> {
  await deleteAllJobs(run.db);
  await insertQueuedJobs(run.db, run.jobs);
  const children = Array.from({ length: run.processes }, (_, index) => forkWorker(run, index));
  try {
    await Promise.all(children.map((child) => waitForMessage(child, "ready")));
    const before = await snapshot(run);
    const started = performance.now();
    const finished = children.map(async (child) => {
      const done = waitForMessage(child, "done");
      child.send("start");
      return done;
    });
    const reports = await Promise.all(finished);
    const seconds = (performance.now() - started) / 1000;
    const after = await snapshot(run);
    return await summarize(run, reports, seconds, before, after);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

function forkWorker(run: ThroughputRun, index: number): ChildProcess {
  const config: WorkerProcessConfig = {
    dbUrl: run.url,
    concurrency: run.concurrency,
    pollMs: POLL_MS,
    runner: `bench-worker-${index}:${run.processes}`,
  };
  return fork(WORKER_SCRIPT, [JSON.stringify(config)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** Resolves with the child's next message of `type`; rejects on `failed` or an exit before it. */
function waitForMessage<T extends WorkerProcessMessage["type"]>(
  child: ChildProcess,
  type: T,
): Promise<Extract<WorkerProcessMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      reject(new Error(`Queue worker process ${child.pid} exited before sending ${type}.`));
      return;
    }
    const onExit = (code: number | null): void => {
      cleanUp();
      reject(new Error(`Queue worker process ${child.pid} exited with code ${code} before sending ${type}.`));
    };
    const onMessage = (message: WorkerProcessMessage): void => {
      if (message.type === "failed") {
        cleanUp();
        reject(new Error(`Queue worker process ${child.pid} failed: ${message.error}`));
      } else if (message.type === type) {
        cleanUp();
        resolve(message as Extract<WorkerProcessMessage, { type: T }>);
      }
    };
    const cleanUp = (): void => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

async function snapshot(run: ThroughputRun): Promise<ServerSnapshot | null> {
  return run.db.dialect === "mysql" ? readServerSnapshot(run.db, run.url) : null;
}

async function summarize(
  run: ThroughputRun,
  reports: readonly DoneMessage[],
  seconds: number,
  before: ServerSnapshot | null,
  after: ServerSnapshot | null,
): Promise<ThroughputFigure> {
  const runsPerJob = new Map<string, number>();
  for (const report of reports) {
    for (const id of report.jobIds) runsPerJob.set(id, (runsPerJob.get(id) ?? 0) + 1);
  }
  const handlerRuns = reports.reduce((sum, report) => sum + report.jobIds.length, 0);
  const cpuMs = reports.reduce((sum, report) => sum + report.cpuMs, 0);
  return {
    dialect: run.db.dialect,
    processes: run.processes,
    concurrency: run.concurrency,
    jobs: run.jobs,
    seconds,
    jobsPerSecond: run.jobs / seconds,
    completed: await countJobs(run.db, "completed"),
    handlerRuns,
    jobsRunTwice: [...runsPerJob.values()].filter((runs) => runs > 1).length,
    clientCpuMsPerJob: cpuMs / run.jobs,
    server: before && after ? diffServerLoad(before, after, run.jobs) : null,
    loadAverageEnd: readLoadAverage(),
    round: run.round,
  };
}
