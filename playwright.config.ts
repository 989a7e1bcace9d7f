/**
 * End-to-end tests: the built web page (out/renderer, served by `vite preview`) in Debian's
 * Chromium, and the desktop app through Playwright's _electron where an Electron binary exists.
 * Run through `npm test` (scripts/test.mjs), which builds first and picks a free port.
 * Never `npx playwright install`: browsers cannot be downloaded here.
 */
import { defineConfig } from '@playwright/test';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const port = Number(process.env.LEDGERLAB_E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 30_000 },
  globalTimeout: 20 * 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  projects: [
    {
      name: 'web',
      testDir: 'test/e2e',
      use: {
        browserName: 'chromium',
        baseURL,
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
        trace: 'retain-on-failure',
        screenshot: 'only-on-failure',
      },
    },
    {
      name: 'desktop',
      testDir: 'test/desktop',
    },
  ],
  webServer: {
    // Straight through Node, not npx: no npm start-up cost or noise, and one process to stop.
    command: `node node_modules/vite/bin/vite.js preview --config vite.config.ts --host 127.0.0.1 --port ${port} --strictPort`,
    url: baseURL,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
