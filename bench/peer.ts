/**
 * The shape every peer search implementation takes in the side-by-side
 * bench, and the documents they index: posts as stored by the engine, so
 * result ids are the engine's post ids.
 */
import type { Db } from "../src/store/db.js";
import { toPlainText } from "../src/indexer/plain-text.js";
import { toId } from "../src/store/rows.js";

export interface PeerDocument {
  id: string;
  title: string;
  /** The post's content as plain text. */
  body: string;
}

export interface Peer {
  name: string;
  /** Ranking method, as the report describes it. */
  method: string;
  build(documents: readonly PeerDocument[]): Promise<void>;
  /** Returns the ids of the `k` best posts, best first. */
  search(query: string, k: number): Promise<string[]>;
}

/** Reads every post of `db` as a PeerDocument, in id order. */
export async function readPeerDocuments(db: Db): Promise<PeerDocument[]> {
  const rows = await db.query(`SELECT id, title, content FROM ${db.tables.posts} ORDER BY id`);
  return rows.map((row) => ({ id: toId(row.id), title: String(row.title), body: toPlainText(String(row.content)) }));
}
