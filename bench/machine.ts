import os from "node:os";

import type { MachineInfo } from "./results.js";

/** Describes the machine and runtime the figures come from. */
export function describeMachine(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    dateUtc: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    loadAverageStart: readLoadAverage(),
    loadAverageEnd: Number.NaN,
  };
}

/** Returns the 1-minute load average (0 on platforms without one, such as Windows). */
export function readLoadAverage(): number {
  return os.loadavg()[0] ?? 0;
}
