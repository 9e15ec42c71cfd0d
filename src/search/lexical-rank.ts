/**
 * Ranks in the lexical leg for posts that the prefilter did not select.
 *
 * The prefilter returns the best `limit` posts by lexical score. A post
 * that only the vector leg found, with its own score (scoreLexicalPosts)
 * below the last candidate's, ranks after the candidates and before
 * `matchingPosts`, the most posts that can match a query token. Its rank is
 * estimated by interpolating the log of the rank linearly in the score:
 * the last candidate's score maps to the rank after the candidates, a
 * score of 0 to `matchingPosts`. When the
 * prefilter returned fewer posts than `limit`, it saw every post with a
 * match, and the post ranks right after the candidates.
 */
import type { LexicalCandidate } from "./find-candidates.js";

/**
 * Returns a rank function over the candidates (best first): 1 plus the
 * candidates above the score, or the interpolated rank below the last one.
 */
export function lexicalRanker(
  candidates: readonly LexicalCandidate[],
  limit: number,
  matchingPosts: number,
): (score: number) => number {
  const scores = candidates.map((candidate) => candidate.lexicalScore);
  const next = scores.length + 1;
  const lowest = scores[scores.length - 1] ?? 0;
  const complete = scores.length < limit || matchingPosts <= next || lowest <= 0;

  return (score: number): number => {
    if (score >= lowest) return 1 + countAbove(scores, score);
    if (complete) return next;
    const shareBelowLowest = Math.min(1, Math.max(0, (lowest - score) / lowest));
    return Math.round(next * (matchingPosts / next) ** shareBelowLowest);
  };
}

/** Counts the scores (sorted best first) above `score`, by binary search. */
function countAbove(scores: readonly number[], score: number): number {
  let low = 0;
  let high = scores.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((scores[middle] as number) > score) low = middle + 1;
    else high = middle;
  }
  return low;
}
