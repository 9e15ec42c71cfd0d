import { validateCosineArguments } from "../validate.js";

/**
 * Scores each `query.length`-wide row of `rows` by cosine similarity, with
 * float64 sums. A zero query or zero row scores 0, results are clamped to
 * [-1, 1], and non-finite inputs can give NaN.
 */
export function cosineBatch(query: Float32Array, rows: Float32Array, out?: Float32Array): Float32Array {
  const { dim, count } = validateCosineArguments(query, rows, out);
  const result = out ?? new Float32Array(count);

  let queryNormSquared = 0;
  for (const value of query) queryNormSquared += value * value;

  for (let row = 0; row < count; row++) {
    let dot = 0;
    let rowNormSquared = 0;
    for (let i = 0; i < dim; i++) {
      const value = rows[row * dim + i]!;
      dot += query[i]! * value;
      rowNormSquared += value * value;
    }

    let cosine = 0;
    if (queryNormSquared !== 0 && rowNormSquared !== 0) {
      cosine = Math.min(1, Math.max(-1, dot / Math.sqrt(queryNormSquared * rowNormSquared)));
    }
    result[row] = cosine;
  }
  return result;
}
