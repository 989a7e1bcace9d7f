/**
 * npm start and the desktop tests decide "is there an Electron binary?" from files alone,
 * because require('electron') would try to download one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const roots: string[] = [];
function fakeRepo({ pathTxt, binary }: { pathTxt?: string; binary?: boolean }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ledgerlab-electron-'));
  roots.push(root);
  const packageDir = path.join(root, 'node_modules', 'electron');
  mkdirSync(path.join(packageDir, 'dist'), { recursive: true });
  writeFileSync(path.join(packageDir, 'package.json'), '{"name":"electron"}');
  if (pathTxt !== undefined) writeFileSync(path.join(packageDir, 'path.txt'), pathTxt);
  if (binary && pathTxt) writeFileSync(path.join(packageDir, 'dist', pathTxt), '');
  return root;
}
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('finding an Electron binary without requiring electron', () => {
  it('finds dist/<path.txt> when the binary was installed', () => {
    const root = fakeRepo({ pathTxt: 'electron', binary: true });
    expect(findElectronBinary(root, {})).toEqual({
      found: true,
      executablePath: path.join(root, 'node_modules', 'electron', 'dist', 'electron'),
    });
  });

  it('reports no binary when the package never downloaded one (the case on machines without internet)', () => {
    expect(findElectronBinary(fakeRepo({}), {})).toMatchObject({ found: false, reason: expect.stringContaining('path.txt is missing') });
  });

  it('reports no binary when path.txt names a file that is not there', () => {
    expect(findElectronBinary(fakeRepo({ pathTxt: 'electron' }), {})).toMatchObject({ found: false, reason: expect.stringContaining('is missing') });
  });

  it('reports a missing package', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ledgerlab-electron-'));
    roots.push(root);
    expect(findElectronBinary(root, {})).toMatchObject({ found: false, reason: expect.stringContaining('npm install') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js does', () => {
    const root = fakeRepo({});
    const dist = mkdtempSync(path.join(tmpdir(), 'ledgerlab-electron-dist-'));
    roots.push(dist);
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toMatchObject({ found: false });
    writeFileSync(path.join(dist, 'electron'), '');
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ found: true, executablePath: path.join(dist, 'electron') });
  });
});
