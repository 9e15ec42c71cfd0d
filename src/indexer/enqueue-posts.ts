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
  }
}

async function selectPostIds(db: Db, afterId: bigint, options: EnqueuePostsOptions): Promise<string[]> {
  const { posts, chunks } = db.tables;
  const unindexed = options.all
    ? ""
    : ` AND NOT EXISTS (SELECT 1 FROM ${chunks} c WHERE c.post_id = p.id AND c.embedding_version = ?)`;
  const params: unknown[] = options.all ? [afterId] : [afterId, options.version];
  const rows = await db.query(
    `SELECT p.id FROM ${posts} p WHERE p.id > ?${unindexed} ORDER BY p.id LIMIT ${options.batchSize}`,
    params,
  );
  return rows.map((row) => toId(row.id));
}
