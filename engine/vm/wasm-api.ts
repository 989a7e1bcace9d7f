/**
 * The slice of the WebAssembly JS API the VM uses, typed locally.
 *
 * The engine compiles with lib ES2022 and no DOM or Node types, and WebAssembly's typings
 * live in lib.dom / @types/node. Declaring a global namespace here would clash with
 * @types/node in tsconfig.node.json, so we reach the (standard, present in Node, browsers and
 * workers) `WebAssembly` object through globalThis with these minimal types instead.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmGlobal {
  value: number;
}

export type WasmExports = Record<string, unknown>;

export interface WasmInstance {
  readonly exports: WasmExports;
}

/** An opaque compiled module (`WebAssembly.Module`). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export type WasmImports = Record<string, Record<string, unknown>>;

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  RuntimeError: new (message?: string) => Error;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: WasmImports): Promise<WasmInstance>;
}

export function webAssembly(): WebAssemblyApi {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new Error('WebAssembly is not available in this JavaScript environment');
  return api;
}

/** True for traps raised by wasm code itself (unreachable, out-of-bounds access, ...). */
export function isWasmTrap(error: unknown): boolean {
  return error instanceof webAssembly().RuntimeError;
}
