/**
 * Replaces a post's chunks and token rows inside the job's transaction.
 */
import type { Db } from "../store/db.js";
import { sqlNow } from "../store/sql-time.js";
import { EMBEDDING_FORMAT, type EmbedderInfo } from "../embedders/embedder.js";
import type { EmbedPostOutput } from "../pool/tasks.js";
import { formatVectorJson, vectorBytes } from "../embedders/vector-codec.js";

/** Rows per multi-row INSERT; keeps statements well under max_allowed_packet. */
const INSERT_BATCH = 200;

export async function writePostIndex(
  tx: Db,
  postId: string,
  embedded: EmbedPostOutput,
  embedder: EmbedderInfo,
): Promise<void> {
  for (const chunk of embedded.chunks) {
    if (chunk.vector.length !== embedder.dim || !chunk.vector.every(Number.isFinite)) {
      throw new Error(
        `Embedder ${embedder.version} returned an invalid vector for post ${postId}: ` +
          `${chunk.vector.length} values (expected ${embedder.dim}), all must be finite.`,
      );
    }
  }
  await removePostIndex(tx, postId);
  await insertChunks(tx, postId, embedded, embedder);
  await insertTokens(tx, postId, embedded);
}

/** Deletes a post's chunks and token rows, as when the post is gone. */
export async function removePostIndex(tx: Db, postId: string): Promise<void> {
  await tx.execute(`DELETE FROM ${tx.tables.chunks} WHERE post_id = ?`, [postId]);
  await tx.execute(`DELETE FROM ${tx.tables.tokens} WHERE post_id = ?`, [postId]);
}

async function insertChunks(tx: Db, postId: string, embedded: EmbedPostOutput, embedder: EmbedderInfo) {
  const now = sqlNow(tx);
  const columns =
    "post_id, chunk_index, chunk_text, embedding_json, embedding_format, embedding_dim," +
    " embedding_checksum, embedding_version, embedding_f32, token_count, created_at, updated_at";
  const placeholders = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${now}, ${now})`;

  for (let start = 0; start < embedded.chunks.length; start += INSERT_BATCH) {
    const batch = embedded.chunks.slice(start, start + INSERT_BATCH);
    const params = batch.flatMap((chunk, offset) => [
      postId,
      start + offset,
      chunk.text,
      formatVectorJson(chunk.vector),
      EMBEDDING_FORMAT,
      chunk.vector.length,
      chunk.checksum,
      embedder.version,
      vectorBytes(chunk.vector),
      chunk.tokenCount,
    ]);
    const values = batch.map(() => placeholders).join(", ");
    await tx.execute(`INSERT INTO ${tx.tables.chunks} (${columns}) VALUES ${values}`, params);
  }
}

async function insertTokens(tx: Db, postId: string, embedded: EmbedPostOutput) {
  const now = sqlNow(tx);
  for (let start = 0; start < embedded.tokens.length; start += INSERT_BATCH) {
    const batch = embedded.tokens.slice(start, start + INSERT_BATCH);
    const params = batch.flatMap((token) => [postId, token.token, token.score]);
    const values = batch.map(() => `(?, ?, ?, ${now})`).join(", ");
    await tx.execute(
      `INSERT INTO ${tx.tables.tokens} (post_id, token, score, created_at) VALUES ${values}`,
      params,
    );
  }
}
