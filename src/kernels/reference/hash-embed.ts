// Feature-hashing embedder in plain TypeScript. assembly/hash-embed.ts
// implements the same definition, and tests check that both agree:
// - hash(s) is 32-bit FNV-1a over the UTF-16 code units of s: start from
//   0x811c9dc5 and, for each code unit u (a 16-bit value, not split into
//   bytes), set h = (h XOR u) * 0x01000193 mod 2^32.
// - Each non-empty token t adds the feature hash(t) with weight 1.0, and
//   each code-unit trigram of "<" + t + ">" adds hash(trigram) with weight
//   0.5. A token of n code units has n trigrams, so "go" adds "<go" and "go>".
// - Feature h adds its weight, negated when bit 31 of h is set, to
//   element h mod dim of a float32 vector.
// - The vector is divided by its L2 norm, computed in float64. A vector
//   without features stays all zeros.
import { DEFAULT_EMBED_DIM, validateEmbedArguments } from "../validate.js";

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_WEIGHT = 1.0;
const TRIGRAM_WEIGHT = 0.5;

/** Returns the 32-bit FNV-1a hash of the UTF-16 code units of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME) >>> 0;
  }
  return hash;
}

function addFeature(vector: Float32Array, hash: number, weight: number): void {
  const slot = hash % vector.length;
  vector[slot] = vector[slot]! + (hash >>> 31 ? -weight : weight);
}

function normalize(vector: Float32Array): void {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  if (sumOfSquares === 0) return;

  const norm = Math.sqrt(sumOfSquares);
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
}

/** Embeds tokens into an L2-normalized float32 vector of `dim` dimensions. */
export function hashEmbed(tokens: readonly string[], dim: number = DEFAULT_EMBED_DIM): Float32Array {
  validateEmbedArguments(tokens, dim);
  const vector = new Float32Array(dim);

  for (const token of tokens) {
    if (token.length === 0) continue;
    addFeature(vector, fnv1a32(token), WORD_WEIGHT);

    const padded = `<${token}>`;
    for (let i = 0; i + 3 <= padded.length; i++) {
      addFeature(vector, fnv1a32(padded.slice(i, i + 3)), TRIGRAM_WEIGHT);
    }
  }

  normalize(vector);
  return vector;
}
