/**
 * Estimates a post's rank in the vector leg over every post in the index,
 * from a histogram of each post's best chunk score.
 *
 * Reciprocal rank fusion needs a post's rank among all posts: a lexical
 * candidate ranked only among the few hundred posts one search scored gets
 * a far better vector rank than its place in the whole index. Counting the
 * posts above a score exactly would take a pass over every post per
 * candidate. Instead the scan's per-post scores go into BIN_COUNT equal
 * bins over [-1, 1] once per search. A rank is read from the bins above,
 * interpolated linearly inside the score's own bin.
 */
const BIN_COUNT = 4096;

export class VectorRankEstimate {
  /** Posts with a score in each bin and above it, from the top bin down. */
  readonly #atOrAbove: Uint32Array;
  readonly #counts: Uint32Array;

  /** Posts that have a score; posts without one (-Infinity) are left out. */
  readonly postCount: number;

  constructor(postScores: Float32Array) {
    const counts = new Uint32Array(BIN_COUNT);
    let postCount = 0;
    for (const score of postScores) {
      if (score === -Infinity) continue;
      const bin = binOf(score);
      counts[bin] = (counts[bin] as number) + 1;
      postCount++;
    }
    const atOrAbove = new Uint32Array(BIN_COUNT);
    let running = 0;
    for (let bin = BIN_COUNT - 1; bin >= 0; bin--) {
      running += counts[bin] as number;
      atOrAbove[bin] = running;
    }
    this.#counts = counts;
    this.#atOrAbove = atOrAbove;
    this.postCount = postCount;
  }

  /**
   * Returns the estimated rank, from 1, of a post with this score: 1 plus
   * the posts in higher bins plus the share of its own bin above the score.
   */
  rankOf(score: number): number {
    const bin = binOf(score);
    const higherBins = bin + 1 < BIN_COUNT ? (this.#atOrAbove[bin + 1] as number) : 0;
    const binTop = -1 + ((bin + 1) * 2) / BIN_COUNT;
    const shareAbove = Math.min(1, Math.max(0, ((binTop - score) * BIN_COUNT) / 2));
    return 1 + higherBins + Math.floor((this.#counts[bin] as number) * shareAbove);
  }
}

function binOf(score: number): number {
  const bin = Math.floor(((score + 1) / 2) * BIN_COUNT);
  return Math.min(BIN_COUNT - 1, Math.max(0, bin));
}
