// @ts-check
// `npm test`: every Vitest test (unit, property, simulation), then a build, then the Playwright
// end-to-end suite against the built web page. Counts come from both runners' JSON reports.
// The very last line is "N passed, N failed" (", N skipped" when some were); exit 1 on failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './electron-binary.mjs';

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const VITEST_JSON = path.join(RESULTS_DIR, 'vitest.json');
const PLAYWRIGHT_JSON = path.join(RESULTS_DIR, 'playwright.json');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/** @typedef {{ passed: number, failed: number, skipped: number }} Counts */

/** @type {Counts} */
const total = { passed: 0, failed: 0, skipped: 0 };

/** @param {Partial<Counts>} counts */
function add(counts) {
  total.passed += counts.passed ?? 0;
  total.failed += counts.failed ?? 0;
  total.skipped += counts.skipped ?? 0;
}

/** @param {string} message */
function heading(message) {
  console.log(`\n=== ${message} ===`);
}

/**
 * Runs a command with inherited output; resolves to its exit code (never rejects).
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<number>}
 */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Path of a package's bin script, run with this Node (no npx, no shell).
 * @param {string} packageName
 * @param {string} binName
 */
function binScript(packageName, binName) {
  const packageDir = path.join(REPO_ROOT, 'node_modules', packageName);
  /** @type {{ bin: string | Record<string, string> }} */
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[binName];
  if (!bin) throw new Error(`${packageName} has no "${binName}" bin; run npm install`);
  return path.join(packageDir, bin);
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** @returns {Promise<number>} a port that was free a moment ago on 127.0.0.1 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Vitest's JSON report (Jest-compatible). A file that fails to load has no failed assertion but
 * a failed status; count it as one failure so it cannot hide.
 * @param {number} exitCode
 * @returns {Counts}
 */
function vitestCounts(exitCode) {
  const report = readJson(VITEST_JSON);
  if (!report) {
    console.error(`vitest: no JSON report at ${path.relative(REPO_ROOT, VITEST_JSON)} (exit code ${exitCode})`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  /** @type {{ status: string, name: string, message?: string, assertionResults: { status: string }[] }[]} */
  const files = report.testResults ?? [];
  const brokenFiles = files.filter((file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'));
  for (const file of brokenFiles) console.error(`vitest: ${path.relative(REPO_ROOT, file.name)} failed to run: ${file.message ?? ''}`);
  const counts = {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles.length,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
  if (exitCode !== 0 && counts.failed === 0) {
    console.error(`vitest exited with code ${exitCode} although no test failed (unhandled error?)`);
    counts.failed = 1;
  }
  return counts;
}

/**
 * @typedef {{ title: string, file: string, line: number, tests: { status: string, annotations: { type: string, description?: string }[] }[] }} PlaywrightSpec
 * @typedef {{ title: string, specs?: PlaywrightSpec[], suites?: PlaywrightSuite[] }} PlaywrightSuite
 */

/**
 * @param {PlaywrightSuite[]} suites
 * @returns {PlaywrightSpec[]}
 */
function allSpecs(suites) {
  return suites.flatMap((suite) => [...(suite.specs ?? []), ...allSpecs(suite.suites ?? [])]);
}

/**
 * Playwright's JSON report: expected = passed, unexpected = failed, flaky passed on retry.
 * Errors outside tests (web server, config) count as failures. Skips are printed with reasons.
 * @param {number} exitCode
 * @returns {Counts}
 */
function playwrightCounts(exitCode) {
  const report = readJson(PLAYWRIGHT_JSON);
  if (!report) {
    console.error(`playwright: no JSON report at ${path.relative(REPO_ROOT, PLAYWRIGHT_JSON)} (exit code ${exitCode})`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const stats = report.stats ?? {};
  /** @type {{ message?: string }[]} */
  const errors = report.errors ?? [];
  for (const error of errors) console.error(`playwright: ${error.message ?? 'error outside any test'}`);
  for (const spec of allSpecs(report.suites ?? [])) {
    for (const t of spec.tests) {
      if (t.status !== 'skipped') continue;
      const reason = t.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
      console.log(`skipped: ${spec.file} › ${spec.title} (${reason})`);
    }
  }
  const counts = {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: (stats.unexpected ?? 0) + (stats.unexpected ? 0 : errors.length),
    skipped: stats.skipped ?? 0,
  };
  if (exitCode !== 0 && counts.failed === 0) {
    console.error(`playwright exited with code ${exitCode} although no test failed`);
    counts.failed = 1;
  }
  return counts;
}

async function runVitest() {
  heading('Vitest: unit, property and simulation tests');
  rmSync(VITEST_JSON, { force: true });
  const exitCode = await run(process.execPath, [
    binScript('vitest', 'vitest'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${VITEST_JSON}`,
  ]);
  add(vitestCounts(exitCode));
}

/** @returns {Promise<boolean>} */
async function build() {
  heading('Build: web renderer and Electron main/preload');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const exitCode = await run(npm, ['run', '--silent', 'build']);
  if (exitCode !== 0) {
    console.error(`build failed (exit code ${exitCode}); the end-to-end tests need the built page`);
    add({ failed: 1 });
    return false;
  }
  return true;
}

async function runPlaywright() {
  heading('Playwright: end-to-end tests of the built web page (and the desktop app if Electron exists)');
  if (!existsSync(CHROMIUM_PATH)) {
    const message = `e2e: Chromium not found at ${CHROMIUM_PATH} (install it with: apt-get install chromium, or set CHROMIUM_PATH)`;
    if (IN_CI) {
      console.error(`${message}; counted as a failure because CI is set`);
      add({ failed: 1 });
    } else {
      console.log(`${message}; end-to-end suite skipped`);
      add({ skipped: 1 });
    }
    return;
  }
  rmSync(PLAYWRIGHT_JSON, { force: true });
  const port = await freePort();
  const exitCode = await run(process.execPath, [binScript('@playwright/test', 'playwright'), 'test', '--reporter=list,json'], {
    ...process.env,
    LEDGERLAB_E2E_PORT: String(port),
    PLAYWRIGHT_JSON_OUTPUT_FILE: PLAYWRIGHT_JSON,
    CHROMIUM_PATH,
  });
  add(playwrightCounts(exitCode));
}

mkdirSync(RESULTS_DIR, { recursive: true });
await runVitest();
if (await build()) await runPlaywright();

const summary = `${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`;
console.log(`\n${summary}`);
process.exitCode = total.failed > 0 ? 1 : 0;
