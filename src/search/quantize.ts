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
  let maxAbs = 0;
  let normSquared = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number;
    maxAbs = Math.max(maxAbs, Math.abs(value));
    normSquared += value * value;
  }
  if (maxAbs === 0 || !Number.isFinite(normSquared)) return { row, factor: 0 };

  const scale = maxAbs / 127;
  for (let i = 0; i < vector.length; i++) {
    row[i] = Math.round((vector[i] as number) / scale);
  }
  return { row, factor: scale / Math.sqrt(normSquared) };
}
