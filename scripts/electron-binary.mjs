// @ts-check
// Finds a runnable Electron binary WITHOUT require('electron'): since Electron 42 that require
// downloads the binary on first use, which fails (or hangs) on machines without internet.
// Mirrors node_modules/electron/index.js: ELECTRON_OVERRIDE_DIST_PATH, else dist/<path.txt>.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {{ found: true, executablePath: string } | { found: false, reason: string }} ElectronBinaryStatus
 */

/**
 * @param {string} [repoRoot]
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {ElectronBinaryStatus}
 */
export function findElectronBinary(repoRoot = REPO_ROOT, env = process.env) {
  const packageDir = path.join(repoRoot, 'node_modules', 'electron');
  if (!existsSync(path.join(packageDir, 'package.json'))) {
    return { found: false, reason: 'the electron package is not installed; run npm install' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relativeBinary = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = path.join(override, relativeBinary || 'electron');
    return existsSync(candidate)
      ? { found: true, executablePath: candidate }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${candidate} does not exist` };
  }
  if (!relativeBinary) {
    return {
      found: false,
      reason: 'node_modules/electron/path.txt is missing (Electron downloads its binary on first use, which needs internet access)',
    };
  }
  const candidate = path.join(packageDir, 'dist', relativeBinary);
  return existsSync(candidate)
    ? { found: true, executablePath: candidate }
    : { found: false, reason: `${path.relative(repoRoot, candidate)} is missing` };
}
