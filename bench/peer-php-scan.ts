/**
 * The WP LLM SEO PHP plugin's search, re-created in JavaScript. It reads
 * every chunk's embedding_json, parses it, and computes each chunk's cosine
 * with the query vector in plain JavaScript. A post scores its best chunk,
 * and there is no lexical leg.
 */
import type { Engine } from "../src/engine.js";
import { toId } from "../src/store/rows.js";
import type { Peer } from "./peer.js";

interface ParsedChunk {
  postId: string;
  vector: number[];
}

export function createPhpScanPeer(engine: Engine): Peer {
  let chunks: ParsedChunk[] = [];
  return {
    name: "PHP plugin approach (JSON + plain-JS cosine)",
    method: "vector only: JSON.parse of every embedding_json, cosine over every chunk",
    async build() {
      const { db } = engine;
      const rows = await db.query(`SELECT post_id, embedding_json FROM ${db.tables.chunks}`);
      chunks = rows.map((row) => ({ postId: toId(row.post_id), vector: JSON.parse(String(row.embedding_json)) as number[] }));
    },
    async search(query, k) {
      const vector = engine.kernels.hashEmbed(engine.kernels.tokenize(query), engine.embedder.dim);
      const best = new Map<string, number>();
      for (const chunk of chunks) {
        const score = cosine(vector, chunk.vector);
        if (score > (best.get(chunk.postId) ?? -Infinity)) best.set(chunk.postId, score);
      }
      return [...best].sort((a, b) => b[1] - a[1]).slice(0, k).map(([postId]) => postId);
    },
  };
}

function cosine(a: Float32Array, b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
