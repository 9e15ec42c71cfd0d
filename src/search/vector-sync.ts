/**
 * Keeps the vector index in step with the chunks table.
 *
 * Chunk ids grow with every insert, so each search first loads the chunks
 * above the highest id seen (one indexed range read, empty when nothing
 * changed): vectors written by workers are visible to the next search.
 * A worker replaces all chunks of a post in one transaction, so the first
 * new chunk of a post seen in a sync also retires the post's older chunks.
 * Two slower checks run at most every LATE_CHECK_MS and RECONCILE_MS:
 * - a transaction can commit a lower id after a higher one, so the ids of
 *   the last LATE_WINDOW ids below the mark are listed and any unseen
 *   ones loaded;
 * - re-indexing and removal delete chunks, so the full id list is read in
 *   the background and the rows of deleted chunks are cleared.
 * NOTE: a chunk committed more than LATE_WINDOW ids out of order becomes
 * visible only at the next reconcile.
 */
import type { Logger } from "pino";

import { EMBED_POST_JOB } from "../indexer/index-post.js";
import { enqueueJob } from "../queue/enqueue-job.js";
import type { Db, Row } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import { checkChunkVector } from "./check-chunk-vector.js";
import { placeholders } from "../store/placeholders.js";
import type { VectorCatalog } from "./vector-catalog.js";
import type { VectorMemory } from "./vector-memory.js";

/**
 * Rows per read of the vector load. Each row arrives as a JS object with a
 * 1,536-byte Buffer, and the whole batch stays live until it is quantized.
 * A smaller batch leaves fewer freed Buffers in the C allocator and fewer
 * survivors in V8's young generation. On 10,000 synthetic posts (25,134
 * chunks, SQLite, 2-core host, the child process of bench/search-memory.ts),
 * 256 rows cut RSS growth from a median of 108 to 92 MiB against 2,000 rows.
 * NOTE: on MariaDB, with 99 reads in place of 13, the first search took a
 * median 1.44 s against 1.27 s with 2,000 rows on the same host.
 */
const LOAD_BATCH = 256;
const LATE_WINDOW = 2000n;
const LATE_CHECK_MS = 1000;
const RECONCILE_MS = 30_000;

export interface VectorSyncStats {
  loaded: number;
  removed: number;
  skippedVersion: number;
  skippedDimension: number;
  corrupt: number;
}

export interface VectorSyncDeps {
  /** Database the vectors are read from: the primary or a read replica. */
  db: Db;
  /** Database that posts with bad vectors are queued on again: the primary. */
  queueDb: Db;
  dim: number;
  version: string;
  memory: VectorMemory;
  catalog: VectorCatalog;
  log?: Logger;
}

export class VectorSync {
  readonly stats: VectorSyncStats = { loaded: 0, removed: 0, skippedVersion: 0, skippedDimension: 0, corrupt: 0 };
  readonly #deps: VectorSyncDeps;
  /** Chunks seen and not loaded (other version, bad data), so they are not read again. */
  readonly #rejected = new Set<string>();
  /** Copy target for vectors whose bytes are not 4-byte aligned, reused row after row. */
  readonly #scratch: Float32Array;
  #highestId = 0n;
  #lastLateCheck = 0;
  #lastReconcile = 0;
  #running: Promise<void> | undefined;
  #reconciling = false;

  constructor(deps: VectorSyncDeps) {
    this.#deps = deps;
    this.#scratch = new Float32Array(deps.dim);
  }

  /** Loads what changed since the last call; concurrent callers share one run. */
  sync(): Promise<void> {
    this.#running ??= this.#syncOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #syncOnce(): Promise<void> {
    const { db } = this.#deps;
    const refreshed = new Set<string>();
    for (;;) {
      const rows = await db.query(
        `${SELECT_VECTORS} WHERE id > ? ORDER BY id LIMIT ${LOAD_BATCH}`.replace("{table}", db.tables.chunks),
        [...this.#versionParams(), this.#highestId],
      );
      await this.#loadRows(rows, refreshed);
      if (rows.length < LOAD_BATCH) break;
    }
    const now = Date.now();
    if (now - this.#lastLateCheck >= LATE_CHECK_MS) {
      this.#lastLateCheck = now;
      await this.#loadLateRows(refreshed);
    }
    if (now - this.#lastReconcile >= RECONCILE_MS && !this.#reconciling) {
      this.#lastReconcile = now;
      void this.reconcile();
    }
  }

  /** Clears the rows of chunks that no longer exist in the table. */
  async reconcile(): Promise<void> {
    this.#reconciling = true;
    try {
      const { db, catalog } = this.#deps;
      const rows = await db.query(`SELECT id FROM ${db.tables.chunks} WHERE id <= ?`, [this.#highestId]);
      const live = new Set(rows.map((row) => toId(row.id)));
      for (const chunkId of [...catalog.chunkIds()]) {
        if (!live.has(chunkId)) this.forget(chunkId);
      }
      for (const chunkId of this.#rejected) {
        if (!live.has(chunkId)) this.#rejected.delete(chunkId);
      }
    } catch (error) {
      this.#deps.log?.warn({ err: error }, "reconciling the vector index failed; trying again later");
    } finally {
      this.#reconciling = false;
    }
  }

  /** Drops a chunk found deleted, as when a result's chunk no longer exists. */
  forget(chunkId: string): void {
    const slot = this.#deps.catalog.remove(chunkId);
    if (slot === undefined) return;
    this.#deps.memory.clearRow(slot);
    this.stats.removed++;
  }

  async #loadLateRows(refreshed: Set<string>): Promise<void> {
    const { db, catalog } = this.#deps;
    const low = this.#highestId > LATE_WINDOW ? this.#highestId - LATE_WINDOW : 0n;
    const ids = await db.query(`SELECT id FROM ${db.tables.chunks} WHERE id > ? AND id <= ?`, [low, this.#highestId]);
    const unseen = ids.map((row) => toId(row.id)).filter((id) => !catalog.has(id) && !this.#rejected.has(id));
    for (let start = 0; start < unseen.length; start += LOAD_BATCH) {
      const batch = unseen.slice(start, start + LOAD_BATCH);
      const rows = await db.query(
        `${SELECT_VECTORS} WHERE id IN (${placeholders(batch.length)})`.replace("{table}", db.tables.chunks),
        [...this.#versionParams(), ...batch.map(toIdParam)],
      );
      await this.#loadRows(rows, refreshed);
    }
  }

  /** Parameters of SELECT_VECTORS's version filter. */
  #versionParams(): string[] {
    return [this.#deps.version, this.#deps.version];
  }

  /** Loads rows; `refreshed` contains the posts whose older chunks this sync already retired. */
  async #loadRows(rows: Row[], refreshed: Set<string>): Promise<void> {
    const { dim, version, memory, catalog } = this.#deps;
    const requeue = new Set<string>();
    for (const row of rows) {
      const chunkId = toId(row.id);
      const postId = toId(row.post_id);
      const id = BigInt(chunkId);
      if (id > this.#highestId) this.#highestId = id;
      if (catalog.has(chunkId)) continue;
      if (!refreshed.has(postId)) {
        refreshed.add(postId);
        this.#retireChunksOf(postId);
      }

      const checked = checkChunkVector(row, dim, version, this.#scratch);
      if ("kind" in checked) {
        this.#reject(chunkId, postId, checked.kind, checked.reason, requeue);
        continue;
      }
      catalog.add(memory.appendVector(checked.vector, catalog.ordinalOf(postId)), chunkId, postId);
      this.stats.loaded++;
    }
    await this.#requeue(requeue);
  }

  #retireChunksOf(postId: string): void {
    const { catalog } = this.#deps;
    const chunkIds = catalog.slotsOf(postId).map((slot) => catalog.chunkAt(slot)?.chunkId);
    for (const chunkId of chunkIds) {
      if (chunkId !== undefined) this.forget(chunkId);
    }
  }

  #reject(chunkId: string, postId: string, kind: string, reason: string, requeue: Set<string>): void {
    this.#rejected.add(chunkId);
    if (kind === "version") {
      this.stats.skippedVersion++;
      return;
    }
    if (kind === "dimension") this.stats.skippedDimension++;
    else this.stats.corrupt++;
    this.#deps.log?.warn({ chunkId, postId, reason }, "chunk vector rejected; its post is queued for embedding again");
    requeue.add(postId);
  }

  async #requeue(postIds: Set<string>): Promise<void> {
    for (const postId of postIds) {
      try {
        await enqueueJob(this.#deps.queueDb, { jobType: EMBED_POST_JOB, postId, dedupeKey: `${EMBED_POST_JOB}_${postId}` });
      } catch (error) {
        this.#deps.log?.error({ err: error, postId }, "queueing a post with a bad vector failed");
      }
    }
  }
}

/**
 * Reads chunk rows with their vectors only where embedding_version is the
 * configured one (both `?` take the version): rows of other versions come
 * back without vector data, to be counted in `skippedVersion`, never scored.
 */
const SELECT_VECTORS =
  "SELECT id, post_id, embedding_dim, embedding_version, embedding_checksum," +
  " CASE WHEN embedding_version = ? THEN embedding_f32 END AS embedding_f32," +
  " CASE WHEN embedding_version = ? AND embedding_f32 IS NULL THEN embedding_json END AS embedding_json FROM {table}";
