/**
 * The studio shell in Chromium: loads clean, the views switch by click and by number keys, the
 * keyboard help opens and closes, presentation mode turns on and off by keyboard, and the
 * network controls start a run and play it.
 */
import { expect, test, type Page } from '@playwright/test';

function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

test('the shell loads clean; keys switch views, open the help and toggle presentation mode', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Views' });
  await expect(nav.getByRole('button')).toHaveText(['Network', 'Chain', 'Scenarios', 'Metrics', 'Quick run']);
  await expect(nav.getByRole('button', { name: 'Network' })).toHaveAttribute('aria-current', 'page');

  await page.keyboard.press('2');
  await expect(nav.getByRole('button', { name: 'Chain' })).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('1');
  await expect(nav.getByRole('button', { name: 'Network' })).toHaveAttribute('aria-current', 'page');

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('row')).toHaveCount(11);
  await page.screenshot({ path: 'test-results/e2e-shell-help.png' });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await expect(page.getByRole('button', { name: 'Leave presentation' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).not.toHaveClass(/presenting/);
  expect(problems).toEqual([]);
});

test('Start builds a network in the worker and Space pauses and resumes it', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await page.getByRole('button', { name: 'Start' }).click();
  const clock = page.locator('output.clock');
  await expect(clock).toContainText(/height [1-9]/);
  await expect(page.getByRole('button', { name: /Pause/ })).toBeVisible();
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: /Play/ })).toBeVisible();
  const paused = await clock.textContent();
  await page.keyboard.press('ArrowRight'); // one block
  await expect(clock).not.toHaveText(paused ?? '');
  expect(problems).toEqual([]);
});
