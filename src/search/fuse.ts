/**
 * Reciprocal rank fusion of the lexical and vector legs.
 *
 * fused = w_lex / (K + rank_lex) + w_vec / (K + rank_vec), ranks from 1, and a
 * post missing from a leg contributes nothing for it. Fusing ranks instead of
 * raw scores needs no calibration between BM25-style sums and cosines. The
 * score is divided by its maximum, (w_lex + w_vec) / (K + 1), so a post
 * ranked first by both legs scores 1.
 *
 * A leg's ranks come from its scores over the posts given, unless the
 * caller supplies them: search ranks the vector leg over every post in the
 * index, which a list of a few hundred scored posts cannot show.
 */
export interface LegScores {
  postId: string;
  lexicalScore?: number;
  vectorScore?: number;
  /** Rank from 1 in the lexical leg, used instead of ranking by lexicalScore here. */
  lexicalRank?: number;
  /** Rank from 1 in the vector leg, used instead of ranking by vectorScore here. */
  vectorRank?: number;
}

export interface FusedPost {
  postId: string;
  score: number;
  lexicalRank: number | null;
  lexicalScore: number | null;
  vectorRank: number | null;
  vectorScore: number | null;
}

export interface FusionOptions {
  k: number;
  lexicalWeight: number;
  vectorWeight: number;
}

export const DEFAULT_FUSION: FusionOptions = { k: 60, lexicalWeight: 1, vectorWeight: 1 };

export function fuseRanks(posts: readonly LegScores[], options: FusionOptions = DEFAULT_FUSION): FusedPost[] {
  const lexicalRanks = rankBy(posts, (post) => post.lexicalScore);
  const vectorRanks = rankBy(posts, (post) => post.vectorScore);
  for (const post of posts) {
    if (post.lexicalRank !== undefined) lexicalRanks.set(post.postId, post.lexicalRank);
    if (post.vectorRank !== undefined) vectorRanks.set(post.postId, post.vectorRank);
  }

  const fused = posts.map((post): FusedPost => {
    const lexicalRank = lexicalRanks.get(post.postId) ?? null;
    const vectorRank = vectorRanks.get(post.postId) ?? null;
    return {
      postId: post.postId,
      score: fusedScore(lexicalRank, vectorRank, options),
      lexicalRank,
      lexicalScore: post.lexicalScore ?? null,
      vectorRank,
      vectorScore: post.vectorScore ?? null,
    };
  });
  return fused.sort((a, b) => b.score - a.score || compareIds(a.postId, b.postId));
}

/** Returns the fused score of a post with the given ranks (null: not in that leg), from 0 to 1. */
export function fusedScore(lexicalRank: number | null, vectorRank: number | null, options: FusionOptions = DEFAULT_FUSION): number {
  const maximum = (options.lexicalWeight + options.vectorWeight) / (options.k + 1);
  if (maximum <= 0) return 0;
  let score = 0;
  if (lexicalRank !== null) score += options.lexicalWeight / (options.k + lexicalRank);
  if (vectorRank !== null) score += options.vectorWeight / (options.k + vectorRank);
  return score / maximum;
}

function rankBy(posts: readonly LegScores[], scoreOf: (post: LegScores) => number | undefined): Map<string, number> {
  const scored = posts.filter((post) => scoreOf(post) !== undefined);
  scored.sort((a, b) => (scoreOf(b) as number) - (scoreOf(a) as number) || compareIds(a.postId, b.postId));
  return new Map(scored.map((post, index) => [post.postId, index + 1]));
}

/** Orders decimal id strings numerically without converting them to numbers. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
