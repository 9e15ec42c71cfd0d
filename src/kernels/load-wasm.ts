// Locates, compiles and instantiates the WASM kernel builds.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KernelFlavor } from "./types.js";
import { wasm, type WasmImports, type WasmMemory, type WasmModule } from "./wasm-api.js";

/** Exports of assembly/index.ts. Addresses are byte offsets into `memory`. */
export interface KernelExports {
  readonly memory: WasmMemory;
  reserveInput(bytes: number): number;
  reserveOutput(bytes: number): number;
  outputAddress(): number;
  cosineBatch(input: number, dim: number, count: number): number;
  sha256(input: number, length: number): number;
  tokenize(input: number, units: number, stopWords: number): number;
  hashEmbed(input: number, units: number, dim: number): number;
}

/**
 * Returns the nearest folder at or above this module that contains
 * package.json. The module runs from src/kernels under vitest and from
 * dist/src/kernels after tsc, so a fixed relative path would not work.
 */
export function findPackageRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let folder = start;
  while (!existsSync(join(folder, "package.json"))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`package.json not found in ${start} or any parent folder`);
    folder = parent;
  }
  return folder;
}

/** Returns the path of the WASM build of `flavor`. */
export function kernelWasmPath(flavor: KernelFlavor): string {
  return join(findPackageRoot(), "build", `kernels.${flavor}.wasm`);
}

function missingBuildError(path: string, cause: unknown): Error {
  return new Error(`failed to read WASM kernels at ${path}. Run \`npm run build:wasm\` to build them.`, { cause });
}

/** Reads an AssemblyScript string: UTF-16 code units preceded by its byte length at address - 4. */
function readAssemblyString(memory: WasmMemory, address: number): string {
  if (address === 0) return "";
  const bytes = new DataView(memory.buffer).getUint32(address - 4, true);
  return Buffer.from(memory.buffer, address, bytes).toString("utf16le");
}

/** Creates the imports object. `abort` throws, because AssemblyScript calls it on a fatal error such as a failed allocation. */
function createImports(getMemory: () => WasmMemory): WasmImports {
  return {
    env: {
      abort(message: number, fileName: number, line: number, column: number): never {
        const memory = getMemory();
        const text = readAssemblyString(memory, message);
        const file = readAssemblyString(memory, fileName);
        throw new Error(`WASM kernel aborted: ${text} at ${file}:${line}:${column}`);
      },
    },
  };
}

function instantiate(module: WasmModule): KernelExports {
  let exports: KernelExports | undefined;
  const imports = createImports(() => exports!.memory);
  const instance = new wasm.Instance(module, imports);
  exports = instance.exports as unknown as KernelExports;
  return exports;
}

const compiledModules = new Map<KernelFlavor, WasmModule>();

/** Compiles (once per flavor) and instantiates the kernels synchronously. */
export function instantiateKernelsSync(flavor: KernelFlavor): KernelExports {
  let module = compiledModules.get(flavor);
  if (module === undefined) {
    const path = kernelWasmPath(flavor);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw missingBuildError(path, error);
    }
    module = new wasm.Module(bytes);
    compiledModules.set(flavor, module);
  }
  return instantiate(module);
}

/** Compiles (once per flavor) and instantiates the kernels without blocking on file reads or compilation. */
export async function instantiateKernels(flavor: KernelFlavor): Promise<KernelExports> {
  let module = compiledModules.get(flavor);
  if (module === undefined) {
    const path = kernelWasmPath(flavor);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw missingBuildError(path, error);
    }
    module = await wasm.compile(bytes);
    compiledModules.set(flavor, module);
  }
  return instantiate(module);
}
