import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { referenceKernels, type Kernels } from "../../src/kernels/index.js";
import { createRandom, FLAVORS, kernelsByFlavor, randomBytes } from "./helpers.js";

// Known-answer vectors from the NIST SHA-256 examples.
const NIST_VECTORS: ReadonlyArray<readonly [label: string, message: string, digest: string]> = [
  ["empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "448-bit",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
  ["million a", "a".repeat(1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
];

function nodeSha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const implementations: ReadonlyArray<readonly [string, Pick<Kernels, "sha256" | "sha256Hex">]> = [
  ["reference", referenceKernels],
  ...FLAVORS.map((flavor) => [flavor, kernelsByFlavor[flavor]] as const),
];

describe.each(implementations)("sha256 %s", (_name, kernels) => {
  it.each(NIST_VECTORS)("matches the NIST vector %s", (_label, message, digest) => {
    expect(kernels.sha256Hex(new TextEncoder().encode(message))).toBe(digest);
  });

  it("returns 32 bytes", () => {
    const digest = kernels.sha256(new Uint8Array([1, 2, 3]));
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(digest.length).toBe(32);
  });

  it("matches node:crypto for lengths 0 to 300", () => {
    const random = createRandom(256);
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(random, length);
      expect(kernels.sha256Hex(data), `length ${length}`).toBe(nodeSha256Hex(data));
    }
  });

  it.each([1023, 4096, 65_537, 3_000_001])("matches node:crypto for %i bytes", (length) => {
    const data = randomBytes(createRandom(length), length);
    expect(kernels.sha256Hex(data)).toBe(nodeSha256Hex(data));
  });

  it("hashes a subarray view", () => {
    const backing = randomBytes(createRandom(5), 200);
    const view = backing.subarray(17, 150);
    expect(kernels.sha256Hex(view)).toBe(nodeSha256Hex(view));
  });

  it("returns a digest that later calls do not change", () => {
    const first = kernels.sha256(new TextEncoder().encode("abc"));
    kernels.sha256(new TextEncoder().encode("other"));
    expect(Buffer.from(first).toString("hex")).toBe(NIST_VECTORS[1]![2]);
  });

  it("rejects input that is not a Uint8Array", () => {
    expect(() => kernels.sha256("abc" as unknown as Uint8Array)).toThrow(TypeError);
  });
});
