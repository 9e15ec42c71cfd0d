/**
 * RSS of an engine searching one corpus, measured in a fresh child process
 * (search-memory-process.ts) on the database the search bench just built.
 * The process starts with the given V8 flags: NODE_HEAP_FLAGS for the
 * figure of the CLI, none for Node's defaults.
 */
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { IsolatedMemoryFigure } from "./results.js";
import type { MemoryProcessConfig, MemoryProcessMessage } from "./search-memory-process.js";

const PROCESS_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "search-memory-process.js");

export function measureIsolatedMemory(
  dbUrl: string,
  queries: readonly string[],
  k: number,
  nodeFlags: readonly string[],
): Promise<IsolatedMemoryFigure> {
  const config: MemoryProcessConfig = { dbUrl, queries: [...queries], k };
  const child = fork(PROCESS_SCRIPT, [JSON.stringify(config)], {
    execArgv: ["--expose-gc", ...nodeFlags],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    child.once("message", (message: MemoryProcessMessage) => {
      settled = true;
      if (message.type === "done") {
        const { type: _type, ...readings } = message;
        resolve({
          ...readings,
          growthMiB: readings.rssAfterQueriesMiB - readings.rssOpenMiB,
          liveGrowthMiB: readings.liveAfterQueriesMiB - readings.liveOpenMiB,
        });
      } else {
        reject(new Error(`The search memory process failed: ${message.error}`));
      }
    });
    child.once("exit", (code, signal) => {
      if (!settled) reject(new Error(`The search memory process exited before reporting (code ${code}, signal ${signal}).`));
    });
  });
}
