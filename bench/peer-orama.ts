/**
 * Orama hybrid search: its full-text index over title and body plus its
 * vector index over one vector per post, the engine's hash embedding of the
 * post's title and body tokens.
 */
import { create, insertMultiple, search, type AnyOrama } from "@orama/orama";

import type { Kernels } from "../src/kernels/index.js";
import type { Peer } from "./peer.js";

const INSERT_BATCH = 1000;

export function createOramaPeer(kernels: Kernels, dim: number): Peer {
  const embed = (text: string): number[] => Array.from(kernels.hashEmbed(kernels.tokenize(text), dim));
  let db: AnyOrama | null = null;
  return {
    name: "Orama 3.1 (hybrid)",
    method: "hybrid: full text (BM25) and one hash-embedding vector per post",
    async build(documents) {
      const schema = { title: "string", body: "string", embedding: `vector[${dim}]` } as const;
      db = create({ schema });
      const rows = documents.map((doc) => ({ id: doc.id, title: doc.title, body: doc.body, embedding: embed(`${doc.title} ${doc.body}`) }));
      await insertMultiple(db, rows, INSERT_BATCH);
    },
    async search(query, k) {
      if (!db) throw new Error("Orama peer searched before build().");
      const results = await search(db, {
        mode: "hybrid",
        term: query,
        vector: { value: embed(query), property: "embedding" },
        similarity: 0,
        limit: k,
      });
      return results.hits.map((hit) => String(hit.id));
    },
  };
}
