// Entry point of the kernels module. The build with `--enable simd` runs the
// v128 loops in cosine.ts, and the build without it runs the scalar loops.
export { reserveInput, reserveOutput, outputAddress } from "./buffers";
export { cosineBatch } from "./cosine";
export { sha256 } from "./sha256";
export { tokenize } from "./tokenizer";
export { hashEmbed } from "./hash-embed";
