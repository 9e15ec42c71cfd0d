/**
 * Rescores the best chunks of the int8 scan with their float32 vectors, read
 * from the chunks table and checked against their checksums again, so the
 * top of the vector leg is ordered by exact cosine.
 *
 * The cosine runs on the main thread in WASM: for the few dozen vectors
 * rescored it takes microseconds, less than a message to a pool thread.
 */
import { sha256Hex } from "../embedders/sha256.js";
import { bytesToVector } from "../embedders/vector-codec.js";
import type { Kernels } from "../kernels/index.js";
import type { Db, Row } from "../store/db.js";
import { toId, toIdParam } from "../store/rows.js";
import { placeholders } from "../store/placeholders.js";
import type { ScoredChunk } from "./vector-index.js";

/** Chunk ids in one MySQL statement of readVectorRows. */
const CHUNKS_PER_READ = 8;

/**
 * Returns `chunks` in their order with float32 cosine scores. A chunk whose
 * row is gone or fails its checksum is left out and passed to `onInvalid`.
 */
export async function scoreChunksExactly(
  db: Db,
  kernels: Kernels,
  query: Float32Array,
  chunks: readonly ScoredChunk[],
  onInvalid: (chunkId: string) => void,
): Promise<ScoredChunk[]> {
  if (chunks.length === 0) return [];
  const rows = await readVectorRows(db, chunks.map((chunk) => chunk.chunkId));
  const vectors = new Map<string, Float32Array>();
  for (const row of rows) {
    const bytes = row.embedding_f32;
    if (!(bytes instanceof Uint8Array)) continue;
    const vector = bytesToVector(bytes);
    const checksum = sha256Hex(bytes);
    if (vector && vector.length === query.length && checksum === row.embedding_checksum) vectors.set(toId(row.id), vector);
  }

  const verified = chunks.filter((chunk) => vectors.has(chunk.chunkId));
  for (const chunk of chunks) {
    if (!vectors.has(chunk.chunkId)) onInvalid(chunk.chunkId);
  }
  const matrix = new Float32Array(verified.length * query.length);
  verified.forEach((chunk, index) => matrix.set(vectors.get(chunk.chunkId) as Float32Array, index * query.length));
  const exact = verified.length > 0 ? kernels.cosineBatch(query, matrix) : new Float32Array(0);
  return verified.map((chunk, index) => ({ ...chunk, score: exact[index] as number }));
}

/**
 * Reads the float32 vectors and checksums of the given chunks. On MySQL the
 * ids go out in groups of CHUNKS_PER_READ, one statement each, all at once
 * on pooled connections. The server reads the rows of one statement one
 * after the other, and each chunk row missing from the buffer pool is a
 * disk read.
 */
async function readVectorRows(db: Db, chunkIds: readonly string[]): Promise<Row[]> {
  const groupSize = db.dialect === "mysql" ? CHUNKS_PER_READ : chunkIds.length;
  const reads: Promise<Row[]>[] = [];
  for (let start = 0; start < chunkIds.length; start += groupSize) {
    const group = chunkIds.slice(start, start + groupSize);
    reads.push(
      db.query(
        `SELECT id, embedding_f32, embedding_checksum FROM ${db.tables.chunks} WHERE id IN (${placeholders(group.length)})`,
        group.map(toIdParam),
      ),
    );
  }
  return (await Promise.all(reads)).flat();
}
