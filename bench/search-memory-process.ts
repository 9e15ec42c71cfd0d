/**
 * Child process of the search bench (forked by search-memory.ts). It
 * measures the memory of one engine that searches an already indexed
 * database. The process has run nothing else, so the figures carry no
 * memory that other sizes, databases or peers left in the allocator.
 *
 * It reads RSS, after a garbage collection, at three points: once the
 * engine is open, after the first search loads the vector index, and after
 * the queries. It sends those readings back over IPC with the live memory
 * after the queries: the JS heap in use, memory that JS objects own outside
 * it, and the vector index's shared memory.
 */
import { pino } from "pino";

import { openEngine } from "../src/engine.js";
import { MIB, readMemory } from "./memory.js";

export interface MemoryProcessConfig {
  dbUrl: string;
  queries: string[];
  k: number;
}

export type MemoryProcessMessage =
  | {
      type: "done";
      rssOpenMiB: number;
      rssAfterLoadMiB: number;
      rssAfterQueriesMiB: number;
      liveOpenMiB: number;
      liveAfterQueriesMiB: number;
      vectorIndexMiB: number;
    }
  | { type: "failed"; error: string };

async function measure(config: MemoryProcessConfig): Promise<MemoryProcessMessage> {
  const engine = await openEngine({ dbUrl: config.dbUrl, prefix: "wp_", log: pino({ level: "silent" }) });
  try {
    const vectorMemory = engine.vectors.memory.memory;
    const open = await readSettledMemory();
    const liveOpenMiB = open.heapUsedMiB + open.externalMiB + vectorMemory.buffer.byteLength / MIB;
    await engine.searcher.search({ query: config.queries[0] ?? "search", k: config.k });
    const loaded = readMemory();
    for (const query of config.queries) await engine.searcher.search({ query, k: config.k });
    const done = readMemory();
    const vectorIndexMiB = vectorMemory.buffer.byteLength / MIB;
    return {
      type: "done",
      rssOpenMiB: open.rssMiB,
      rssAfterLoadMiB: loaded.rssMiB,
      rssAfterQueriesMiB: done.rssMiB,
      liveOpenMiB,
      liveAfterQueriesMiB: done.heapUsedMiB + done.externalMiB + vectorIndexMiB,
      vectorIndexMiB,
    };
  } finally {
    await engine.close();
  }
}

/**
 * Reads memory every 250 ms until two readings differ by less than 1 MiB
 * (at most 5 s). The engine starts its pool threads in the background, and
 * this counts them as part of the open engine, not of the search.
 */
async function readSettledMemory() {
  let previous = readMemory();
  for (let waited = 0; waited < 5000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = readMemory();
    if (Math.abs(current.rssMiB - previous.rssMiB) < 1) return current;
    previous = current;
  }
  return previous;
}

const config = JSON.parse(process.argv[2] ?? "null") as MemoryProcessConfig | null;
if (!config || !process.send) {
  process.stderr.write("search-memory-process: run it through child_process.fork with a JSON config argument.\n");
  process.exitCode = 2;
} else {
  measure(config)
    .catch((error: unknown): MemoryProcessMessage => ({
      type: "failed",
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }))
    .then((message) => {
      process.exitCode = message.type === "done" ? 0 : 1;
      process.send?.(message, undefined, {}, () => process.disconnect());
    });
}
