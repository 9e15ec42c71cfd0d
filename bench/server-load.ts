/**
 * Cost of a bench run to the MariaDB/MySQL server: global status counters
 * read before and after, and the server process's CPU time from
 * /proc/<pid>/stat when the server runs on this host (Linux only).
 *
 * NOTE: the counters are server-wide, so statements of other clients
 * running at the same time are counted too.
 */
import { readdirSync, readFileSync } from "node:fs";

import type { Db } from "../src/store/db.js";
import { toInt } from "../src/store/rows.js";
import type { ServerLoadFigure } from "./queue-results.js";

const COUNTERS = ["Questions", "Innodb_data_fsyncs", "Innodb_row_lock_waits"] as const;
const SERVER_PROCESS_NAMES = new Set(["mariadbd", "mysqld"]);
/** Clock ticks per second of /proc/<pid>/stat times; 100 on Linux builds for x86-64 and arm64. */
const CLOCK_TICKS_PER_SECOND = 100;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export interface ServerSnapshot {
  counters: Record<(typeof COUNTERS)[number], number>;
  /** User + system CPU time of the server process in ms, or null when unknown. */
  cpuMs: number | null;
}

/** Reads the counters, and the server's CPU time when `serverUrl` names this host. */
export async function readServerSnapshot(db: Db, serverUrl: string): Promise<ServerSnapshot> {
  const rows = await db.query(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${COUNTERS.map(() => "?").join(", ")})`,
    [...COUNTERS],
  );
  const counters = Object.fromEntries(COUNTERS.map((name) => [name, 0])) as ServerSnapshot["counters"];
  for (const row of rows) {
    const name = String(row["Variable_name"]) as (typeof COUNTERS)[number];
    counters[name] = toInt(row["Value"]);
  }
  const local = LOCAL_HOSTS.has(new URL(serverUrl).hostname);
  return { counters, cpuMs: local ? readServerCpuMs() : null };
}

/** Divides the change between two snapshots by `jobs`. */
export function diffServerLoad(before: ServerSnapshot, after: ServerSnapshot, jobs: number): ServerLoadFigure {
  const delta = (name: (typeof COUNTERS)[number]): number => after.counters[name] - before.counters[name];
  const cpuMs = before.cpuMs === null || after.cpuMs === null ? null : after.cpuMs - before.cpuMs;
  return {
    statementsPerJob: delta("Questions") / jobs,
    fsyncsPerJob: delta("Innodb_data_fsyncs") / jobs,
    rowLockWaits: delta("Innodb_row_lock_waits"),
    cpuMsPerJob: cpuMs === null ? null : cpuMs / jobs,
  };
}

/** Sums the CPU time of every mariadbd/mysqld process on this host, or returns null when there is none. */
function readServerCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let ticks = 0;
  let found = false;
  for (const pid of entries) {
    const processTicks = readProcessTicks(pid);
    if (processTicks !== null) {
      ticks += processTicks;
      found = true;
    }
  }
  return found ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
}

/** Returns utime + stime of a server process, or null for any other process or an unreadable one. */
function readProcessTicks(pid: string): number | null {
  try {
    if (!SERVER_PROCESS_NAMES.has(readFileSync(`/proc/${pid}/comm`, "utf8").trim())) return null;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesized name: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}
