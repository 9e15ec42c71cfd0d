import type { ReferenceKernels } from "../types.js";
import { cosineBatch } from "./cosine.js";
import { hashEmbed } from "./hash-embed.js";
import { sha256, toHex } from "./sha256.js";
import { tokenize } from "./tokenizer.js";

/** Plain TypeScript kernels: the definition that the WASM builds must match. */
export const referenceKernels: ReferenceKernels = {
  flavor: "reference",
  cosineBatch,
  sha256,
  sha256Hex: (data) => toHex(sha256(data)),
  tokenize,
  hashEmbed,
};
