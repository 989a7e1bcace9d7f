/**
 * The gas-metered QuickJS wasm: decoding the committed artifact and compiling it once.
 *
 * The artifact (engine/vm/wasm/quickjs-gas.ts) embeds the binary as base64 so that Node,
 * vitest, the CLI and the Vite worker bundle all load it with a plain import and no asset
 * plumbing. Callers that already hold a compiled module (for example a worker that fetched
 * the bytes itself) can pass it to ContractVM.create instead.
 */
import { QUICKJS_GAS_META, QUICKJS_GAS_WASM_BASE64 } from './wasm/quickjs-gas.ts';
import { webAssembly, type WasmModule } from './wasm-api.ts';

export { QUICKJS_GAS_META };

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function decodeBase64(text: string): Uint8Array {
  const lookup = new Uint8Array(128).fill(255);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) lookup[BASE64_ALPHABET.charCodeAt(i)] = i;
  let length = text.length;
  while (length > 0 && text.charCodeAt(length - 1) === 61 /* = */) length--;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? lookup[code]! : 255;
    if (value === 255) throw new Error(`invalid base64 character at ${i}`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

/** The instrumented wasm binary. */
export function quickJsGasWasmBytes(): Uint8Array {
  return decodeBase64(QUICKJS_GAS_WASM_BASE64);
}

let compiled: Promise<WasmModule> | undefined;

/** Compiles the embedded wasm once per JavaScript realm and shares the module. */
export function compileQuickJsGasWasm(): Promise<WasmModule> {
  compiled ??= webAssembly().compile(quickJsGasWasmBytes());
  return compiled;
}
