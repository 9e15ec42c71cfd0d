import type { KernelExports } from "./load-wasm.js";
import { toHex } from "./reference/sha256.js";
import { validateBytes } from "./validate.js";

const DIGEST_BYTES = 32;

/** Returns the WASM sha256 and sha256Hex. */
export function createSha256(kernels: KernelExports) {
  function sha256(data: Uint8Array): Uint8Array {
    validateBytes(data);
    const input = kernels.reserveInput(data.length);
    new Uint8Array(kernels.memory.buffer, input, data.length).set(data);

    const digest = kernels.sha256(input, data.length);
    return new Uint8Array(kernels.memory.buffer, digest, DIGEST_BYTES).slice();
  }

  function sha256Hex(data: Uint8Array): string {
    return toHex(sha256(data));
  }

  return { sha256, sha256Hex };
}
