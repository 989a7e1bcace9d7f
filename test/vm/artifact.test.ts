/**
 * The gas-metered QuickJS wasm is a committed build artifact (engine/vm/wasm/quickjs-gas.ts).
 * These tests fail when it is stale: after upgrading quickjs-emscripten or binaryen, or
 * editing scripts/build-quickjs-gas.mjs, run `node scripts/build-quickjs-gas.mjs`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QUICKJS_GAS_META, quickJsGasWasmBytes } from '../../engine/vm/index.ts';
import { buildQuickJsGas } from '../../scripts/build-quickjs-gas.mjs';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const REBUILD_HINT = 'engine/vm/wasm/quickjs-gas.ts is stale: run `node scripts/build-quickjs-gas.mjs` and commit the result';

describe('the quickjs-gas artifact', () => {
  it('embeds exactly the wasm its metadata describes', () => {
    const bytes = quickJsGasWasmBytes();
    expect(bytes.byteLength).toBe(QUICKJS_GAS_META.outputWasmBytes);
    expect(sha256(bytes)).toBe(QUICKJS_GAS_META.outputWasmSha256);
  });

  it('was built by the current build script from the installed QuickJS package', () => {
    const pkg = JSON.parse(readFileSync(root('node_modules/@jitl/quickjs-wasmfile-release-sync/package.json'), 'utf8')) as { name: string; version: string };
    expect(`${pkg.name}@${pkg.version}`, REBUILD_HINT).toBe(QUICKJS_GAS_META.sourcePackage);
    expect(sha256(readFileSync(root('node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm'))), REBUILD_HINT).toBe(QUICKJS_GAS_META.sourceWasmSha256);
    expect(sha256(readFileSync(root('node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.browser.mjs'))), REBUILD_HINT).toBe(QUICKJS_GAS_META.sourceGlueSha256);
    expect(sha256(readFileSync(root('scripts/build-quickjs-gas.mjs'))), REBUILD_HINT).toBe(QUICKJS_GAS_META.builderSha256);
  });

  it('is what the build script produces today, byte for byte', async () => {
    const { body } = await buildQuickJsGas();
    const committed = readFileSync(root('engine/vm/wasm/quickjs-gas.ts'), 'utf8');
    // Compare digests, not the 700 KB texts, so a failure prints something readable.
    expect(sha256(committed), REBUILD_HINT).toBe(sha256(body));
  });
});
