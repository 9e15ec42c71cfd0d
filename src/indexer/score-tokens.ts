/**
 * Weights of a post's tokens for the lexical prefilter: the term-frequency
 * part of BM25F. A title occurrence counts as TITLE_WEIGHT body
 * occurrences, and with tf that weighted count and dl the post's token
 * count,
 *
 *   weight = tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / REFERENCE_LENGTH))
 *
 * The inverse document frequency is applied at search time, so stored
 * weights stay valid as the corpus grows.
 * NOTE: REFERENCE_LENGTH replaces BM25's average post length, because the
 * average would change every stored weight whenever a post is added. It is
 * a fixed estimate of a typical post (a few hundred words).
 */
export interface ScoredToken {
  token: string;
  score: number;
}

export const TITLE_WEIGHT = 3;
export const K1 = 1.2;
export const B = 0.75;
export const REFERENCE_LENGTH = 300;

/** Caps the token rows of one post; the lowest-weighted tokens are dropped. */
export const MAX_TOKENS_PER_POST = 2000;

export function scoreTokens(titleTokens: readonly string[], bodyTokens: readonly string[]): ScoredToken[] {
  const frequency = new Map<string, number>();
  for (const token of titleTokens) {
    frequency.set(token, (frequency.get(token) ?? 0) + TITLE_WEIGHT);
  }
  for (const token of bodyTokens) {
    frequency.set(token, (frequency.get(token) ?? 0) + 1);
  }

  const length = titleTokens.length * TITLE_WEIGHT + bodyTokens.length;
  const norm = K1 * (1 - B + (B * length) / REFERENCE_LENGTH);
  const scored: ScoredToken[] = [];
  for (const [token, tf] of frequency) {
    scored.push({ token, score: (tf * (K1 + 1)) / (tf + norm) });
  }
  scored.sort((a, b) => b.score - a.score || compareStrings(a.token, b.token));
  return scored.slice(0, MAX_TOKENS_PER_POST);
}

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
