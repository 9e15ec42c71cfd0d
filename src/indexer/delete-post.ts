import type { Db } from "../store/db.js";
import { toIdParam } from "../store/rows.js";
import { removePostIndex } from "./write-post-index.js";

/**
 * Deletes a post with its chunks, snippets, token rows and queued jobs, in
 * one transaction. A job already running for the post finds the post gone
 * when it writes and stores nothing. Returns false when no such post exists.
 */
export async function deletePost(db: Db, postId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const id = toIdParam(postId);
    const deleted = await tx.execute(`DELETE FROM ${tx.tables.posts} WHERE id = ?`, [id]);
    if (deleted.affectedRows === 0) {
      return false;
    }
    await removePostIndex(tx, postId);
    await tx.execute(`DELETE FROM ${tx.tables.snippets} WHERE post_id = ?`, [id]);
    await tx.execute(
      `DELETE FROM ${tx.tables.jobs} WHERE post_id = ? AND status = 'queued'`,
      [id],
    );
    return true;
  });
}
