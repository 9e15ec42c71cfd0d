/**
 * The reference ranking that the engine's top 10 is compared with: exact
 * float32 cosine over every chunk vector and BM25 over every posting of
 * every query token, each leg ranked and fused with the engine's own
 * reciprocal rank fusion.
 *
 * A post's lexical score is the engine's: the sum of stored BM25 term weight
 * times ln(1 + (N - df + 0.5) / (df + 0.5)). Here df is the exact posting
 * count and every token and posting counts, whereas the engine reads at
 * most 12,000 postings in all, for at most 16 query tokens, and scores only
 * its best 1,000 posts in full.
 */
import type { Db } from "../src/store/db.js";
import { fuseRanks, type LegScores } from "../src/search/fuse.js";
import { bytesToVector } from "../src/embedders/vector-codec.js";
import { toId, toInt } from "../src/store/rows.js";

/** Chunks read per statement while loading, so no single result set contains every vector. */
const LOAD_BATCH = 5000;

export class ExhaustiveSearch {
  private constructor(
    private readonly db: Db,
    private readonly vectors: Float32Array,
    private readonly chunkPosts: readonly string[],
    private readonly dim: number,
    private readonly postCount: number,
  ) {}

  /** Reads every chunk's embedding_f32 and the post count from `db`. */
  static async load(db: Db, dim: number): Promise<ExhaustiveSearch> {
    const [countRow] = await db.query(`SELECT COUNT(*) AS n FROM ${db.tables.chunks}`);
    const total = toInt(countRow?.n ?? 0);
    const vectors = new Float32Array(total * dim);
    const chunkPosts: string[] = [];
    let lastId = 0;
    while (chunkPosts.length < total) {
      const rows = await db.query(
        `SELECT id, post_id, embedding_f32 FROM ${db.tables.chunks} WHERE id > ? ORDER BY id LIMIT ${LOAD_BATCH}`,
        [lastId],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const vector = bytesToVector(row.embedding_f32 as Uint8Array);
        if (!vector || vector.length !== dim) throw new Error(`Chunk ${toId(row.id)} has no ${dim}-value embedding_f32.`);
        vectors.set(normalize(vector), chunkPosts.length * dim);
        chunkPosts.push(toId(row.post_id));
        lastId = toInt(row.id);
      }
    }
    const [postRow] = await db.query(`SELECT COUNT(DISTINCT post_id) AS n FROM ${db.tables.chunks}`);
    return new ExhaustiveSearch(db, vectors, chunkPosts, dim, toInt(postRow?.n ?? 0));
  }

  /** Returns the ids of the `k` best posts for the query's tokens and vector. */
  async search(tokens: readonly string[], queryVector: Float32Array, k: number): Promise<string[]> {
    const posts = new Map<string, LegScores>();
    for (const [postId, score] of await this.#scoreLexical(tokens)) posts.set(postId, { postId, lexicalScore: score });
    for (const [postId, score] of this.#scoreVectors(queryVector)) {
      const entry = posts.get(postId) ?? { postId };
      entry.vectorScore = score;
      posts.set(postId, entry);
    }
    return fuseRanks([...posts.values()]).slice(0, k).map((post) => post.postId);
  }

  async #scoreLexical(tokens: readonly string[]): Promise<Map<string, number>> {
    const sums = new Map<string, number>();
    for (const token of new Set(tokens)) {
      const rows = await this.db.query(`SELECT post_id, score FROM ${this.db.tables.tokens} WHERE token = ?`, [token]);
      const df = rows.length;
      if (df === 0) continue;
      const idf = Math.log(1 + (Math.max(this.postCount, df) - df + 0.5) / (df + 0.5));
      for (const row of rows) {
        const postId = toId(row.post_id);
        sums.set(postId, (sums.get(postId) ?? 0) + Number(row.score) * idf);
      }
    }
    return sums;
  }

  /** Returns each post's best chunk cosine. */
  #scoreVectors(query: Float32Array): Map<string, number> {
    const unit = normalize(query);
    const best = new Map<string, number>();
    const { dim, vectors } = this;
    this.chunkPosts.forEach((postId, row) => {
      let dot = 0;
      const offset = row * dim;
      for (let i = 0; i < dim; i++) dot += (unit[i] as number) * (vectors[offset + i] as number);
      const current = best.get(postId);
      if (current === undefined || dot > current) best.set(postId, dot);
    });
    return best;
  }
}

/** Returns `vector` scaled to unit length, or a zero vector unchanged. */
function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  return vector.map((value) => value * scale);
}
