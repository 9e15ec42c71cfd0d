/**
 * Starts, kills and stops queue worker processes (test/fixtures/queue-worker.mjs)
 * and collects the events they print: which jobs each process started, and
 * how each process ended.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const FIXTURE_PATH = fileURLToPath(new URL("../fixtures/queue-worker.mjs", import.meta.url));
const BUILT_WORKER_PATH = fileURLToPath(
  new URL("../../dist/src/queue/worker.js", import.meta.url),
);

/** Time a process may take to open its database and print `ready`. */
const READY_TIMEOUT_MS = 20_000;

/** Time a process may take to finish its jobs after SIGTERM. */
const STOP_TIMEOUT_MS = 30_000;

/** Stderr lines kept per process for failure messages. */
const STDERR_TAIL_LINES = 20;

/** Lowest pino level number of an error record. */
const PINO_ERROR_LEVEL = 50;

export interface FixtureOptions {
  url: string;
  prefix: string;
  leaseMs: number;
  concurrency: number;
  pollMs: number;
  /** Passed to WorkerOptions.claimStrategy; omitted when undefined. */
  claimStrategy?: string | undefined;
  /** Passed to OpenDbOptions.skipLocked; omitted when undefined. */
  skipLocked?: boolean | undefined;
  /** MySQL session time_zone for every statement, such as "+05:30". */
  sessionTimeZone?: string;
  /** Extra environment variables, such as TZ. */
  env?: Record<string, string>;
}

export interface ReadyEvent {
  pid: number;
  /** Minutes east of UTC of the process's local time zone. */
  timeZoneOffsetMinutes: number;
  sessionTimeZone: string | null;
  /** Minutes between the MySQL session's NOW() and UTC_TIMESTAMP(). */
  sessionOffsetMinutes: number | null;
}

export interface StartEvent {
  pid: number;
  jobId: string;
  /** 1 for the first run of the job. */
  attempt: number;
}

export interface ExitRecord {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the fleet sent the signal that ended the process. */
  requested: boolean;
  stderrTail: string[];
}

/** Throws unless the compiled engine that the fixture imports exists. */
export function assertEngineBuilt(): void {
  if (!existsSync(BUILT_WORKER_PATH)) {
    throw new Error(
      `Compiled engine not found at ${BUILT_WORKER_PATH}. ` +
        "Run `npm run build` before the stress tests.",
    );
  }
}

function buildArgs(options: FixtureOptions): string[] {
  const args = [
    FIXTURE_PATH,
    `--url=${options.url}`,
    `--prefix=${options.prefix}`,
    `--lease-ms=${options.leaseMs}`,
    `--concurrency=${options.concurrency}`,
    `--poll-ms=${options.pollMs}`,
  ];
  if (options.claimStrategy) {
    args.push(`--claim-strategy=${options.claimStrategy}`);
  }
  if (options.skipLocked !== undefined) {
    args.push(`--skip-locked=${options.skipLocked}`);
  }
  if (options.sessionTimeZone) {
    args.push(`--session-time-zone=${options.sessionTimeZone}`);
  }
  return args;
}

type FixtureEvent = { event: string } & Record<string, unknown>;

/** Parses one stdout line of the fixture; null when it is not an event. */
function parseEvent(line: string): FixtureEvent | null {
  const value = parseJson(line);
  return typeof value === "object" && value !== null && "event" in value
    ? (value as FixtureEvent)
    : null;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}

/** True for a pino JSON record at error level or above. */
function isErrorRecord(line: string): boolean {
  const record = parseJson(line);
  return (
    typeof record === "object" &&
    record !== null &&
    "level" in record &&
    Number(record.level) >= PINO_ERROR_LEVEL
  );
}

/** One running fixture process. */
export class WorkerProcess {
  readonly pid: number;
  readonly ready: Promise<ReadyEvent>;
  readonly exited: Promise<ExitRecord>;
  readonly stderrTail: string[] = [];
  requested = false;

  constructor(
    private readonly child: ChildProcess,
    onStart: (event: StartEvent) => void,
    private readonly onErrorLog: (record: string) => void,
  ) {
    if (child.pid === undefined) {
      throw new Error(`Failed to start ${FIXTURE_PATH}: the process has no pid.`);
    }
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        resolve({
          pid: this.pid,
          code,
          signal,
          requested: this.requested,
          stderrTail: this.stderrTail,
        });
      });
    });
    this.ready = this.readEvents(onStart);
    this.readStderr();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal`, noting that the fleet asked for this exit. */
  signal(signal: NodeJS.Signals): void {
    this.requested = true;
    if (this.running) {
      this.child.kill(signal);
    }
  }

  private readEvents(onStart: (event: StartEvent) => void): Promise<ReadyEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Worker process ${this.pid} printed no ready event in ${READY_TIMEOUT_MS} ms.`));
      }, READY_TIMEOUT_MS);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(
          new Error(
            `Worker process ${this.pid} exited (code ${exit.code}, signal ${exit.signal}) ` +
              `before it was ready; stderr:\n${exit.stderrTail.join("\n")}`,
          ),
        );
      });
      const lines = createInterface({ input: this.child.stdout! });
      lines.on("line", (line) => {
        const event = parseEvent(line);
        if (event === null) {
          this.keepStderrLine(`stdout: ${line}`);
        } else if (event.event === "start") {
          onStart(event as unknown as StartEvent);
        } else if (event.event === "ready") {
          clearTimeout(timer);
          resolve(event as unknown as ReadyEvent);
        }
      });
    });
  }

  private readStderr(): void {
    const lines = createInterface({ input: this.child.stderr! });
    lines.on("line", (line) => this.keepStderrLine(line));
  }

  private keepStderrLine(line: string): void {
    if (isErrorRecord(line)) {
      this.onErrorLog(line);
    }
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) {
      this.stderrTail.shift();
    }
  }
}

/**
 * A set of fixture processes sharing one configuration. With
 * `restartCrashed`, a process that exits on its own (a poison job) is
 * replaced at once, as a process supervisor would do.
 */
export class WorkerFleet {
  /** Every `start` event of every process, in arrival order. */
  readonly starts: StartEvent[] = [];
  readonly exits: ExitRecord[] = [];
  /** Every error-level log record of every process, as JSON lines. */
  readonly errorLogs: string[] = [];
  private readonly live = new Set<WorkerProcess>();
  private stopping = false;

  constructor(
    private readonly options: FixtureOptions,
    private readonly restartCrashed = false,
  ) {
    assertEngineBuilt();
  }

  get processes(): WorkerProcess[] {
    return [...this.live];
  }

  /** Starts `count` processes and waits until each is ready. */
  async start(count: number): Promise<ReadyEvent[]> {
    const started = Array.from({ length: count }, () => this.spawnOne());
    return Promise.all(started.map((worker) => worker.ready));
  }

  /** Kills one running process with SIGKILL and starts a replacement. */
  async killOneAndReplace(): Promise<void> {
    const candidates = this.processes.filter((worker) => worker.running);
    const victim = candidates[Math.floor(Math.random() * candidates.length)];
    if (!victim) {
      return;
    }
    victim.signal("SIGKILL");
    await victim.exited;
    await this.spawnOne().ready;
  }

  /** Sends SIGTERM to every process and waits for them to exit. */
  async stop(): Promise<ExitRecord[]> {
    this.stopping = true;
    const running = this.processes;
    for (const worker of running) {
      worker.signal("SIGTERM");
    }
    const timer = setTimeout(() => void this.killAll(), STOP_TIMEOUT_MS);
    try {
      return await Promise.all(running.map((worker) => worker.exited));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills every process with SIGKILL and waits for the exits, for cleanup. */
  async killAll(): Promise<void> {
    this.stopping = true;
    const running = this.processes;
    for (const worker of running) {
      worker.signal("SIGKILL");
    }
    await Promise.all(running.map((worker) => worker.exited));
  }

  /** Exits the fleet did not ask for, such as a crash or a poison job. */
  unrequestedExits(): ExitRecord[] {
    return this.exits.filter((exit) => !exit.requested);
  }

  /** Number of `start` events per job id. */
  countStartsByJob(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { jobId } of this.starts) {
      counts.set(jobId, (counts.get(jobId) ?? 0) + 1);
    }
    return counts;
  }

  private spawnOne(): WorkerProcess {
    const child = spawn(process.execPath, buildArgs(this.options), {
      env: { ...process.env, ...this.options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = new WorkerProcess(
      child,
      (event) => this.starts.push(event),
      (record) => this.errorLogs.push(record),
    );
    worker.ready.catch(() => undefined);
    this.live.add(worker);
    void worker.exited.then((exit) => this.onExit(worker, exit));
    return worker;
  }

  private onExit(worker: WorkerProcess, exit: ExitRecord): void {
    this.live.delete(worker);
    this.exits.push(exit);
    if (this.restartCrashed && !exit.requested && !this.stopping) {
      this.spawnOne();
    }
  }
}
