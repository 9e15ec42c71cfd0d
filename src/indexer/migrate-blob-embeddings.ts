/**
 * Converts legacy `embedding` BLOBs (little-endian float32) of the chunks or
 * snippets table to this engine's stored form: embedding_json,
 * embedding_f32, embedding_dim, embedding_format and a checksum over the
 * float32 bytes.
 *
 * Rows are read in id order after the last id handled (keyset paging), so
 * rows that leave the "not yet converted" set as they are converted can
 * never make the scan skip others, as OFFSET paging would. A run that
 * stops part-way converts the rest when started again. A BLOB whose length
 * is not a multiple of 4, or that contains a non-finite value, is left as
 * it is and counted as failed.
 */
import { sha256Hex } from "../embedders/sha256.js";
import { bytesToVector, formatVectorJson } from "../embedders/vector-codec.js";
import { EMBEDDING_FORMAT } from "../embedders/embedder.js";
import type { Db } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import { sqlNow } from "../store/sql-time.js";

export type EmbeddingTable = "chunks" | "snippets";

export interface MigrateBlobsOptions {
  table: EmbeddingTable;
  batchSize: number;
  /** Called after each batch with the totals so far. */
  onBatch?: (progress: MigrateBlobsResult) => void;
}

export interface MigrateBlobsResult {
  converted: number;
  failed: number;
  failedIds: string[];
}

const MAX_REPORTED_FAILURES = 100;

export async function migrateBlobEmbeddings(db: Db, options: MigrateBlobsOptions): Promise<MigrateBlobsResult> {
  const table = db.tables[options.table];
  const result: MigrateBlobsResult = { converted: 0, failed: 0, failedIds: [] };
  let lastId = 0n;
  for (;;) {
    const rows = await db.query(
      `SELECT id, embedding FROM ${table} WHERE id > ? AND embedding IS NOT NULL AND embedding_json IS NULL` +
        ` ORDER BY id LIMIT ${options.batchSize}`,
      [lastId],
    );
    if (rows.length === 0) return result;
    lastId = BigInt(toId(rows.at(-1)?.id));
    await db.transaction(async (tx) => {
      for (const row of rows) await convertRow(tx, table, row, result);
    });
    options.onBatch?.(result);
  }
}

async function convertRow(tx: Db, table: string, row: Record<string, unknown>, result: MigrateBlobsResult): Promise<void> {
  const id = toId(row.id);
  const bytes = row.embedding instanceof Uint8Array ? row.embedding : null;
  const vector = bytes ? bytesToVector(bytes) : null;
  if (!bytes || !vector || vector.length === 0 || !vector.every(Number.isFinite)) {
    result.failed++;
    if (result.failedIds.length < MAX_REPORTED_FAILURES) result.failedIds.push(id);
    return;
  }
  const checksum = sha256Hex(bytes);
  await tx.execute(
    `UPDATE ${table} SET embedding_json = ?, embedding_f32 = ?, embedding_dim = ?, embedding_format = ?,` +
      ` embedding_checksum = ?, updated_at = ${sqlNow(tx)} WHERE id = ? AND embedding_json IS NULL`,
    [formatVectorJson(vector), Buffer.from(bytes), vector.length, EMBEDDING_FORMAT, checksum, toIdParam(id)],
  );
  result.converted++;
}
