/**
 * Enqueues `embed_post` jobs for stored posts: by default those with no chunk
 * of the given embedding version (never indexed, indexed by another
 * embedder, or whose jobs were cleared or purged), or every post.
 *
 * Posts are read in id order after the last id handled, a batch per
 * transaction, and the dedupe key keeps a post from getting a second
 * active job.
 */
import type { Db } from "../store/db.js";
import { toId } from "../store/rows.js";
import { enqueueJob } from "../queue/enqueue-job.js";
import { EMBED_POST_JOB } from "./index-post.js";

export interface EnqueuePostsOptions {
  /** Embedding version a post must have chunks of to be skipped. */
  version: string;
  /** Enqueue every post, indexed or not. */
  all: boolean;
  batchSize: number;
  /** Called after each batch with the batch's post count and the totals so far. */
  onProgress?: (batchPosts: number, result: EnqueuePostsResult) => void;
}

export interface EnqueuePostsResult {
  enqueued: number;
  alreadyQueued: number;
}

export async function enqueuePosts(db: Db, options: EnqueuePostsOptions): Promise<EnqueuePostsResult> {
  const result: EnqueuePostsResult = { enqueued: 0, alreadyQueued: 0 };
  let lastId = 0n;
  for (;;) {
    const ids = await selectPostIds(db, lastId, options);
    if (ids.length === 0) return result;
    lastId = BigInt(ids.at(-1) as string);
    await db.transaction(async (tx) => {
      for (const postId of ids) {
        const { created } = await enqueueJob(tx, { jobType: EMBED_POST_JOB, postId, dedupeKey: `${EMBED_POST_JOB}_${postId}` });
        if (created) result.enqueued++;
        else result.alreadyQueued++;
      }
    });
    options.onProgress?.(ids.length, { ...result });
  }
}

/** Counts the posts that `enqueuePosts` would enqueue or find already queued. */
export async function countPostsToEnqueue(db: Db, options: Pick<EnqueuePostsOptions, "version" | "all">): Promise<number> {
  const rows = await db.query(
    `SELECT COUNT(*) AS posts FROM ${db.tables.posts} p WHERE 1 = 1${unindexedCondition(db, options)}`,
    options.all ? [] : [options.version],
  );
  return Number(rows[0]?.posts ?? 0);
}

export interface VersionCount {
  version: string | null;
  chunks: number;
  posts: number;
}

/** Counts chunks and posts per embedding_version, most chunks first. */
export async function countChunksByVersion(db: Db): Promise<VersionCount[]> {
  const rows = await db.query(
    `SELECT embedding_version, COUNT(*) AS chunks, COUNT(DISTINCT post_id) AS posts FROM ${db.tables.chunks}` +
      " GROUP BY embedding_version ORDER BY chunks DESC",
  );
  return rows.map((row) => ({
    version: typeof row.embedding_version === "string" ? row.embedding_version : null,
    chunks: Number(row.chunks),
    posts: Number(row.posts),
  }));
}

/** The condition on posts `p` that keeps those with no chunk of the version; its `?` takes the version. */
function unindexedCondition(db: Db, options: Pick<EnqueuePostsOptions, "all">): string {
  return options.all
    ? ""
    : ` AND NOT EXISTS (SELECT 1 FROM ${db.tables.chunks} c WHERE c.post_id = p.id AND c.embedding_version = ?)`;
}

async function selectPostIds(db: Db, afterId: bigint, options: EnqueuePostsOptions): Promise<string[]> {
  const params: unknown[] = options.all ? [afterId] : [afterId, options.version];
  const rows = await db.query(
    `SELECT p.id FROM ${db.tables.posts} p WHERE p.id > ?${unindexedCondition(db, options)} ORDER BY p.id LIMIT ${options.batchSize}`,
    params,
  );
  return rows.map((row) => toId(row.id));
}
