// Int8 vector scan over memory shared by the main thread and the pool
// threads. The module imports that memory, allocates nothing and keeps no
// state, so every thread can run it on the same rows at once.
//
// A row is `stride` signed bytes (the vector quantized, zero-padded to a
// multiple of 16) and has a float32 factor. The score of a row is
// dot(query, row) * queryFactor * rowFactor, where each factor is the
// vector's quantization scale divided by its norm, so the score
// approximates the cosine of the float vectors. A row whose factor is 0 (a
// zero vector or a deleted row) is skipped by the scan and scores 0.

// Scans `count` rows and keeps the `k` best in a min-heap of scores and row
// indexes (`firstIndex` + row). The heap contains `heapSize` entries on entry,
// so one heap can collect several calls; returns the new heap size.
//
// Each row also belongs to a post: `posts` contains one u32 post ordinal
// per row. `postScores` (f32) and `postSlots` (i32), indexed by ordinal, keep
// each post's best score and the row index that gave it. A row replaces
// them only with a higher score, so they too can collect several calls.
export function scanTopK(
  query: usize,
  queryFactor: f32,
  stride: i32,
  rows: usize,
  factors: usize,
  posts: usize,
  count: i32,
  firstIndex: i32,
  k: i32,
  heapScores: usize,
  heapIndexes: usize,
  heapSize: i32,
  postScores: usize,
  postSlots: usize,
): i32 {
  let size = heapSize;
  for (let row = 0; row < count; row++) {
    const factor = load<f32>(factors + (<usize>row << 2));
    if (factor == 0) continue;
    const score = <f32>dotInt8(query, rows + <usize>row * <usize>stride, stride) * queryFactor * factor;
    const postOffset = <usize>load<u32>(posts + (<usize>row << 2)) << 2;
    if (score > load<f32>(postScores + postOffset)) {
      store<f32>(postScores + postOffset, score);
      store<i32>(postSlots + postOffset, firstIndex + row);
    }
    if (size < k) {
      heapPush(heapScores, heapIndexes, size, score, firstIndex + row);
      size++;
    } else if (score > load<f32>(heapScores)) {
      heapReplaceRoot(heapScores, heapIndexes, size, score, firstIndex + row);
    }
  }
  return size;
}

// Products of two int8 values fit in int16 (at most 128 * 128), and the
// int32 lanes could only overflow after 65,536 pairwise sums of those,
// far beyond any stride used.
@inline
function dotInt8(query: usize, row: usize, stride: i32): i32 {
  let sum0 = i32x4.splat(0);
  let sum1 = i32x4.splat(0);
  for (let i = 0; i < stride; i += 16) {
    const q = v128.load(query + <usize>i);
    const r = v128.load(row + <usize>i);
    sum0 = i32x4.add(sum0, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_low_i8x16_s(q, r)));
    sum1 = i32x4.add(sum1, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_high_i8x16_s(q, r)));
  }
  const sum = i32x4.add(sum0, sum1);
  return i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3);
}

@inline
function heapScore(scores: usize, at: i32): f32 {
  return load<f32>(scores + (<usize>at << 2));
}

@inline
function heapSet(scores: usize, indexes: usize, at: i32, score: f32, index: i32): void {
  store<f32>(scores + (<usize>at << 2), score);
  store<i32>(indexes + (<usize>at << 2), index);
}

function heapPush(scores: usize, indexes: usize, size: i32, score: f32, index: i32): void {
  let at = size;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    const parentScore = heapScore(scores, parent);
    if (parentScore <= score) break;
    heapSet(scores, indexes, at, parentScore, load<i32>(indexes + (<usize>parent << 2)));
    at = parent;
  }
  heapSet(scores, indexes, at, score, index);
}

function heapReplaceRoot(scores: usize, indexes: usize, size: i32, score: f32, index: i32): void {
  let at = 0;
  while (true) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    if (right < size && heapScore(scores, right) < heapScore(scores, left)) child = right;
    const childScore = heapScore(scores, child);
    if (childScore >= score) break;
    heapSet(scores, indexes, at, childScore, load<i32>(indexes + (<usize>child << 2)));
    at = child;
  }
  heapSet(scores, indexes, at, score, index);
}

// Merges one scan task's per-post bests (`fromScores`, `fromSlots`) into
// another's (`intoScores`, `intoSlots`), `count` posts: the higher score
// wins, the lower slot on a tie. A post no row reached has -Infinity and -1.
export function mergePostBest(
  intoScores: usize,
  intoSlots: usize,
  fromScores: usize,
  fromSlots: usize,
  count: i32,
): void {
  for (let i = 0; i < count; i++) {
    const offset = <usize>i << 2;
    const score = load<f32>(fromScores + offset);
    const current = load<f32>(intoScores + offset);
    const slot = load<i32>(fromSlots + offset);
    if (score > current || (score == current && slot != -1 && slot < load<i32>(intoSlots + offset))) {
      store<f32>(intoScores + offset, score);
      store<i32>(intoSlots + offset, slot);
    }
  }
}

// Counts `count` scores into `binCount` u32 bins (`bins`, cleared here) of
// equal width over [-1, 1]. Scores outside go to the first or last bin, and
// -Infinity, a post no row reached, is not counted. Returns the posts counted.
export function histogramScores(scores: usize, count: i32, bins: usize, binCount: i32): i32 {
  memory.fill(bins, 0, <usize>binCount << 2);
  const scale = <f32>binCount / 2;
  const last = binCount - 1;
  let counted = 0;
  for (let i = 0; i < count; i++) {
    const score = load<f32>(scores + (<usize>i << 2));
    if (score == -Infinity) continue;
    let bin = <i32>Mathf.floor((score + 1) * scale);
    if (bin < 0) bin = 0;
    if (bin > last) bin = last;
    const at = bins + (<usize>bin << 2);
    store<u32>(at, load<u32>(at) + 1);
    counted++;
  }
  return counted;
}
