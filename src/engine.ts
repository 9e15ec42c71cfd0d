/**
 * Opens the parts a command or server needs (database, WASM kernels, worker
 * thread pool, searcher) and closes them in reverse order.
 */
import type { Logger } from "pino";

import type { Embedder, StopWordSetting } from "./embedders/embedder.js";
import { createEmbedder, describeEmbedder, type EmbedderConfig } from "./embedders/embedder-config.js";
import { loadKernels, type Kernels } from "./kernels/index.js";
import { KernelPool } from "./pool/pool.js";
import { Searcher } from "./search/search.js";
import { VectorIndex } from "./search/vector-index.js";
import type { Db } from "./store/db.js";
import { readSchemaVersion, upgrade, SCHEMA_VERSION } from "./store/migrate.js";
import { openDb } from "./store/open-db.js";

export interface EngineOptions {
  dbUrl: string;
  prefix: string;
  log: Logger;
  /** Worker threads for the kernel pool; default: one per core. */
  threads?: number;
  /** Apply the schema when the database has none (import and worker do; search does not). */
  createSchema?: boolean;
  /**
   * A read-only copy (a replica) that search reads posts, tokens and vectors
   * from. Writes, such as queueing a post whose vector failed its checks,
   * still go to `dbUrl`, which serves both when this is not set.
   */
  readDbUrl?: string;
  /** Stop-word list for posts and queries when `embedder` is not given; default "en". */
  stopWords?: StopWordSetting;
  /** The embedder; default: the hashing embedder with `stopWords`. */
  embedder?: EmbedderConfig;
}

export interface Engine {
  db: Db;
  /** The database search reads; `db` unless a replica was given. */
  readDb: Db;
  kernels: Kernels;
  pool: KernelPool;
  embedder: Embedder;
  searcher: Searcher;
  vectors: VectorIndex;
  log: Logger;
  close(): Promise<void>;
}

export async function openDatabase(options: EngineOptions, urlOption = "--db"): Promise<Db> {
  const db = await openDb(options.dbUrl, { prefix: options.prefix, mustExist: !options.createSchema, urlOption });
  try {
    await ensureSchema(db, options);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const config: EmbedderConfig = options.embedder ?? { kind: "hash", stopWords: options.stopWords ?? "en" };
  const info = describeEmbedder(config);
  const db = await openDatabase(options);
  let readDb = db;
  try {
    if (options.readDbUrl) readDb = await openDatabase({ ...options, dbUrl: options.readDbUrl, createSchema: false }, "--read-db");
  } catch (error) {
    await db.close();
    throw error;
  }
  const kernels = await loadKernels();
  const vectors = new VectorIndex({ db: readDb, queueDb: db, dim: info.dim, version: info.version, log: options.log });
  const pool = new KernelPool({ threads: options.threads, vectorMemory: vectors.memory.memory });
  const embedder = createEmbedder(config, pool, kernels, options.log);
  const searcher = new Searcher({ db: readDb, pool, kernels, embedder, vectors, log: options.log });
  return {
    db,
    readDb,
    kernels,
    pool,
    embedder,
    searcher,
    vectors,
    log: options.log,
    async close() {
      embedder.close();
      await pool.close();
      if (readDb !== db) await readDb.close();
      await db.close();
    },
  };
}

/** Returns the prefixes other than `prefix` of wpllmseo job tables in the database, such as `wp_2_` on a multisite install. */
async function findOtherPrefixes(db: Db, prefix: string): Promise<string[]> {
  const rows =
    db.dialect === "mysql"
      ? await db.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE '%wpllmseo%jobs'")
      : await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%wpllmseo%jobs'");
  const suffix = "wpllmseo_jobs";
  return rows
    .map((row) => String(row.name))
    .filter((name) => name.endsWith(suffix))
    .map((name) => name.slice(0, -suffix.length))
    .filter((other) => other !== prefix)
    .sort();
}

async function ensureSchema(db: Db, options: EngineOptions): Promise<void> {
  const version = await readSchemaVersion(db);
  if (version === SCHEMA_VERSION) return;
  if (version === null && options.createSchema) {
    const others = await findOtherPrefixes(db, options.prefix);
    await upgrade(db);
    options.log.info({ db: db.displayUrl, version: SCHEMA_VERSION }, "created the wpllmseo schema");
    if (others.length > 0) {
      options.log.warn(
        { db: db.displayUrl, prefix: options.prefix, otherPrefixes: others },
        `created new tables with the prefix "${options.prefix}" beside existing ones with ${others.map((other) => `"${other}"`).join(", ")}: ` +
          "if the prefix was mistyped, pass --prefix with the existing one (the new tables can be dropped)",
      );
    }
    return;
  }
  const found = version === null ? `no wpllmseo schema with the table prefix "${options.prefix}"` : `schema version ${version}`;
  const fix =
    version === null
      ? `check --prefix (or $WPLLMSEO_PREFIX) first, then run \`wpllmseo upgrade --db ${db.displayUrl} --prefix ${options.prefix}\` to create the tables`
      : `run \`wpllmseo upgrade --db ${db.displayUrl} --prefix ${options.prefix}\` first`;
  throw new Error(`${db.displayUrl} has ${found}, expected ${SCHEMA_VERSION}: ${fix}.`);
}
