/**
 * Conversions between float32 vectors and their stored forms.
 *
 * This engine's checksum is the SHA-256 of the vector's little-endian float32
 * bytes (the embedding_f32 column), not of the JSON text. A server or tool that
 * rewrites the JSON (MySQL's JSON type reformats spacing and numbers) changes
 * no float32 value, so the checksum still verifies after the rewrite.
 */
import os from "node:os";

import { sha256Hex } from "./sha256.js";

if (os.endianness() !== "LE") {
  throw new Error("wpllmseo stores vectors as little-endian float32 and supports little-endian hosts only.");
}

/**
 * Formats a vector as a JSON array. Nine significant digits identify every
 * float32 exactly, so parsing and rounding to float32 gives back the same bits.
 */
export function formatVectorJson(vector: Float32Array): string {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    parts[i] = String(Number((vector[i] as number).toPrecision(9)));
  }
  return `[${parts.join(",")}]`;
}

/** Parses a JSON array of numbers, or returns null when the text is not one or contains a non-finite value. */
export function parseVectorJson(text: string): Float32Array | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const vector = new Float32Array(parsed.length);
  for (let i = 0; i < parsed.length; i++) {
    const value: unknown = parsed[i];
    if (typeof value !== "number" || !Number.isFinite(value)) return null;
    vector[i] = value;
  }
  return vector;
}

/** Returns the vector's little-endian float32 bytes as a Buffer that shares its memory. */
export function vectorBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Returns the checksum stored with a vector: the SHA-256 of its float32 bytes, as lowercase hex. */
export function vectorChecksum(vector: Float32Array): string {
  return sha256Hex(vectorBytes(vector));
}

/** Copies little-endian float32 bytes into a new vector; null when the length is not a multiple of 4. */
export function bytesToVector(bytes: Uint8Array): Float32Array | null {
  if (bytes.byteLength % 4 !== 0) return null;
  const vector = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}
