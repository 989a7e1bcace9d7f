/**
 * The space-time diagram and the metrics view in Chromium: a proof-of-authority network plays,
 * its messages become arrows (counted in the diagram's data-arrows), the keyboard inspects them
 * and scrolls back in time, and the Metrics tab charts a non-zero block interval and throughput.
 * Screenshots of both, in normal and presentation mode, go to test-results/.
 */
import { expect, test, type Locator } from '@playwright/test';
import { watchForProblems } from './support.ts';

async function numberAttribute(locator: Locator, name: string): Promise<number> {
  return Number((await locator.getAttribute(name)) ?? 'NaN');
}

test('before a network runs, both views say what to do', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Space-time diagram' })).toContainText('Start a network (Start, above) to see its messages over time');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Metrics' }).click();
  await expect(page.getByRole('region', { name: 'Metrics' })).toContainText('Start a network on the Network tab');
  expect(problems).toEqual([]);
});

test('a proof-of-authority run draws its messages on the space-time diagram and charts its metrics live', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await page.getByLabel('Simulation speed').selectOption('2000');
  await page.getByRole('button', { name: 'Start' }).click();

  const diagram = page.getByTestId('spacetime');
  await expect(diagram).toHaveAttribute('data-follow', 'true');
  await expect.poll(() => numberAttribute(diagram, 'data-arrows')).toBeGreaterThan(0);
  await expect(page.locator('output.clock')).toContainText(/height ([3-9]|\d\d)/);
  const legend = page.getByRole('list', { name: /Message types/ });
  await expect(legend.getByRole('checkbox', { name: 'block' })).toBeChecked();
  await expect(legend.getByRole('checkbox', { name: 'transaction' })).toBeChecked();
  await expect(diagram).toHaveAttribute('aria-label', /\d+ messages? drawn \(\d+ delivered/);

  // Pause, then inspect a message and scroll back with the diagram's own keys.
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
  const clock = await page.locator('output.clock').textContent();
  await diagram.focus();
  await page.keyboard.press(']');
  await expect(page.getByTestId('spacetime-detail')).toHaveText(/^Message \d+: (block|transaction) from node \d to node \d, sent [\d.]+ s, (delivered|in flight|dropped)/);
  await page.keyboard.press('ArrowLeft');
  await expect(diagram).toHaveAttribute('data-follow', 'false');
  await expect(page.locator('output.clock')).toHaveText(clock ?? ''); // the arrow scrolled the diagram, it did not step a block
  await page.keyboard.press('l');
  await expect(diagram).toHaveAttribute('data-follow', 'true');

  // Hiding transactions leaves fewer arrows; showing them again brings them back. (Let the
  // diagram repaint for the live window first: it draws on the next animation frame.)
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  const withTx = await numberAttribute(diagram, 'data-arrows');
  await legend.getByRole('checkbox', { name: 'transaction' }).uncheck();
  await expect.poll(() => numberAttribute(diagram, 'data-arrows')).toBeLessThan(withTx);
  await legend.getByRole('checkbox', { name: 'transaction' }).check();
  await expect.poll(() => numberAttribute(diagram, 'data-arrows')).toBe(withTx);

  await page.getByRole('region', { name: 'Space-time diagram' }).screenshot({ path: 'test-results/e2e-spacetime.png' });
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await page.screenshot({ path: 'test-results/e2e-spacetime-presenting.png', fullPage: true });
  await page.keyboard.press('p');
  await expect(page.locator('html')).not.toHaveClass(/presenting/);

  // Metrics: play on, the charts fill and the numbers beside them are real.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Metrics' }).click();
  await page.getByTestId('play').click();
  const interval = page.getByTestId('metric-blockIntervalMs');
  const throughput = page.getByTestId('metric-throughputTps');
  await expect.poll(async () => Number((await interval.getByTestId('latest').getAttribute('data-value')) || 0)).toBeGreaterThan(0);
  await expect.poll(async () => Number((await throughput.getByTestId('latest').getAttribute('data-value')) || 0)).toBeGreaterThan(0);
  await expect(interval.getByRole('img', { name: /^Block interval over virtual time, \d+ points?: latest 1\.00 s/ })).toBeVisible();
  for (const key of ['blockIntervalMs', 'finalityMs', 'messagesPerBlock', 'throughputTps', 'orphanRate']) {
    await expect(page.getByTestId(`metric-${key}`).locator('canvas').first()).toBeVisible();
  }
  const totals = page.getByRole('table', { name: 'Totals' });
  await expect(totals.getByRole('row', { name: /Blocks produced/ })).toContainText(/[1-9]/);
  await expect(totals.getByRole('row', { name: /Orphaned/ })).toContainText('0 (0.0 %)');

  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
  await page.screenshot({ path: 'test-results/e2e-metrics.png', fullPage: true });
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await page.screenshot({ path: 'test-results/e2e-metrics-presenting.png', fullPage: true });
  expect(problems).toEqual([]);
});
