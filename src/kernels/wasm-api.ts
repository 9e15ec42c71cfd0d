// Minimal types for the WebAssembly JavaScript API. The project compiles
// with lib ES2022 and @types/node 20, which declare no WebAssembly global,
// so this module types the few members that the kernels use.

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** A compiled WebAssembly.Module, passed on to WebAssembly.Instance without inspection. */
export type WasmModule = object;

/** A WebAssembly.Instance. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** Import object passed to WebAssembly.Instance. */
export type WasmImports = Record<string, Record<string, unknown>>;

interface WasmNamespace {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}

/** The global WebAssembly object of Node.js. */
export const wasm = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;
