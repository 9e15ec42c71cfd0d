// Feature-hashing embedder. The definition is documented in
// src/kernels/reference/hash-embed.ts, which gives identical output.
import { reserveOutput } from "./buffers";

const FNV_OFFSET_BASIS: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 0x01000193;
const WORD_WEIGHT: f32 = 1.0;
const TRIGRAM_WEIGHT: f32 = 0.5;
const BOUNDARY_START: u32 = 0x3c; // '<'
const BOUNDARY_END: u32 = 0x3e; // '>'

@inline
function fnvStep(hash: u32, unit: u32): u32 {
  return (hash ^ unit) * FNV_PRIME;
}

function addFeature(out: usize, dim: u32, hash: u32, weight: f32): void {
  const slot = out + (<usize>(hash % dim) << 2);
  const signed = hash >>> 31 ? -weight : weight;
  store<f32>(slot, load<f32>(slot) + signed);
}

// Code unit `index` of "<" + token + ">".
@inline
function paddedUnit(base: usize, start: i32, end: i32, index: i32): u32 {
  if (index == 0) return BOUNDARY_START;
  if (index == end - start + 1) return BOUNDARY_END;
  return <u32>load<u16>(base + (<usize>(start + index - 1) << 1));
}

function addToken(out: usize, dim: u32, base: usize, start: i32, end: i32): void {
  let hash = FNV_OFFSET_BASIS;
  for (let i = start; i < end; i++) hash = fnvStep(hash, <u32>load<u16>(base + (<usize>i << 1)));
  addFeature(out, dim, hash, WORD_WEIGHT);

  const trigrams = end - start;
  for (let i = 0; i < trigrams; i++) {
    let trigram = fnvStep(FNV_OFFSET_BASIS, paddedUnit(base, start, end, i));
    trigram = fnvStep(trigram, paddedUnit(base, start, end, i + 1));
    trigram = fnvStep(trigram, paddedUnit(base, start, end, i + 2));
    addFeature(out, dim, trigram, TRIGRAM_WEIGHT);
  }
}

function normalize(out: usize, dim: i32): void {
  let sumOfSquares: f64 = 0;
  for (let i = 0; i < dim; i++) {
    const value = <f64>load<f32>(out + (<usize>i << 2));
    sumOfSquares += value * value;
  }
  if (sumOfSquares == 0) return;

  const norm = Math.sqrt(sumOfSquares);
  for (let i = 0; i < dim; i++) {
    const slot = out + (<usize>i << 2);
    store<f32>(slot, <f32>(<f64>load<f32>(slot) / norm));
  }
}

/**
 * Embeds the tokens in `units` UTF-16 code units at `input`, each followed
 * by U+0000, into `dim` f32 values and returns their address. Empty tokens
 * are skipped.
 */
export function hashEmbed(input: usize, units: i32, dim: i32): usize {
  const out = reserveOutput(<usize>dim << 2);
  memory.fill(out, 0, <usize>dim << 2);

  let start = 0;
  for (let i = 0; i <= units; i++) {
    if (i < units && load<u16>(input + (<usize>i << 1)) != 0) continue;
    if (i > start) addToken(out, <u32>dim, input, start, i);
    start = i + 1;
  }

  normalize(out, dim);
  return out;
}
