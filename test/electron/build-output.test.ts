/**
 * Builds main and preload with the real build script into a temporary folder and checks the
 * output a sandboxed Electron can load: the preload is one CommonJS file needing only `electron`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../scripts/build-electron.mjs';

const requiredModules = (source: string) => [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);

describe('the Electron build', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'ledgerlab-electron-build-'));
  let preload = '';
  let main = '';

  beforeAll(async () => {
    const built = await buildElectron({ outDir, logLevel: 'silent' });
    preload = readFileSync(built.preload, 'utf8');
    main = readFileSync(built.main, 'utf8');
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('emits exactly main.cjs and preload.cjs, no shared chunks', () => {
    expect(readdirSync(outDir).sort()).toEqual(['main.cjs', 'preload.cjs']);
  });

  it('makes the preload a self-contained CommonJS file that requires only electron', () => {
    expect(requiredModules(preload)).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('lets main require only electron and Node built-ins, everything else bundled', () => {
    const builtins = new Set(builtinModules);
    const outside = requiredModules(main).filter((name) => name !== 'electron' && !name?.startsWith('node:') && !builtins.has(name ?? ''));
    expect(outside).toEqual([]);
    expect(main).not.toMatch(/^\s*(import|export)\s/m);
  });
});
