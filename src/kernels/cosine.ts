import type { KernelExports } from "./load-wasm.js";
import { validateCosineArguments } from "./validate.js";

/**
 * Returns the WASM cosineBatch. The query and rows are copied into WASM
 * memory as one buffer, the query first, and the scores are copied out.
 */
export function createCosineBatch(kernels: KernelExports) {
  return function cosineBatch(query: Float32Array, rows: Float32Array, out?: Float32Array): Float32Array {
    const { dim, count } = validateCosineArguments(query, rows, out);
    const result = out ?? new Float32Array(count);

    const input = kernels.reserveInput((rows.length + dim) * 4);
    const inputView = new Float32Array(kernels.memory.buffer, input, rows.length + dim);
    inputView.set(query);
    inputView.set(rows, dim);

    const scores = kernels.cosineBatch(input, dim, count);
    result.set(new Float32Array(kernels.memory.buffer, scores, count));
    return result;
  };
}
