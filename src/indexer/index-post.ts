/**
 * The `embed_post` job handler: chunk, tokenize and embed one post with the
 * configured embedder, then hand the worker a write that replaces the
 * post's chunks and tokens in the same transaction that completes the job.
 */
import type { Logger } from "pino";

import type { Embedder } from "../embedders/embedder.js";
import type { ClaimedJob, JobContext, JobHandler, JobWrite } from "../queue/types.js";
import type { Db } from "../store/db.js";
import { toId } from "../store/rows.js";
import { removePostIndex, writePostIndex } from "./write-post-index.js";

export const EMBED_POST_JOB = "embed_post";

export interface IndexPostDeps {
  db: Db;
  embedder: Embedder;
  log?: Logger;
}

interface PostRow {
  title: string;
  content: string;
  content_hash: string;
  [column: string]: unknown;
}

export function createIndexPostHandler(deps: IndexPostDeps): JobHandler {
  return async (job: ClaimedJob, context?: JobContext): Promise<JobWrite> => {
    const postId = postIdOf(job);
    const post = await readPost(deps.db, postId);
    if (!post) {
      deps.log?.warn(
        { jobId: job.id, postId },
        "post not found in the posts table; the job completes and removes any chunks and tokens stored for it",
      );
      return (tx) => removePostIndex(tx, postId);
    }

    const embedded = await deps.embedder.embedPost({ title: post.title, content: post.content }, context?.signal);

    return async (tx) => {
      const current = await readPost(tx, postId);
      if (!current) {
        await removePostIndex(tx, postId);
        return;
      }
      if (current.content_hash !== post.content_hash) {
        throw new Error(`Post ${postId} changed while it was being indexed; the job runs again with the new content.`);
      }
      await writePostIndex(tx, postId, embedded, deps.embedder);
    };
  };
}

/** Reads the post id from the job's post_id column, or from `post_id` in its payload (the plugin's form). */
function postIdOf(job: ClaimedJob): string {
  if (job.postId !== null) return job.postId;
  const payload = job.payload as { post_id?: unknown } | null;
  if (payload && (typeof payload.post_id === "number" || typeof payload.post_id === "string")) {
    return toId(payload.post_id);
  }
  throw new Error(`Job ${job.id} has no post id: set its post_id column or "post_id" in its payload.`);
}

async function readPost(db: Db, postId: string): Promise<PostRow | undefined> {
  const rows = await db.query<PostRow>(
    `SELECT title, content, content_hash FROM ${db.tables.posts} WHERE id = ?`,
    [postId],
  );
  return rows[0];
}
