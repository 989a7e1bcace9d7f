/**
 * Browser bench (issue 6, item 10): the built studio in headless Chromium, a 50-node network
 * playing with its messages animated. Measures frames per second (requestAnimationFrame counted
 * inside the page) against the 50 fps target, and input latency while the engine runs: the time
 * from a real click or key press (the input event's timestamp) to the first frame that shows the
 * inspector answering it. Figures, never assertions.
 *
 * Builds the page into a temporary folder first, unless LEDGERLAB_BENCH_WEB_DIR names a build
 * (a folder with index.html). Skipped, with the reason printed, where Chromium is missing.
 * Run alone: `npx tsx bench/browser.ts`; `npm run bench` runs it last.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable } from '../engine/node/cli-support.ts';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TARGET_FPS = 50;
const NODES = 50;
const WARM_UP_MS = 2_500;
const MEASURE_MS = 5_000;
const CLICKS = 8;
const KEY_PRESSES = 4;
const PROTOCOLS = ['raft', 'poa', 'bft'] as const;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

type Print = (line: string) => void;

/** Counts animation frames for `ms` inside the page, sampling the number of messages drawn. */
const MEASURE_FRAMES = `(ms) => new Promise((resolve) => {
  const gaps = [];
  const drawn = [];
  let last = null;
  let t0 = null;
  let nextSample = 0;
  const layer = () => document.querySelector('[data-testid=message-layer]');
  const step = (t) => {
    if (t0 === null) { t0 = t; nextSample = t; }
    if (last !== null) gaps.push(t - last);
    last = t;
    if (t >= nextSample) {
      const c = layer();
      drawn.push(Number(c?.dataset.drawn ?? 0));
      nextSample += 250;
    }
    if (t - t0 < ms) requestAnimationFrame(step);
    else resolve({ gaps, drawn, spanMs: t - t0, inFlight: Number(layer()?.dataset.inFlight ?? 0) });
  };
  requestAnimationFrame(step);
})`;

/**
 * Arms a latency probe: the next pointerdown or keydown starts the clock (at the event's own
 * timestamp, so time spent queued behind other work counts); it stops at the first animation
 * frame in which the inspector shows node `id`.
 */
const ARM_PROBE = `(id) => {
  window.__ledgerlabProbe = new Promise((resolve) => {
    let start = null;
    let queuedMs = 0;
    const onInput = (event) => {
      if (start !== null) return;
      start = event.timeStamp;
      queuedMs = performance.now() - event.timeStamp;
    };
    window.addEventListener('pointerdown', onInput, { capture: true });
    window.addEventListener('keydown', onInput, { capture: true });
    const shown = () => (document.querySelector('[data-testid=inspected-node]')?.textContent ?? '').trim().startsWith('Node ' + id + ' ');
    const done = (value) => {
      window.removeEventListener('pointerdown', onInput, { capture: true });
      window.removeEventListener('keydown', onInput, { capture: true });
      resolve(value);
    };
    const poll = () => {
      // Measured inside the animation-frame callback of the frame that paints the answer.
      if (start !== null && shown()) done({ toFrameMs: performance.now() - start, queuedMs });
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
    setTimeout(() => done(null), 10000);
  });
}`;

interface FrameSample {
  gaps: number[];
  drawn: number[];
  spanMs: number;
  inFlight: number;
}

interface Probe {
  toFrameMs: number;
  queuedMs: number;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : 'n/a');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The studio built for the bench: an existing build, or a fresh one in a temporary folder. */
async function webBuild(print: Print): Promise<{ dir: string; temporary: boolean }> {
  const given = process.env.LEDGERLAB_BENCH_WEB_DIR;
  if (given && existsSync(join(given, 'index.html'))) return { dir: resolve(given), temporary: false };
  const dir = await mkdtemp(join(tmpdir(), 'ledgerlab-bench-web-'));
  print(`Building the studio into ${dir} (set LEDGERLAB_BENCH_WEB_DIR to reuse a build)...`);
  const { build } = await import('vite');
  // vite.config.ts reads the output folder from the environment when it loads.
  const before = process.env.LEDGERLAB_OUT_DIR;
  process.env.LEDGERLAB_OUT_DIR = dir;
  try {
    await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'error' });
  } finally {
    if (before === undefined) delete process.env.LEDGERLAB_OUT_DIR;
    else process.env.LEDGERLAB_OUT_DIR = before;
  }
  return { dir, temporary: true };
}

export async function benchBrowser(print: Print): Promise<void> {
  print(`Studio in the browser: ${NODES} nodes playing at 1x with messages animated (target ${TARGET_FPS} fps)`);
  if (!existsSync(CHROMIUM_PATH)) {
    print(`  skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`);
    return;
  }
  const { dir, temporary } = await webBuild(print);
  const { preview } = await import('vite');
  const port = await freePort();
  const before = process.env.LEDGERLAB_OUT_DIR;
  process.env.LEDGERLAB_OUT_DIR = dir;
  const server = await preview({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'error', preview: { host: '127.0.0.1', port, strictPort: true } });
  if (before === undefined) delete process.env.LEDGERLAB_OUT_DIR;
  else process.env.LEDGERLAB_OUT_DIR = before;
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  const rows: Array<Record<string, unknown>> = [];
  const errors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    for (const protocol of PROTOCOLS) {
      await page.getByLabel('Protocol').selectOption(protocol);
      await page.getByLabel('Nodes', { exact: true }).fill(String(NODES));
      await page.locator('form[aria-label="Network controls"] button[type=submit]').click();
      await page.getByTestId('network-summary').filter({ hasText: `${NODES} nodes` }).waitFor();
      await page.getByRole('button', { name: /Pause/ }).waitFor();
      await page.waitForTimeout(WARM_UP_MS);

      const clock = page.locator('output.clock');
      const virtualBefore = Number(/t = ([\d.]+) s/.exec((await clock.textContent()) ?? '')?.[1] ?? Number.NaN);
      const sample = (await page.evaluate(`(${MEASURE_FRAMES})(${MEASURE_MS})`)) as FrameSample;
      const virtualAfter = Number(/t = ([\d.]+) s/.exec((await clock.textContent()) ?? '')?.[1] ?? Number.NaN);

      const probes: Probe[] = [];
      const keyProbes: Probe[] = [];
      for (let k = 0; k < CLICKS + KEY_PRESSES; k++) {
        const id = (7 + k * 11) % NODES;
        await page.evaluate(`(${ARM_PROBE})(${id})`);
        const button = page.getByRole('button', { name: new RegExp(`^Node ${id}:`) });
        if (k < CLICKS) {
          await button.click();
        } else {
          await button.focus();
          await page.keyboard.press('Enter');
        }
        const probe = (await page.evaluate('window.__ledgerlabProbe')) as Probe | null;
        if (probe) (k < CLICKS ? probes : keyProbes).push(probe);
        await page.waitForTimeout(150);
      }

      const fps = sample.gaps.length / (sample.spanMs / 1000);
      const clickMs = probes.map((p) => p.toFrameMs);
      const keyMs = keyProbes.map((p) => p.toFrameMs);
      rows.push({
        protocol,
        nodes: NODES,
        fps: round(fps),
        vsTarget: `${(fps / TARGET_FPS).toFixed(2)}x`,
        p95FrameMs: round(percentile(sample.gaps, 95)),
        framesOver50ms: sample.gaps.filter((g) => g > 50).length,
        msgsDrawnAvg: round(sample.drawn.reduce((a, b) => a + b, 0) / Math.max(1, sample.drawn.length), 0),
        msgsDrawnMax: Math.max(0, ...sample.drawn),
        clickToFrameMedMs: round(percentile(clickMs, 50)),
        clickToFrameMaxMs: round(Math.max(...clickMs)),
        keyToFrameMedMs: round(percentile(keyMs, 50)),
        inputQueuedMaxMs: round(Math.max(...probes.map((p) => p.queuedMs), ...keyProbes.map((p) => p.queuedMs))),
        simSecondsPerSecond: round((virtualAfter - virtualBefore) / (sample.spanMs / 1000), 2),
      });
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    if (temporary) await rm(dir, { recursive: true, force: true });
  }
  print(formatTable(rows));
  print(`  load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on this machine while measuring (others' work shows up as lower fps).`);
  print('  fps: requestAnimationFrame callbacks per second in the page; vsTarget = fps / 50.');
  print('  clickToFrame / keyToFrame: from the input event to the first frame showing the inspector on the chosen node (engine running).');
  print('  simSecondsPerSecond: virtual seconds per wall second (1 = the engine keeps up with 1x speed).');
  if (errors.length > 0) print(`  page errors during the bench: ${[...new Set(errors)].join('; ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchBrowser((line) => process.stdout.write(line + '\n'));
}
