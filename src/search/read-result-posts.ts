/**
 * Reads title, url and the best chunk's text for the ranked posts, and cuts
 * an excerpt around the first query token found in that chunk. A post that
 * only the lexical leg found has no best chunk (its vectors may be of
 * another embedder while it is embedded again), so its excerpt comes from
 * its first chunk.
 */
import type { Db } from "../store/db.js";
import { toId } from "../store/rows.js";
import type { FusedPost } from "./fuse.js";
import { placeholders } from "../store/placeholders.js";
import type { ScoredChunk } from "./vector-index.js";

export const EXCERPT_CHARS = 240;

/** A ranked post with what a result shows of it. */
export interface ResultPost {
  id: string;
  title: string;
  url: string;
  score: number;
  excerpt: string;
  explain: Omit<FusedPost, "postId" | "score">;
}

export async function readResultPosts(
  db: Db,
  ranked: readonly FusedPost[],
  best: ReadonlyMap<string, ScoredChunk>,
  tokens: readonly string[],
  onMissingChunk: (chunkId: string) => void,
): Promise<ResultPost[]> {
  if (ranked.length === 0) return [];
  const postIds = ranked.map((post) => post.postId);
  const chunkIds = postIds.flatMap((postId) => best.get(postId)?.chunkId ?? []);

  const [posts, chunks] = await Promise.all([
    db.query(`SELECT id, title, url FROM ${db.tables.posts} WHERE id IN (${placeholders(postIds.length)})`, postIds),
    chunkIds.length === 0
      ? Promise.resolve([])
      : db.query(`SELECT id, chunk_text FROM ${db.tables.chunks} WHERE id IN (${placeholders(chunkIds.length)})`, chunkIds),
  ]);
  const postById = new Map(posts.map((row) => [toId(row.id), row]));
  const textByChunk = new Map(chunks.map((row) => [toId(row.id), String(row.chunk_text ?? "")]));
  const leadText = await readLeadText(db, postIds.filter((postId) => !best.has(postId)));

  return ranked.flatMap((fused): ResultPost[] => {
    const post = postById.get(fused.postId);
    if (!post) return [];
    const chunkId = best.get(fused.postId)?.chunkId;
    const text = chunkId === undefined ? leadText.get(fused.postId) : textByChunk.get(chunkId);
    if (chunkId !== undefined && text === undefined) {
      // The chunk was deleted after the index loaded it; a post that only
      // its vector ranked is dropped from this result.
      onMissingChunk(chunkId);
      if (fused.lexicalRank === null) return [];
    }
    const { postId, score, ...explain } = fused;
    return [{ id: postId, title: String(post.title), url: String(post.url), score, excerpt: cutExcerpt(text ?? "", tokens), explain }];
  });
}

/** Returns the text of each post's first chunk. */
async function readLeadText(db: Db, postIds: readonly string[]): Promise<Map<string, string>> {
  if (postIds.length === 0) return new Map();
  const chunks = await db.query(
    `SELECT post_id, chunk_text FROM ${db.tables.chunks} WHERE post_id IN (${placeholders(postIds.length)}) AND chunk_index = 0`,
    postIds,
  );
  return new Map(chunks.map((row) => [toId(row.post_id), String(row.chunk_text ?? "")]));
}

/** Returns about EXCERPT_CHARS characters of `text`, starting shortly before the first query token. */
export function cutExcerpt(text: string, tokens: readonly string[]): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_CHARS) return flat;

  const lower = flat.toLowerCase();
  const sameLength = lower.length === flat.length;
  const hits = tokens.map((token) => lower.indexOf(token)).filter((index) => index >= 0);
  const hit = sameLength && hits.length > 0 ? Math.min(...hits) : 0;

  let start = Math.max(0, hit - 60);
  if (start > 0) start = flat.indexOf(" ", start) + 1 || start;
  const end = Math.min(flat.length, start + EXCERPT_CHARS);
  return `${start > 0 ? "…" : ""}${flat.slice(start, end).trim()}${end < flat.length ? "…" : ""}`;
}
