import { Writable } from "node:stream";

import type { Logger } from "pino";

import type { EmbedderConfig } from "../../src/embedders/embedder-config.js";
import type { Engine } from "../../src/engine.js";
import { createIndexPostHandler, EMBED_POST_JOB } from "../../src/indexer/index-post.js";
import { createLogger } from "../../src/log.js";
import { Worker, type WorkerResult } from "../../src/queue/worker.js";
import type { MockEmbeddingServer } from "./mock-embedding-server.js";

/** Creates a debug-level JSON logger whose output the test can read. */
export function captureLogger(): { log: Logger; output: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString("utf8"));
      callback();
    },
  });
  return { log: createLogger({ verbose: true, json: true, destination }), output: () => lines.join("") };
}

/** Settings of the openai embedder against the mock, with short quick retries. */
export function mockEmbedderConfig(mock: MockEmbeddingServer, dim: number, overrides: Partial<EmbedderConfig> = {}): EmbedderConfig {
  return {
    kind: "openai",
    stopWords: "en",
    url: mock.url,
    model: "mock-embed",
    dim,
    batchSize: 4,
    maxInputChars: 200,
    retryAfterCapMs: 5000,
    quickRetryDelaysMs: [50, 100],
    ...overrides,
  };
}

/** Runs a worker until no job is ready. */
export function drainQueue(engine: Engine, logger: Logger, concurrency = 3): Promise<WorkerResult> {
  const worker = new Worker(engine.db, createIndexPostHandler(engine), {
    jobTypes: [EMBED_POST_JOB],
    limit: 0,
    untilEmpty: true,
    concurrency,
    logger,
  });
  return worker.run();
}
