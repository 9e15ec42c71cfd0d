/**
 * Weights of a post's tokens for the lexical prefilter.
 *
 * A token's score is a saturating term frequency, `tf / (tf + 1.2)`, where a
 * title occurrence counts as TITLE_WEIGHT body occurrences. Query-side
 * inverse document frequency is applied at search time, so stored scores stay
 * valid as the corpus grows.
 */
export interface ScoredToken {
  token: string;
  score: number;
}

export const TITLE_WEIGHT = 3;
const SATURATION = 1.2;

/** Caps the token rows of one post; the lowest-scoring tokens are dropped. */
export const MAX_TOKENS_PER_POST = 2000;

export function scoreTokens(titleTokens: readonly string[], bodyTokens: readonly string[]): ScoredToken[] {
  const frequency = new Map<string, number>();
  for (const token of titleTokens) {
    frequency.set(token, (frequency.get(token) ?? 0) + TITLE_WEIGHT);
  }
  for (const token of bodyTokens) {
    frequency.set(token, (frequency.get(token) ?? 0) + 1);
  }

  const scored: ScoredToken[] = [];
  for (const [token, tf] of frequency) {
    scored.push({ token, score: tf / (tf + SATURATION) });
  }
  scored.sort((a, b) => b.score - a.score || compareStrings(a.token, b.token));
  return scored.slice(0, MAX_TOKENS_PER_POST);
}

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
