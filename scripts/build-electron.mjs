// @ts-check
// Builds the Electron main process and the preload into out/electron/ with Vite's build API.
// Two separate builds on purpose: a multi-input build emits shared chunks, and a sandboxed
// preload can require nothing but `electron`, so the preload must be one self-contained file.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Electron 45 ships Node 22 and Chromium 142. */
const ELECTRON_NODE_TARGET = 'node22';

/**
 * @param {string} entry  path of the entry module, relative to the repo root
 * @param {string} fileName  output file name inside outDir
 * @param {{ outDir: string, emptyOutDir: boolean, logLevel: import('vite').LogLevel }} options
 * @returns {import('vite').InlineConfig}
 */
function cjsBundle(entry, fileName, { outDir, emptyOutDir, logLevel }) {
  return {
    configFile: false,
    root: repoRoot,
    logLevel,
    publicDir: false,
    build: {
      ssr: entry,
      outDir,
      emptyOutDir,
      target: ELECTRON_NODE_TARGET,
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rolldownOptions: {
        external: ['electron', /^node:/, ...builtinModules],
        output: { format: 'cjs', entryFileNames: fileName, codeSplitting: false },
      },
    },
    ssr: { noExternal: true, target: 'node' },
  };
}

/**
 * @param {{ outDir?: string, logLevel?: import('vite').LogLevel }} [options]
 * @returns {Promise<{ main: string, preload: string }>} absolute paths of the two bundles
 */
export async function buildElectron({ outDir = path.join(repoRoot, 'out', 'electron'), logLevel = 'warn' } = {}) {
  await build(cjsBundle('electron/main.ts', 'main.cjs', { outDir, emptyOutDir: true, logLevel }));
  await build(cjsBundle('electron/preload.ts', 'preload.cjs', { outDir, emptyOutDir: false, logLevel }));
  return { main: path.join(outDir, 'main.cjs'), preload: path.join(outDir, 'preload.cjs') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { main, preload } = await buildElectron({ logLevel: 'info' });
  console.log(`electron: built ${path.relative(repoRoot, main)} and ${path.relative(repoRoot, preload)}`);
}
