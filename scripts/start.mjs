// @ts-check
// `npm start`: the desktop app where an Electron binary exists, else the web edition.
// Works on a fresh clone after `npm install`: the web edition needs no build (Vite dev server).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'vite';
import { REPO_ROOT, findElectronBinary } from './electron-binary.mjs';

/** Builds renderer + main + preload, then runs Electron on the repo (package.json "main"). */
async function startDesktop(/** @type {string} */ executablePath) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawn(npm, ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const buildCode = await new Promise((resolve) => build.on('exit', (code) => resolve(code ?? 1)));
  if (buildCode !== 0) {
    console.error('The build failed, so the desktop app cannot start.');
    process.exit(1);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would turn the app into a plain Node process
  const electron = spawn(executablePath, [REPO_ROOT], { cwd: REPO_ROOT, env, stdio: 'inherit' });
  electron.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => electron.kill(signal));
}

/** Same as `npm run web`, but announces itself in one line. */
async function startWeb() {
  const server = await createServer({ configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? `http://localhost:${server.config.server.port}/`;
  console.log(`No Electron binary is available on this machine, so Ledgerlab is serving the web edition instead at ${url}`);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => void server.close().then(() => process.exit(0)));
  }
}

const binary = findElectronBinary();
if (binary.found) await startDesktop(binary.executablePath);
else await startWeb();
