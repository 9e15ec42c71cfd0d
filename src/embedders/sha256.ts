/**
 * SHA-256 as lowercase hex, with node:crypto. It runs about 3x faster than
 * the WASM SHA-256 on a 1,536-byte vector (docs/BENCHMARKS.md), so checksums
 * are written and verified with it; the WASM kernel stays for comparison.
 */
import { createHash } from "node:crypto";

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
