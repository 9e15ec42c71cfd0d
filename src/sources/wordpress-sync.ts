/**
 * Keeps the engine's posts in step with a WordPress `<prefix>posts` table.
 *
 * A round has two passes. The change pass reads the posts modified since
 * the stored watermark, in (post_modified_gmt, ID) order and in batches.
 * Posts that match the filter are stored and enqueued through importPost,
 * where unchanged content enqueues nothing. Posts that no longer match
 * (trashed, unpublished, given a password) are removed with deletePost.
 *
 * Deleted rows leave no trace in wp_posts, so the removal pass then walks
 * the engine's WordPress posts in id order, a batch at a time, and removes
 * those whose ID no longer has a matching row. It sends one primary-key IN
 * lookup per batch, so a round's memory is bounded by the batch size, and
 * its query count grows with the number of synced posts, not the changes.
 *
 * Every post is keyed `wordpress:<ID>`, so one engine table prefix serves
 * one WordPress site. The first sync records its source in the meta
 * table. A sync from another source is rejected unless `replaceSource` is
 * set, because its removal pass would delete the first site's posts.
 */
import { deletePost } from "../indexer/delete-post.js";
import { sha256Hex } from "../embedders/sha256.js";
import type { Db } from "../store/db.js";
import { readMeta, writeMeta } from "../store/meta.js";
import { placeholders } from "../store/placeholders.js";
import { toId, toIdParam } from "../store/rows.js";
import { validatePrefix } from "../store/table-names.js";
import { importPost } from "./import-posts.js";
import { matchesPostFilter, toWordPressSourcePost, type PostFilter } from "./wordpress-post.js";

/**
 * Seconds before the watermark that each round reads again. WordPress
 * stamps post_modified_gmt in PHP, with whole seconds, before its UPDATE
 * commits, so a post can commit with a time just below a watermark that
 * a faster request already moved past. Reading again costs a hash
 * comparison per post, because unchanged posts enqueue nothing.
 */
export const LOOKBACK_SECONDS = 60;

export const DEFAULT_SYNC_BATCH = 500;

export interface WordPressSource {
  /** The database that contains `<prefix>posts`; may be the engine's own. */
  db: Db;
  /** WordPress table prefix, such as `wp_`. */
  prefix: string;
}

export interface SyncOptions {
  filter: PostFilter;
  /** Rows read per query in both passes. */
  batchSize?: number;
  /** Checked between batches; returning true ends the round early, keeping the watermark of the work done. */
  shouldStop?: () => boolean;
  /** Follow this source even when the engine's posts came from another one, whose posts the round then removes. */
  replaceSource?: boolean;
}

/** Meta name of the source that the engine's WordPress posts come from. */
export const SYNC_SOURCE_NAME = "wordpress_sync_source";

/** Raised when the engine's WordPress posts came from another source. */
export class SyncSourceError extends Error {
  constructor(readonly recorded: string, readonly requested: string) {
    super(
      `The engine's WordPress posts come from ${recorded}, not ${requested}; a sync from there would remove them. ` +
        "Use another --prefix for a second site, or pass --replace-source to follow the new source.",
    );
    this.name = "SyncSourceError";
  }
}

/** The last post handled, in (post_modified_gmt, ID) order. */
export interface Watermark {
  modifiedGmt: string;
  id: string;
}

export interface SyncResult {
  /** Rows read by the change pass. */
  scanned: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Engine posts deleted because their WordPress post was deleted or no longer matches the filter. */
  removed: number;
  watermark: Watermark | null;
  /** True when shouldStop ended the round before both passes finished. */
  stopped: boolean;
}

interface WordPressRow {
  ID: unknown;
  post_title: string;
  post_content: string;
  post_status: string;
  post_type: string;
  post_password: string;
  post_modified_gmt: string;
  guid: string;
  [column: string]: unknown;
}

export function wordpressSourceKey(postId: string): string {
  return `wordpress:${postId}`;
}

/**
 * Builds the meta name of a source's watermark. The filter is part of it,
 * so that a wider filter starts from the beginning and finds the older
 * posts that it now selects.
 */
export function watermarkName(source: WordPressSource, filter: PostFilter): string {
  const key = [source.db.displayUrl, source.prefix, [...filter.types].sort().join(","), [...filter.statuses].sort().join(",")];
  return `wordpress_sync_watermark_${sha256Hex(key.join("\u0000")).slice(0, 16)}`;
}

/** Runs one sync round: the change pass, then the removal pass. */
export async function syncWordPress(engineDb: Db, source: WordPressSource, options: SyncOptions): Promise<SyncResult> {
  const postsTable = `${validatePrefix(source.prefix)}posts`;
  const batchSize = options.batchSize ?? DEFAULT_SYNC_BATCH;
  const shouldStop = options.shouldStop ?? (() => false);
  await checkPostsTable(source, postsTable);
  await claimSource(engineDb, source, options.replaceSource === true);
  const metaName = watermarkName(source, options.filter);
  const stored = await readMeta(engineDb, metaName);
  const result: SyncResult = {
    scanned: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    watermark: stored === null ? null : (JSON.parse(stored) as Watermark),
    stopped: false,
  };

  const start = result.watermark === null ? null : subtractSeconds(result.watermark.modifiedGmt, LOOKBACK_SECONDS);
  let cursor: Watermark | null = null;
  for (;;) {
    if (shouldStop()) return { ...result, stopped: true };
    const rows = await selectChangedPosts(source.db, postsTable, options.filter.types, start, cursor, batchSize);
    for (const row of rows) await applyRow(engineDb, row, options.filter, result);
    result.scanned += rows.length;
    const last = rows.at(-1);
    if (last !== undefined) {
      cursor = { modifiedGmt: last.post_modified_gmt, id: toId(last.ID) };
      if (result.watermark === null || compareWatermarks(cursor, result.watermark) > 0) {
        result.watermark = cursor;
        await writeMeta(engineDb, metaName, JSON.stringify(cursor));
      }
    }
    if (rows.length < batchSize) break;
  }

  const stopped = await removeVanishedPosts(engineDb, source.db, postsTable, options.filter, batchSize, shouldStop, result);
  return { ...result, stopped };
}

/** Raises an error that names --wp-db and --wp-prefix when the posts table cannot be read; nothing is written before. */
async function checkPostsTable(source: WordPressSource, postsTable: string): Promise<void> {
  try {
    await source.db.query(`SELECT ID FROM ${postsTable} LIMIT 1`);
  } catch (error) {
    throw new Error(
      `Cannot read the WordPress table ${postsTable} in ${source.db.displayUrl}: ${(error as Error).message}. ` +
        "Pass the WordPress database with --wp-db and its table prefix with --wp-prefix (default wp_).",
      { cause: error },
    );
  }
}

/** Records the source on the first sync; raises SyncSourceError when another one is recorded and `replace` is false. */
async function claimSource(engineDb: Db, source: WordPressSource, replace: boolean): Promise<void> {
  const requested = `${source.db.displayUrl} (table ${source.prefix}posts)`;
  const recorded = await readMeta(engineDb, SYNC_SOURCE_NAME);
  if (recorded === requested) return;
  if (recorded !== null && !replace) throw new SyncSourceError(recorded, requested);
  await writeMeta(engineDb, SYNC_SOURCE_NAME, requested);
}

/**
 * Reads a batch of posts of the given types in (post_modified_gmt, ID)
 * order: from `start` (inclusive, so posts sharing the watermark's second
 * are read again) on the first batch, then after `cursor`, which breaks
 * ties between equal times by ID.
 */
async function selectChangedPosts(
  db: Db,
  table: string,
  types: readonly string[],
  start: string | null,
  cursor: Watermark | null,
  batchSize: number,
): Promise<WordPressRow[]> {
  const conditions = [`post_type IN (${placeholders(types.length)})`];
  const params: unknown[] = [...types];
  if (cursor !== null) {
    conditions.push("(post_modified_gmt > ? OR (post_modified_gmt = ? AND ID > ?))");
    params.push(cursor.modifiedGmt, cursor.modifiedGmt, toIdParam(cursor.id));
  } else if (start !== null) {
    conditions.push("post_modified_gmt >= ?");
    params.push(start);
  }
  return db.query<WordPressRow>(
    "SELECT ID, post_title, post_content, post_status, post_type, post_password, post_modified_gmt, guid" +
      ` FROM ${table} WHERE ${conditions.join(" AND ")} ORDER BY post_modified_gmt, ID LIMIT ${batchSize}`,
    params,
  );
}

async function applyRow(engineDb: Db, row: WordPressRow, filter: PostFilter, result: SyncResult): Promise<void> {
  const source = wordpressSourceKey(toId(row.ID));
  const post = { type: row.post_type, status: row.post_status, password: row.post_password ?? "" };
  if (matchesPostFilter(filter, post)) {
    const sourcePost = toWordPressSourcePost(source, { title: row.post_title, url: row.guid, content: row.post_content });
    const { outcome } = await importPost(engineDb, sourcePost);
    result[outcome]++;
    return;
  }
  const rows = await engineDb.query(`SELECT id FROM ${engineDb.tables.posts} WHERE source_hash = ?`, [sha256Hex(source)]);
  const engineId = rows[0]?.id;
  if (engineId !== undefined && (await deletePost(engineDb, toId(engineId)))) result.removed++;
}

/** Deletes the engine's WordPress posts whose row is gone or no longer matches; returns true when stopped early. */
async function removeVanishedPosts(
  engineDb: Db,
  wordpressDb: Db,
  table: string,
  filter: PostFilter,
  batchSize: number,
  shouldStop: () => boolean,
  result: SyncResult,
): Promise<boolean> {
  let afterId = 0n;
  for (;;) {
    if (shouldStop()) return true;
    const synced = await engineDb.query(
      `SELECT id, source FROM ${engineDb.tables.posts} WHERE id > ? AND source LIKE 'wordpress:%' ORDER BY id LIMIT ${batchSize}`,
      [afterId],
    );
    if (synced.length === 0) return false;
    afterId = BigInt(toId(synced.at(-1)?.id));

    const wordpressIds = synced.map((row) => String(row.source).slice("wordpress:".length));
    const present = await wordpressDb.query(
      `SELECT ID FROM ${table} WHERE ID IN (${placeholders(wordpressIds.length)})` +
        ` AND post_type IN (${placeholders(filter.types.length)}) AND post_status IN (${placeholders(filter.statuses.length)})` +
        " AND post_password = ''",
      [...wordpressIds.map(toIdParam), ...filter.types, ...filter.statuses],
    );
    const presentIds = new Set(present.map((row) => toId(row.ID)));
    for (const [i, row] of synced.entries()) {
      if (presentIds.has(wordpressIds[i] as string)) continue;
      if (await deletePost(engineDb, toId(row.id))) result.removed++;
    }
    if (synced.length < batchSize) return false;
  }
}

function compareWatermarks(a: Watermark, b: Watermark): number {
  if (a.modifiedGmt !== b.modifiedGmt) return a.modifiedGmt < b.modifiedGmt ? -1 : 1;
  const difference = BigInt(a.id) - BigInt(b.id);
  if (difference === 0n) return 0;
  return difference < 0n ? -1 : 1;
}

/** Subtracts seconds from a "YYYY-MM-DD HH:MM:SS" UTC time; WordPress's zero time stays as it is. */
function subtractSeconds(time: string, seconds: number): string {
  const parsed = Date.parse(`${time.slice(0, 19).replace(" ", "T")}Z`);
  if (Number.isNaN(parsed) || time.startsWith("0000")) return time;
  return new Date(parsed - seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
}
