/**
 * The worker-thread pool that runs the WASM kernels off the main thread.
 *
 * Tasks live in tasks.ts. Piscina loads that module as JavaScript, so the pool
 * always points at the compiled file under dist/, also when this module runs
 * from the TypeScript sources (as under vitest). `npm run build` makes it.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Piscina } from "piscina";

import type { SharedWasmMemory } from "../kernels/int8-scan.js";
import type {
  EmbedPostInput,
  EmbedPostOutput,
  PreparePostInput,
  PreparePostOutput,
  ScanVectorsInput,
  ScanVectorsOutput,
} from "./tasks.js";

export interface PoolOptions {
  /** Worker threads; default: the number of CPU cores, at least 1. */
  threads?: number;
  /** Shared memory holding the int8 vector rows that scanVectors reads. */
  vectorMemory?: SharedWasmMemory;
}

/**
 * Maximum young generation of each pool thread's V8 heap, in MiB. A scan
 * task allocates only its small result arrays, yet under V8's default
 * limit each thread's young generation grew by about 4 MiB while
 * searching. On 10,000 synthetic posts (SQLite, 2 threads, 2-core host,
 * the child process of bench/search-memory.ts) this limit cut the pool
 * threads' V8 pages from about 7.7 to 1 MiB after 200 queries, with the
 * same search p50.
 * NOTE: in a side-by-side run, embedPost over 2,000 posts took about 5%
 * longer (median 1.07 s against 1.01 s), a difference close to the noise.
 */
const POOL_YOUNG_GENERATION_MB = 3;

export class KernelPool {
  readonly threads: number;
  readonly #piscina: Piscina;

  constructor(options: PoolOptions = {}) {
    const threads = options.threads ?? Math.max(1, os.availableParallelism());
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`Invalid thread count ${threads}: use a whole number from 1 to 256.`);
    }
    this.threads = threads;
    this.#piscina = new Piscina({
      filename: resolveTaskFile(),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { vectorMemory: options.vectorMemory },
      resourceLimits: { maxYoungGenerationSizeMb: POOL_YOUNG_GENERATION_MB },
    });
  }

  embedPost(input: EmbedPostInput): Promise<EmbedPostOutput> {
    return this.#piscina.run(input, { name: "embedPost" }) as Promise<EmbedPostOutput>;
  }

  preparePost(input: PreparePostInput): Promise<PreparePostOutput> {
    return this.#piscina.run(input, { name: "preparePost" }) as Promise<PreparePostOutput>;
  }

  scanVectors(input: ScanVectorsInput): Promise<ScanVectorsOutput> {
    return this.#piscina.run(input, { name: "scanVectors" }) as Promise<ScanVectorsOutput>;
  }

  /** Busy share of the pool's threads since it started, from 0 to 1. */
  get utilization(): number {
    return this.#piscina.utilization;
  }

  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}

function resolveTaskFile(): string {
  const modulePath = fileURLToPath(import.meta.url);
  const compiled = modulePath.endsWith(".ts")
    ? path.join(path.dirname(modulePath), "../../dist/src/pool/tasks.js")
    : path.join(path.dirname(modulePath), "tasks.js");
  if (!existsSync(compiled)) {
    throw new Error(`Worker task module not found at ${compiled}: run \`npm run build\` first.`);
  }
  return compiled;
}
