// Plain-TS reference of assembly/scan: the score of an int8 row is
// dot(query, row) * queryFactor * rowFactor, computed in float32 like the
// WASM kernel, and rows whose factor is 0 are skipped.

/** Scores every row of `rows` (`stride` values each). */
export function scoreInt8Rows(
  query: Int8Array,
  queryFactor: number,
  stride: number,
  rows: Int8Array,
  factors: Float32Array,
): Float32Array {
  const count = factors.length;
  const out = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    const factor = factors[row] as number;
    if (factor === 0) continue;
    let dot = 0;
    for (let i = 0; i < stride; i++) dot += (query[i] as number) * (rows[row * stride + i] as number);
    out[row] = Math.fround(Math.fround(Math.fround(dot) * Math.fround(queryFactor)) * factor);
  }
  return out;
}

/** Returns the indexes of the `k` best-scoring rows with a factor other than 0, best first. */
export function topKRows(scores: Float32Array, factors: Float32Array, k: number): number[] {
  const indexes = Array.from(scores.keys()).filter((row) => factors[row] !== 0);
  indexes.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return indexes.slice(0, k);
}

/**
 * Returns each post's best row score and the first row that reached it,
 * -Infinity and -1 for a post with no row whose factor is other than 0.
 */
export function bestRowOfPosts(
  scores: Float32Array,
  factors: Float32Array,
  postOfRow: Uint32Array,
  postCount: number,
): { scores: Float32Array; rows: Int32Array } {
  const best = new Float32Array(postCount).fill(-Infinity);
  const rows = new Int32Array(postCount).fill(-1);
  scores.forEach((score, row) => {
    const post = postOfRow[row] as number;
    if (factors[row] !== 0 && score > (best[post] as number)) {
      best[post] = score;
      rows[post] = row;
    }
  });
  return { scores: best, rows };
}
