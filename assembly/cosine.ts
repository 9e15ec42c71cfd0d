import { reserveOutput } from "./buffers";

// Squared norm of the row scanned by the last dotAndNorm call, so that
// one pass over the row yields both sums.
let lastRowNormSquared: f32 = 0;

function dotAndNormScalar(query: usize, row: usize, dim: i32): f32 {
  let dot: f32 = 0;
  let norm: f32 = 0;
  for (let i = 0; i < dim; i++) {
    const offset = <usize>i << 2;
    const q = load<f32>(query + offset);
    const r = load<f32>(row + offset);
    dot += q * r;
    norm += r * r;
  }
  lastRowNormSquared = norm;
  return dot;
}

@inline
function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// Four accumulators per sum keep four independent add chains in flight.
function dotAndNormSimd(query: usize, row: usize, dim: i32): f32 {
  let dot0 = f32x4.splat(0), dot1 = f32x4.splat(0), dot2 = f32x4.splat(0), dot3 = f32x4.splat(0);
  let norm0 = f32x4.splat(0), norm1 = f32x4.splat(0), norm2 = f32x4.splat(0), norm3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= dim; i += 16) {
    const q = query + (<usize>i << 2);
    const r = row + (<usize>i << 2);
    const r0 = v128.load(r), r1 = v128.load(r, 16), r2 = v128.load(r, 32), r3 = v128.load(r, 48);
    dot0 = f32x4.add(dot0, f32x4.mul(v128.load(q), r0));
    dot1 = f32x4.add(dot1, f32x4.mul(v128.load(q, 16), r1));
    dot2 = f32x4.add(dot2, f32x4.mul(v128.load(q, 32), r2));
    dot3 = f32x4.add(dot3, f32x4.mul(v128.load(q, 48), r3));
    norm0 = f32x4.add(norm0, f32x4.mul(r0, r0));
    norm1 = f32x4.add(norm1, f32x4.mul(r1, r1));
    norm2 = f32x4.add(norm2, f32x4.mul(r2, r2));
    norm3 = f32x4.add(norm3, f32x4.mul(r3, r3));
  }

  for (; i + 4 <= dim; i += 4) {
    const r0 = v128.load(row + (<usize>i << 2));
    dot0 = f32x4.add(dot0, f32x4.mul(v128.load(query + (<usize>i << 2)), r0));
    norm0 = f32x4.add(norm0, f32x4.mul(r0, r0));
  }

  let dot = sumLanes(f32x4.add(f32x4.add(dot0, dot1), f32x4.add(dot2, dot3)));
  let norm = sumLanes(f32x4.add(f32x4.add(norm0, norm1), f32x4.add(norm2, norm3)));
  for (; i < dim; i++) {
    const q = load<f32>(query + (<usize>i << 2));
    const r = load<f32>(row + (<usize>i << 2));
    dot += q * r;
    norm += r * r;
  }
  lastRowNormSquared = norm;
  return dot;
}

@inline
function dotAndNorm(query: usize, row: usize, dim: i32): f32 {
  if (ASC_FEATURE_SIMD) return dotAndNormSimd(query, row, dim);
  return dotAndNormScalar(query, row, dim);
}

/**
 * Scores `count` rows against the query and returns the address of `count`
 * f32 cosines. The input buffer contains the query (`dim` f32) followed by
 * the rows. A zero query or zero row scores 0, and results are clamped to
 * [-1, 1]. Non-finite inputs can give NaN.
 * NOTE: the sums are f32, so elements above about 1e17 in magnitude can
 * overflow to Infinity and score 0 or NaN where the f64 reference does not.
 */
export function cosineBatch(input: usize, dim: i32, count: i32): usize {
  const out = reserveOutput(<usize>count << 2);
  dotAndNorm(input, input, dim);
  const queryNormSquared = <f64>lastRowNormSquared;
  const rowBytes = <usize>dim << 2;

  for (let k = 0; k < count; k++) {
    const dot = <f64>dotAndNorm(input, input + rowBytes * (<usize>k + 1), dim);
    const rowNormSquared = <f64>lastRowNormSquared;
    let cosine: f64 = 0;
    if (queryNormSquared != 0 && rowNormSquared != 0) {
      cosine = min(1.0, max(-1.0, dot / Math.sqrt(queryNormSquared * rowNormSquared)));
    }
    store<f32>(out + (<usize>k << 2), <f32>cosine);
  }
  return out;
}
