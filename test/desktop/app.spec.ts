/**
 * The real desktop app through Playwright's _electron. Runs only where an Electron binary is
 * installed (none can be downloaded on the project's machines); otherwise it is skipped and
 * scripts/test.mjs prints the reason. Needs `npm run build` first (npm test does it).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { REPO_ROOT, findElectronBinary } from '../../scripts/electron-binary.mjs';

const binary = findElectronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason = !binary.found
  ? `No Electron binary on this machine: ${binary.reason}.`
  : 'No display for Electron: run the tests under xvfb-run.';

test.skip(!binary.found || !display, skipReason);

test('the desktop window loads the studio with only the sandboxed ledgerlab bridge', async () => {
  // No executablePath: Playwright then adds its loader, and finds the binary we just checked.
  const app = await electron.launch({ args: [REPO_ROOT], cwd: REPO_ROOT });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Ledgerlab' })).toBeVisible();
    expect(window.url()).toBe('app://bundle/index.html');
    await expect(window.getByRole('contentinfo')).toContainText('Desktop edition');

    const exposed = await window.evaluate(() => {
      const scope = globalThis as Record<string, unknown>;
      return {
        require: typeof scope.require,
        process: typeof scope.process,
        bridge: Object.keys((scope.ledgerlab ?? {}) as object).sort(),
      };
    });
    expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: ['openProject', 'saveProject', 'version'] });

    expect(await window.evaluate("window.open('https://example.com') === null")).toBe(true);
    await window.evaluate("location.assign('https://example.com')");
    await expect.poll(() => window.url()).toBe('app://bundle/index.html');

    const rejected = await window.evaluate(
      "window.ledgerlab.saveProject({ bogus: 1 }).then(() => 'resolved', (error) => String(error.message))",
    );
    expect(rejected).toMatch(/^invalidPayload:/);
  } finally {
    await app.close();
  }
});
