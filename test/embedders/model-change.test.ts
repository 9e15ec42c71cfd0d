import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openEngine, type Engine } from "../../src/engine.js";
import { countChunksByVersion, countPostsToEnqueue, enqueuePosts } from "../../src/indexer/enqueue-posts.js";
import { importPost } from "../../src/sources/import-posts.js";
import { loadDialectTargets, type TestDatabase } from "../helpers/db.js";
import { drainQueue, mockEmbedderConfig } from "./helpers.js";
import { MockEmbeddingServer } from "./mock-embedding-server.js";

const DIM = 64;
const targets = await loadDialectTargets();
const silent = pino({ level: "silent" });

const POSTS = [
  { source: "sqlite", title: "SQLite driver", url: "https://example.com/sqlite", content: "The sqlite driver runs prepared statements quickly." },
  { source: "pool", title: "Thread pool", url: "https://example.com/pool", content: "A worker thread pool spreads tasks over cores." },
  { source: "wasm", title: "WebAssembly", url: "https://example.com/wasm", content: "Compile typescript to webassembly modules." },
];

describe.each(targets)("model change on $dialect", (target) => {
  let database: TestDatabase;
  let mock: MockEmbeddingServer;
  let engine: Engine | undefined;

  beforeAll(async () => {
    if (target.skipReason) return;
    mock = await MockEmbeddingServer.start(DIM);
    database = await target.createDatabase();
  });

  afterAll(async () => {
    await engine?.close();
    await database?.drop();
    await mock?.close();
  });

  async function switchEngine(useMock: boolean): Promise<Engine> {
    await engine?.close();
    const embedder = useMock ? mockEmbedderConfig(mock, DIM) : undefined;
    engine = await openEngine({ dbUrl: database.url, prefix: "chg_", log: silent, threads: 1, createSchema: true, embedder });
    return engine;
  }

  it.skipIf(target.skipReason)("keeps lexical search while posts are embedded again", async () => {
    const hash = await switchEngine(false);
    for (const post of POSTS) await importPost(hash.db, post);
    expect((await drainQueue(hash, silent)).completed).toBe(POSTS.length);
    const before = await hash.searcher.search({ query: "sqlite driver", k: 3 });
    expect(before.results[0]?.url).toBe("https://example.com/sqlite");
    expect(before.results[0]?.explain.vectorRank).toBe(1);
    const hashChunks = before.stats.chunksIndexed;
    expect(hashChunks).toBeGreaterThanOrEqual(POSTS.length);

    const model = await switchEngine(true);
    expect(model.embedder.version).toBe("openai:mock-embed:64");
    const during = await model.searcher.search({ query: "sqlite driver", k: 3 });
    expect(during.results[0]?.url).toBe("https://example.com/sqlite");
    expect(during.results[0]?.explain.lexicalRank).toBe(1);
    expect(during.results[0]?.explain.vectorRank).toBeNull();
    expect(during.results[0]?.excerpt).toBe("The sqlite driver runs prepared statements quickly.");
    expect(during.stats.chunksIndexed).toBe(0);
    expect(during.stats.chunksSkipped).toBe(hashChunks);
    expect(model.vectors.sync.stats.skippedVersion).toBe(hashChunks);

    const versions = await countChunksByVersion(model.db);
    expect(versions).toEqual([{ version: hash.embedder.version, chunks: hashChunks, posts: POSTS.length }]);
    expect(await countPostsToEnqueue(model.db, { version: model.embedder.version, all: false })).toBe(POSTS.length);
    const batches: number[] = [];
    const result = await enqueuePosts(model.db, {
      version: model.embedder.version,
      all: false,
      batchSize: 2,
      onProgress: (batchPosts) => batches.push(batchPosts),
    });
    expect(result).toEqual({ enqueued: POSTS.length, alreadyQueued: 0 });
    expect(batches).toEqual([2, 1]);

    const queued = await model.searcher.search({ query: "thread pool", k: 3 });
    expect(queued.results[0]?.url).toBe("https://example.com/pool");
    expect(queued.results[0]?.explain.lexicalRank).toBe(1);

    expect((await drainQueue(model, silent)).completed).toBe(POSTS.length);
    const after = await model.searcher.search({ query: "sqlite driver", k: 3 });
    expect(after.results[0]?.url).toBe("https://example.com/sqlite");
    expect(after.results[0]?.explain.vectorRank).toBe(1);
    expect(after.stats.chunksIndexed).toBe(POSTS.length);
    expect(await countChunksByVersion(model.db)).toEqual([{ version: "openai:mock-embed:64", chunks: POSTS.length, posts: POSTS.length }]);
    expect(await countPostsToEnqueue(model.db, { version: model.embedder.version, all: false })).toBe(0);

    mock.responder = () => ({ status: 400, body: { error: { message: "model not loaded" } } });
    try {
      const down = await model.searcher.search({ query: "sqlite driver", k: 3 });
      expect(down.stats.vectorLegError).toMatch(/400/);
      expect(down.results[0]?.url).toBe("https://example.com/sqlite");
      expect(down.results[0]?.explain.lexicalRank).toBe(1);
      expect(down.results[0]?.explain.vectorRank).toBeNull();
    } finally {
      mock.responder = undefined;
    }
  });
});
