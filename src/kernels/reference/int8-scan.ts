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
