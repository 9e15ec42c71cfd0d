/**
 * MiniSearch (BM25+ full text over title and body, default options).
 */
import MiniSearch from "minisearch";

import type { Peer, PeerDocument } from "./peer.js";

export function createMiniSearchPeer(): Peer {
  let index = new MiniSearch<PeerDocument>({ fields: ["title", "body"] });
  return {
    name: "MiniSearch 7.2",
    method: "full text (BM25+), title and body",
    async build(documents) {
      index = new MiniSearch<PeerDocument>({ fields: ["title", "body"] });
      index.addAll(documents);
    },
    async search(query, k) {
      return index.search(query).slice(0, k).map((result) => String(result.id));
    },
  };
}
