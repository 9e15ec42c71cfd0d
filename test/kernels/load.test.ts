import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadKernels, loadKernelsSync, referenceKernels, type KernelFlavor } from "../../src/kernels/index.js";
import { findPackageRoot, kernelWasmPath } from "../../src/kernels/load-wasm.js";

describe("kernel loading", () => {
  it("finds the package root", () => {
    expect(existsSync(join(findPackageRoot(), "package.json"))).toBe(true);
    expect(existsSync(join(findPackageRoot(), "assembly", "index.ts"))).toBe(true);
  });

  it("finds the root from a dist folder", () => {
    const root = findPackageRoot();
    expect(findPackageRoot(join(root, "dist", "src", "kernels"))).toBe(root);
  });

  it("locates both builds", () => {
    expect(existsSync(kernelWasmPath("simd"))).toBe(true);
    expect(existsSync(kernelWasmPath("scalar"))).toBe(true);
  });

  it("loads simd by default", async () => {
    expect((await loadKernels()).flavor).toBe("simd");
    expect(loadKernelsSync().flavor).toBe("simd");
  });

  it("loads the scalar build", async () => {
    expect((await loadKernels("scalar")).flavor).toBe("scalar");
    expect(loadKernelsSync("scalar").flavor).toBe("scalar");
  });

  it("rejects an unknown flavor", async () => {
    await expect(loadKernels("gpu" as KernelFlavor)).rejects.toThrow(RangeError);
    expect(() => loadKernelsSync("gpu" as KernelFlavor)).toThrow(/invalid kernel flavor "gpu"/);
  });

  it("keeps instances independent", async () => {
    const first = await loadKernels();
    const second = await loadKernels();
    first.cosineBatch(new Float32Array(1536), new Float32Array(1536 * 2000));
    expect(second.tokenize("Hello World")).toEqual(["hello", "world"]);
    expect(first.tokenize("Hello World")).toEqual(["hello", "world"]);
  });

  it("labels the reference kernels", () => {
    expect(referenceKernels.flavor).toBe("reference");
  });
});
