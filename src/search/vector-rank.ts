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
/** Bins of the score histogram; VectorIndex fills them with the scan kernel. */
export const BIN_COUNT = 4096;

export class VectorRankEstimate {
  /** Posts with a score in each bin and above it, from the top bin down. */
  readonly #atOrAbove: Uint32Array;
  readonly #counts: Uint32Array;

  /** Posts that have a score; posts without one (-Infinity) are left out. */
  readonly postCount: number;

  /** Takes BIN_COUNT bin counts, as histogramScores (assembly/scan) or countScores fills them. */
  constructor(counts: Uint32Array) {
    if (counts.length !== BIN_COUNT) {
      throw new RangeError(`Invalid histogram of ${counts.length} bins: expected ${BIN_COUNT}.`);
    }
    const atOrAbove = new Uint32Array(BIN_COUNT);
    let running = 0;
    for (let bin = BIN_COUNT - 1; bin >= 0; bin--) {
      running += counts[bin] as number;
      atOrAbove[bin] = running;
    }
    this.#counts = counts;
    this.#atOrAbove = atOrAbove;
    this.postCount = running;
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

/** Counts scores into BIN_COUNT bins in plain TS: the reference of histogramScores. */
export function countScores(scores: Float32Array): Uint32Array {
  const counts = new Uint32Array(BIN_COUNT);
  for (const score of scores) {
    if (score === -Infinity) continue;
    const bin = binOf(score);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Returns the bin of a score, rounding as the float32 kernel does. */
function binOf(score: number): number {
  const bin = Math.floor(Math.fround(score + 1) * (BIN_COUNT / 2));
  return Math.min(BIN_COUNT - 1, Math.max(0, bin));
}
