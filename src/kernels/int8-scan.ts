// Loads the int8 scan kernel (assembly/scan) on a memory shared between the
// main thread and the pool threads. The vector rows live in that memory, so
// a thread scans them where the main thread wrote them, without a copy.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { findPackageRoot } from "./load-wasm.js";
import type { WasmImports, WasmInstance, WasmModule } from "./wasm-api.js";

/** A shared WebAssembly.Memory: its buffer is a SharedArrayBuffer that all threads see. */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

interface SharedMemoryNamespace {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => SharedWasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
}

const webAssembly = (globalThis as unknown as { WebAssembly: SharedMemoryNamespace }).WebAssembly;

export const WASM_PAGE_BYTES = 65_536;

/** The memory maximum compiled into build/scan.wasm (`--maximumMemory`), in pages: 2 GiB. */
export const SCAN_MAX_PAGES = 32_768;

/** Exports of assembly/scan/index.ts; addresses are byte offsets into the shared memory. */
export interface Int8ScanExports {
  scanTopK(
    query: number,
    queryFactor: number,
    stride: number,
    rows: number,
    factors: number,
    posts: number,
    count: number,
    firstIndex: number,
    k: number,
    heapScores: number,
    heapIndexes: number,
    heapSize: number,
    postScores: number,
    postSlots: number,
  ): number;
  mergePostBest(intoScores: number, intoSlots: number, fromScores: number, fromSlots: number, count: number): void;
  histogramScores(scores: number, count: number, bins: number, binCount: number): number;
}

let compiled: WasmModule | undefined;

/** Creates a shared memory that the scan kernel can import. */
export function createScanMemory(initialPages: number): SharedWasmMemory {
  return new webAssembly.Memory({ initial: initialPages, maximum: SCAN_MAX_PAGES, shared: true });
}

/** Instantiates the scan kernel on `memory`; the compiled module is cached per thread. */
export function instantiateInt8Scan(memory: SharedWasmMemory): Int8ScanExports {
  if (!compiled) {
    const path = join(findPackageRoot(), "build", "scan.wasm");
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new Error(`failed to read the scan kernel at ${path}. Run \`npm run build:wasm\` to build it.`, { cause: error });
    }
    compiled = new webAssembly.Module(bytes);
  }
  const instance = new webAssembly.Instance(compiled, { env: { memory } });
  return instance.exports as unknown as Int8ScanExports;
}
