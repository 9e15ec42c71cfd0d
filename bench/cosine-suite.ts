/**
 * Batch cosine: one query against every row, as the search scores candidate
 * chunks. The WASM wrappers copy the query and rows into WASM memory on each
 * call, and that copy is part of the measured time.
 */
import { loadKernels, referenceKernels } from "../src/kernels/index.js";
import { runMicroSuite, type SampleSettings } from "./micro-suite.js";
import { SeededRandom } from "./random.js";
import type { SuiteFigure } from "./results.js";

const SHAPES = [
  { dim: 384, rows: 3000 },
  { dim: 1536, rows: 1000 },
] as const;

export async function runCosineSuites(settings: SampleSettings, progress: (line: string) => void): Promise<SuiteFigure[]> {
  const simd = await loadKernels("simd");
  const scalar = await loadKernels("scalar");
  const figures: SuiteFigure[] = [];
  for (const shape of SHAPES) {
    const random = new SeededRandom(shape.dim * 7919 + shape.rows);
    const query = randomVectors(random, 1, shape.dim);
    const rows = randomVectors(random, shape.rows, shape.dim);
    const out = new Float32Array(shape.rows);
    const bytesPerOp = (rows.length + query.length) * 4;
    progress(`cosine: ${shape.dim}-d query x ${shape.rows} rows`);
    figures.push(
      await runMicroSuite(
        {
          suite: `cosine-${shape.dim}x${shape.rows}`,
          title: `Batch cosine, ${shape.dim}-d query x ${shape.rows.toLocaleString("en-US")} rows`,
          operation: `score ${shape.rows.toLocaleString("en-US")} rows (${(bytesPerOp / 2 ** 20).toFixed(2)} MiB of float32)`,
          baseline: "plain JS",
          cases: [
            { name: "WASM SIMD", fn: () => simd.cosineBatch(query, rows, out), bytesPerOp },
            { name: "WASM scalar", fn: () => scalar.cosineBatch(query, rows, out), bytesPerOp },
            { name: "plain JS", fn: () => referenceKernels.cosineBatch(query, rows, out), bytesPerOp },
          ],
        },
        settings,
        progress,
      ),
    );
  }
  return figures;
}

/** Returns `count` vectors of `dim` uniform values in [-1, 1), back to back. */
function randomVectors(random: SeededRandom, count: number, dim: number): Float32Array {
  const values = new Float32Array(count * dim);
  for (let index = 0; index < values.length; index++) values[index] = random.next() * 2 - 1;
  return values;
}
