/**
 * Keeps the vector index in step with the chunks table.
 *
 * Chunk ids grow with every insert, so each search first loads the chunks
 * above the highest id seen (one indexed range read, empty when nothing
 * changed): vectors written by workers are visible to the next search.
 * A worker replaces all chunks of a post in one transaction, so the first
 * new chunk of a post seen in a sync also retires the post's older chunks.
 * Two slower checks run at most every LATE_CHECK_MS and RECONCILE_MS:
 * - a transaction can commit a lower id after a higher one, so each sync
 *   keeps the ids it skipped among the last LATE_WINDOW ids below the mark
 *   (gaps, as ranges), and the check reads those ranges again. A gap is
 *   most often a deleted or rolled-back row, and reading an empty range
 *   probes one page of the primary key;
 * - re-indexing and removal delete chunks, so the full id list is read in
 *   the background and the rows of deleted chunks are cleared.
 * Neither check reads a range of whole chunk rows. On MariaDB those rows
 * sit in the clustered index with the vector and its JSON, so listing the
 * last 2,000 ids that way read about 400 pages per check (one measurement
 * on 10,000 posts, with another database being written).
 * NOTE: a chunk committed more than LATE_WINDOW ids out of order is not
 * loaded (reconcile only clears rows) until its post is indexed again.
 */
import type { Logger } from "pino";

import { EMBED_POST_JOB } from "../indexer/index-post.js";
import { enqueueJob } from "../queue/enqueue-job.js";
import type { Db, Row } from "../store/db.js";
import { toId } from "../store/rows.js";
import { checkChunkVector } from "./check-chunk-vector.js";
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
/** Gap ranges read in one statement of the late check. */
const GAPS_PER_READ = 100;
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
  /** Ids no sync has returned among the last LATE_WINDOW below the mark, as sorted ranges [first, last]. */
  #gaps: [first: bigint, last: bigint][] = [];
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
      this.#noteGaps(rows.map((row) => BigInt(toId(row.id))));
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

  /** Reads the gaps below the mark again now, as the sync does every LATE_CHECK_MS, and loads the chunks found there. */
  async checkLateRows(): Promise<void> {
    this.#lastLateCheck = Date.now();
    await this.#loadLateRows(new Set());
  }

  /** Ids below the mark that no sync has returned, as ranges [first, last]. */
  get gaps(): readonly (readonly [bigint, bigint])[] {
    return this.#gaps;
  }

  /** Clears the rows of chunks that no longer exist in the table. */
  async reconcile(): Promise<void> {
    this.#reconciling = true;
    try {
      const { db, catalog } = this.#deps;
      // Without a condition on id, MariaDB and SQLite read the ids from the
      // narrow (post_id, chunk_index) index instead of the whole rows.
      const rows = await db.query(`SELECT id FROM ${db.tables.chunks}`);
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

  /**
   * Records the ids that a read of the rows above the mark skipped, given
   * the ids it returned in ascending order, and drops what falls out of
   * the window below the new mark.
   */
  #noteGaps(ids: readonly bigint[]): void {
    let previous = this.#highestId;
    for (const id of ids) {
      if (id > previous + 1n) this.#gaps.push([previous + 1n, id - 1n]);
      if (id > previous) previous = id;
    }
    const floor = previous - LATE_WINDOW;
    this.#gaps = this.#gaps.flatMap(([first, last]): [bigint, bigint][] => {
      if (last <= floor) return [];
      return [[first > floor ? first : floor + 1n, last]];
    });
  }

  /** Reads the gap ranges below the mark and loads any rows committed there since. */
  async #loadLateRows(refreshed: Set<string>): Promise<void> {
    const { db } = this.#deps;
    const found = new Set<bigint>();
    const gaps = [...this.#gaps];
    for (let start = 0; start < gaps.length; start += GAPS_PER_READ) {
      const batch = gaps.slice(start, start + GAPS_PER_READ);
      const rows = await db.query(
        `${SELECT_VECTORS} WHERE ${batch.map(() => "(id >= ? AND id <= ?)").join(" OR ")}`.replace("{table}", db.tables.chunks),
        [...this.#versionParams(), ...batch.flat()],
      );
      for (const row of rows) found.add(BigInt(toId(row.id)));
      await this.#loadRows(rows, refreshed);
    }
    if (found.size > 0) this.#gaps = this.#gaps.flatMap((range) => removeIds(range, found));
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

function compareBigInts(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Splits a range of ids around the ids of `found` that fall inside it. */
function removeIds([first, last]: readonly [bigint, bigint], found: ReadonlySet<bigint>): [bigint, bigint][] {
  const inside = [...found].filter((id) => id >= first && id <= last).sort(compareBigInts);
  const ranges: [bigint, bigint][] = [];
  let start = first;
  for (const id of inside) {
    if (id > start) ranges.push([start, id - 1n]);
    start = id + 1n;
  }
  if (start <= last) ranges.push([start, last]);
  return ranges;
}
