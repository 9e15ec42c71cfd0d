/**
 * Symmetric int8 quantization of a vector: q[i] = round(v[i] / scale) with
 * scale = max |v[i]| / 127. The factor stored with the row is scale / |v|,
 * so dot(q_a, q_b) * factor_a * factor_b approximates the cosine of a and
 * b. A zero vector gets factor 0, which scores 0 and never NaN.
 */
export interface QuantizedVector {
  row: Int8Array;
  factor: number;
}

export function quantizeVector(vector: Float32Array, stride: number): QuantizedVector {
  const row = new Int8Array(stride);
  return { row, factor: quantizeInto(vector, row) };
}

/**
 * Quantizes `vector` into `row` and returns its factor. Entries of `row`
 * past the vector's length are set to 0, so `row` may be longer (the
 * stride). A zero or non-finite vector leaves an all-zero row and factor 0.
 */
export function quantizeInto(vector: Float32Array, row: Int8Array): number {
  if (row.length < vector.length) {
    throw new RangeError(`Invalid quantization target: ${row.length} entries for a vector of ${vector.length}.`);
  }
  row.fill(0);
  let maxAbs = 0;
  let normSquared = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number;
    maxAbs = Math.max(maxAbs, Math.abs(value));
    normSquared += value * value;
  }
  if (maxAbs === 0 || !Number.isFinite(normSquared)) return 0;

  const scale = maxAbs / 127;
  for (let i = 0; i < vector.length; i++) {
    row[i] = Math.round((vector[i] as number) / scale);
  }
  return scale / Math.sqrt(normSquared);
}
