/**
 * SHA-256 of one 384-d float32 vector (the per-chunk checksum the search
 * verifies) and of 1 MiB: the WASM kernel against node:crypto (OpenSSL).
 */
import { createHash } from "node:crypto";

import { loadKernels } from "../src/kernels/index.js";
import { runMicroSuite, type SampleSettings } from "./micro-suite.js";
import { SeededRandom } from "./random.js";
import type { SuiteFigure } from "./results.js";

const SIZES = [
  { bytes: 1536, label: "1,536 bytes (one 384-d vector)" },
  { bytes: 2 ** 20, label: "1 MiB" },
] as const;

export async function runSha256Suites(settings: SampleSettings, progress: (line: string) => void): Promise<SuiteFigure[]> {
  const kernels = await loadKernels("simd");
  const figures: SuiteFigure[] = [];
  for (const size of SIZES) {
    const random = new SeededRandom(size.bytes);
    const data = new Uint8Array(size.bytes);
    for (let index = 0; index < data.length; index++) data[index] = random.integer(0, 255);
    progress(`sha256: ${size.label}`);
    figures.push(
      await runMicroSuite(
        {
          suite: `sha256-${size.bytes}`,
          title: `SHA-256 of ${size.label}`,
          operation: `digest ${size.label}`,
          baseline: "node:crypto",
          cases: [
            { name: "WASM", fn: () => kernels.sha256(data), bytesPerOp: size.bytes },
            { name: "node:crypto", fn: () => createHash("sha256").update(data).digest(), bytesPerOp: size.bytes },
          ],
        },
        settings,
        progress,
      ),
    );
  }
  return figures;
}
