/**
 * The studio shell in Chromium: loads clean, the views switch by click and by number keys, the
 * keyboard help opens and closes, presentation mode turns on and off by keyboard, and the
 * network controls start a run and play it.
 */
import { expect, test } from '@playwright/test';
import { watchForProblems } from './support.ts';

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
  await expect(help.getByRole('row')).toHaveCount(12);
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

test('the timeline scrubber travels back, an intervention in the past forks a new timeline, and the original stays reachable', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await page.getByLabel('Protocol').selectOption('raft');
  await page.getByRole('button', { name: 'Start' }).click();
  const clock = page.locator('output.clock');
  await expect(clock).toContainText(/t = ([6-9]|\d\d+)\.\d\d s/, { timeout: 30_000 });
  await page.getByRole('button', { name: /Pause/ }).click();
  const scrubber = page.getByRole('slider', { name: 'Time', exact: true });
  const headText = (await page.getByTestId('timeline').locator('output').textContent()) ?? '';
  const headSeconds = /\/ ([\d.]+) s/.exec(headText)?.[1];
  expect(headSeconds).toBeDefined();

  // Back to 2 s: the network as it was, and a note saying so.
  await scrubber.fill('2000');
  await expect(clock).toContainText('t = 2.00 s');
  await expect(page.getByTestId('timeline').getByText(/^Viewing the past/)).toBeVisible();
  await expect(page.getByTestId('timeline').locator('output')).toHaveText(`2.0 s / ${headSeconds} s`);

  // Crash node 0 here: a new timeline starts, forked at 2 s.
  await page.getByRole('navigation', { name: 'Node list' }).getByRole('button').first().click();
  await page.getByRole('button', { name: 'Crash node 0', exact: true }).click();
  const picker = page.getByTestId('timeline-pick');
  await expect(picker.locator('option')).toHaveText(['Original run', '#1: crash node 0 at 2.0 s']);
  await expect(picker).toHaveValue('1');
  await page.keyboard.press('ArrowRight'); // a block on the new timeline
  // The replay line reruns this timeline headless: the crash at 2 s is in it.
  await page.getByText('Replay command').click();
  await expect(page.getByTestId('replay-command')).toHaveText(/^npx ledgerlab session --protocol raft --nodes 4 --seed 1 --tx-per-second 5 --until \d+ms --faults '@2s crash 0'$/);
  await page.screenshot({ path: 'test-results/e2e-timeline-fork.png' });

  // The original run is still there, with node 0 alive at its furthest point.
  await picker.selectOption('0');
  await expect(page.getByTestId('timeline').locator('output')).toHaveText(`${headSeconds} s / ${headSeconds} s`);
  await expect(page.getByRole('navigation', { name: 'Node list' }).getByRole('button').first()).not.toHaveAccessibleName(/crashed/);
  expect(problems).toEqual([]);
});
