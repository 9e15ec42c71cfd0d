/**
 * Opens what a command needs, runs it, and closes everything even when the
 * command throws.
 */
import type { Logger } from "pino";

import { openDatabase, openEngine, type Engine } from "../engine.js";
import { createLogger } from "../log.js";
import type { Db } from "../store/db.js";
import { openDb } from "../store/open-db.js";
import type { GlobalOptions } from "./options.js";

export function commandLogger(options: GlobalOptions): Logger {
  return createLogger({ verbose: options.verbose, quiet: options.quiet });
}

/**
 * Runs `fn` with an open database that may have no schema yet. With
 * `mustExist`, a SQLite file that does not exist is an error instead of a
 * new empty database.
 */
export async function withRawDb<T>(
  options: GlobalOptions,
  fn: (db: Db) => Promise<T>,
  mustExist = false,
): Promise<T> {
  const db = await openDb(options.dbUrl, { prefix: options.prefix, mustExist });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Runs `fn` with a database whose schema is current; `createSchema` applies it when missing. */
export async function withDb<T>(
  options: GlobalOptions,
  createSchema: boolean,
  fn: (db: Db, log: Logger) => Promise<T>,
): Promise<T> {
  const log = commandLogger(options);
  const db = await openDatabase({ dbUrl: options.dbUrl, prefix: options.prefix, log, createSchema });
  try {
    return await fn(db, log);
  } finally {
    await db.close();
  }
}

/** Runs `fn` with the database, the WASM kernels and the worker-thread pool. */
export async function withEngine<T>(
  options: GlobalOptions & { threads?: number; createSchema?: boolean; readDbUrl?: string },
  fn: (engine: Engine) => Promise<T>,
): Promise<T> {
  const log = commandLogger(options);
  const engine = await openEngine({ ...options, log });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
