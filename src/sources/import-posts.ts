/**
 * Stores posts and enqueues an `embed_post` job for each new or changed one.
 *
 * Each batch of posts and its jobs commit in one transaction, so an
 * interrupted import never leaves a changed post without its job. Unchanged
 * posts (same title, url and content) enqueue nothing.
 */
import { sha256Hex } from "../embedders/sha256.js";
import { EMBED_POST_JOB } from "../indexer/index-post.js";
import { enqueueJob } from "../queue/enqueue-job.js";
import type { Db } from "../store/db.js";
import { sqlNow } from "../store/sql-time.js";
import { toId } from "../store/rows.js";
import type { SourcePost } from "./source-post.js";

export type ImportOutcome = "added" | "updated" | "unchanged";

export interface ImportResult {
  postId: string;
  outcome: ImportOutcome;
}

export async function importPost(db: Db, post: SourcePost): Promise<ImportResult> {
  return db.transaction(async (tx) => {
    const result = await upsertPost(tx, post);
    if (result.outcome !== "unchanged") {
      await enqueueJob(tx, {
        jobType: EMBED_POST_JOB,
        postId: result.postId,
        dedupeKey: `${EMBED_POST_JOB}_${result.postId}`,
      });
    }
    return result;
  });
}

async function upsertPost(tx: Db, post: SourcePost): Promise<ImportResult> {
  const sourceHash = sha256Hex(post.source);
  const contentHash = sha256Hex(`${post.title}\u0000${post.url}\u0000${post.content}`);
  const table = tx.tables.posts;

  const existing = await tx.query(`SELECT id, content_hash FROM ${table} WHERE source_hash = ?`, [sourceHash]);
  const row = existing[0];
  if (row) {
    const postId = toId(row.id);
    if (row.content_hash === contentHash) return { postId, outcome: "unchanged" };
    await tx.execute(
      `UPDATE ${table} SET title = ?, url = ?, content = ?, content_hash = ?, updated_at = ${sqlNow(tx)} WHERE id = ?`,
      [post.title, post.url, post.content, contentHash, postId],
    );
    return { postId, outcome: "updated" };
  }

  const inserted = await tx.execute(
    `INSERT INTO ${table} (source_hash, source, title, url, content, content_hash, created_at, updated_at)` +
      ` VALUES (?, ?, ?, ?, ?, ?, ${sqlNow(tx)}, ${sqlNow(tx)})`,
    [sourceHash, post.source, post.title, post.url, post.content, contentHash],
  );
  if (inserted.insertId === null) throw new Error(`Inserting post ${post.source} returned no id.`);
  return { postId: inserted.insertId, outcome: "added" };
}
