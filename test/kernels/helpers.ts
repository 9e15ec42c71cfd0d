import { loadKernelsSync, type KernelFlavor, type Kernels } from "../../src/kernels/index.js";

export const FLAVORS: readonly KernelFlavor[] = ["simd", "scalar"];

/** One instance per flavor, shared by the tests of a file. */
export const kernelsByFlavor: Record<KernelFlavor, Kernels> = {
  simd: loadKernelsSync("simd"),
  scalar: loadKernelsSync("scalar"),
};

/** Returns a seeded PRNG (mulberry32) that yields floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns `length` floats uniform in [-1, 1). */
export function randomFloats(random: () => number, length: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = random() * 2 - 1;
  return values;
}

/** Returns `length` random bytes. */
export function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}
