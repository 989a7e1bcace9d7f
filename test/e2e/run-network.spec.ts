/**
 * The studio's web edition, end to end: the built page in Chromium runs the engine in its Web
 * Worker. Run by `npm test` (scripts/test.mjs) against `vite preview`.
 */
import { expect, test, type Route } from '@playwright/test';
import { runNetwork } from '../../engine/api/index.ts';
import { watchForProblems } from './support.ts';

test('a 4-node proof-of-authority network runs from the form and every node agrees', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Ledgerlab' })).toBeVisible();
  await page.getByRole('button', { name: 'Quick run' }).click();
  await expect(page.getByRole('status')).toContainText('No run yet');

  await page.getByLabel('Protocol').selectOption('poa');
  await page.getByLabel('Nodes').fill('4');
  await page.getByLabel('Seed').fill('7');
  await page.getByLabel('Blocks').fill('5');
  await page.getByLabel('Transactions').fill('10');
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  await expect(page.getByText('All 4 nodes agree on the state root.')).toBeVisible();
  const table = page.getByRole('table', { name: /State root per node/ });
  await expect(table.getByRole('row')).toHaveCount(5); // header + one row per node

  // Determinism across hosts: the worker in Chromium reports what Node computes for the same run.
  const inNode = runNetwork({ protocol: 'poa', nodes: 4, seed: 7, blocks: 5, txs: 10 });
  await expect(page.getByRole('definition').filter({ hasText: /^[0-9a-f]{64}$/ })).toHaveText(inNode.traceHash);
  const [rootInNode = 'no state root in Node'] = inNode.stateRoots;
  await expect(table.getByRole('cell', { name: rootInNode, exact: true })).toHaveCount(4);
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.screenshot({ path: 'test-results/e2e-poa-4-nodes.png', fullPage: true });
  expect(problems).toEqual([]);
});

test('every protocol runs from the form; a 5-server Raft cluster agrees, finalises and the checkers find nothing', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await page.getByRole('button', { name: 'Quick run' }).click();
  await expect(page.getByLabel('Protocol').locator('option')).toHaveText(['Proof of authority (PoA)', 'Raft (crash-tolerant leader)', 'Tendermint BFT (Byzantine-tolerant)', 'Proof of work (Nakamoto)']);
  await page.getByLabel('Protocol').selectOption('raft');
  await page.getByLabel('Nodes').fill('5');
  await page.getByLabel('Seed').fill('3');
  await page.getByLabel('Blocks').fill('8');
  await page.getByLabel('Transactions').fill('20');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByText('All 5 nodes agree on the state root.')).toBeVisible();
  await expect(page.getByText(/Checkers: no violations \(agreement, state roots, election safety, log matching, leader completeness\)/)).toBeVisible();
  const table = page.getByRole('table', { name: /State root per node/ });
  await expect(table.getByRole('columnheader', { name: 'Finalized height' })).toBeVisible();
  const inNode = runNetwork({ protocol: 'raft', nodes: 5, seed: 3, blocks: 8, txs: 20 });
  await expect(page.getByRole('definition').filter({ hasText: /^[0-9a-f]{64}$/ })).toHaveText(inNode.traceHash);
  await page.screenshot({ path: 'test-results/e2e-raft-5-nodes.png', fullPage: true });
  expect(problems).toEqual([]);
});

test('the form can be filled and run with the keyboard alone', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await page.keyboard.press('5'); // the Quick run view
  await expect(page.getByRole('button', { name: 'Quick run' })).toHaveAttribute('aria-current', 'page');
  // Tab through the skip link, the views and the header tools to the form's first field.
  for (let i = 0; i < 12 && !(await page.getByLabel('Protocol').evaluate((el) => el.matches(":focus"))); i++) await page.keyboard.press('Tab');
  await expect(page.getByLabel('Protocol')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Nodes')).toBeFocused();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  for (const label of ['Seed', 'Blocks', 'Transactions']) {
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(label)).toBeFocused();
  }
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByText('All 3 nodes agree on the state root.')).toBeVisible();
  expect(problems).toEqual([]);
});

test('an out-of-range node count is explained next to the field and nothing runs', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Quick run' }).click();
  await page.getByLabel('Nodes').fill('0');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const nodes = page.getByLabel('Nodes');
  await expect(nodes).toHaveAttribute('aria-invalid', 'true');
  await expect(nodes).toHaveAccessibleDescription('Nodes must be a whole number from 1 to 64.');
  await expect(page.getByRole('status')).toContainText('No run yet');
});

test('the page names the desktop edition when the Electron preload bridge is present', async ({ page }) => {
  // Stands in for electron/preload.ts, so the desktop branch of the UI runs in plain Chromium.
  await page.addInitScript(() => {
    Object.defineProperty(globalThis, 'ledgerlab', {
      value: Object.freeze({
        version: async () => ({ app: '0.1.0', electron: '45.4.1', chrome: '142.0.0.0' }),
        openProject: async () => null,
        saveProject: async () => null,
      }),
    });
  });
  await page.goto('/');
  await expect(page.getByRole('contentinfo')).toHaveText(/^Desktop edition 0\.1\.0 \(Electron 45\.4\.1\) · press \? for keys$/);
});

test('the web edition says so', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('contentinfo')).toHaveText(/^Web edition · press \? for keys$/);
});

test('an engine worker that crashes is reported, and the next run starts a fresh worker', async ({ page }) => {
  const crashWorker = (route: Route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: 'throw new Error("simulated engine crash");' });
  await page.route('**/assets/engine.worker-*.js', crashWorker);
  await page.goto('/');
  await page.getByRole('button', { name: 'Quick run' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('The run failed.');
  await expect(page.getByRole('alert')).toContainText('The engine stopped unexpectedly');
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await page.screenshot({ path: 'test-results/e2e-engine-crash.png' });

  await page.unroute('**/assets/engine.worker-*.js', crashWorker);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByText('All 4 nodes agree on the state root.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
