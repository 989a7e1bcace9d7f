/**
 * The scenario player in the built web page: the taxi journey played to the end in the engine
 * worker (contracts run in its QuickJS VM), stepped back, jumped, and stepped by keyboard in
 * presentation mode; a malformed story file shows the loader's located message.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ScenarioStudio } from '../../engine/api/scenario-studio.ts';
import { watchForProblems } from './support.ts';

async function openTaxiJourney(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Scenarios' }).click();
  await page.getByRole('button', { name: 'Play The autonomous-taxi journey' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'The autonomous-taxi journey' }).first()).toBeVisible();
  await expect(page.getByTestId('position')).toHaveText('Start · 6 steps ahead');
}

const stepHeading = (page: Page) => page.getByTestId('step-detail').getByRole('heading', { level: 2 });
const stepButton = (page: Page, n: number) => page.getByRole('navigation', { name: 'Steps of the story' }).getByRole('button').nth(n);
const card = (page: Page, actor: string) => page.locator(`[data-actor="${actor}"]`);

test('the taxi journey plays to the end with every check passing, steps back and jumps to step 3', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await page.getByRole('button', { name: 'Scenarios' }).click();
  await expect(page.getByRole('heading', { name: 'Scenarios', level: 2 })).toBeVisible();
  const first = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) }).first();
  await expect(first.getByRole('heading', { level: 3 })).toHaveText('The autonomous-taxi journey');
  await expect(first).toContainText('Proof of work');
  await page.screenshot({ path: 'test-results/e2e-scenario-library.png', fullPage: true });

  await page.getByRole('button', { name: 'Play The autonomous-taxi journey' }).click();
  await expect(page.getByTestId('position')).toHaveText('Start · 6 steps ahead');
  await expect(card(page, 'amira').getByTestId('balance')).toHaveText('5,000');
  await expect(card(page, 'amira')).toContainText('resident from Riverside Council');

  // Play to the end, as fast as it goes.
  await page.getByLabel('Speed').selectOption('fastest');
  await page.getByRole('button', { name: '▶ Play' }).click();
  await expect(stepHeading(page)).toHaveText('Every party can audit the journey');
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 19 checks passed/);
  await expect(page.getByTestId('position')).toHaveText('Step 6 of 6');
  for (let n = 1; n <= 5; n++) await expect(stepButton(page, n)).toHaveAttribute('data-state', 'played');
  await expect(stepButton(page, 6)).toHaveAttribute('data-state', 'current');
  await expect(stepButton(page, 6)).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('checks').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('checks')).not.toContainText('Failed');
  await expect(card(page, 'council').getByTestId('balance')).toHaveText('180');
  await expect(card(page, 'amira')).toContainText('revoked');
  // Determinism across hosts: the worker in Chromium ends where Node does.
  const file = 'contracts/scenarios/taxi-journey.yaml';
  const sources = Object.fromEntries(['parking', 'stream'].map((name) => [`contracts/${name}.js`, readFileSync(`contracts/${name}.js`, 'utf8')]));
  const inNode = (await ScenarioStudio.open(file, readFileSync(file, 'utf8'), sources)).playAll();
  await expect(page.getByTestId('state-root')).toHaveAttribute('title', inNode.network.stateRoot);
  await page.screenshot({ path: 'test-results/e2e-scenario-end.png', fullPage: true });

  // One step back: the revocation step, with its transactions and its narration.
  await page.getByRole('button', { name: '◀ Back' }).click();
  await expect(stepHeading(page)).toHaveText('What if: Amira moves away');
  await expect(page.getByTestId('narration')).toContainText('the council revokes her credential');
  await expect(page.getByTestId('transactions')).toContainText('Amira Haddad calls parking.park(plate: AX 1, minutes: 60) with 120 attached');
  await expect(page.getByTestId('transactions')).toContainText('Riverside Council revokes Amira Haddad\'s "resident" credential');
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 16 checks passed/);
  await expect(card(page, 'council')).toContainText('+120 this step');

  // Jump to step 3 from the list: the film, paid by the minute.
  await stepButton(page, 3).click();
  await expect(stepHeading(page)).toHaveText('Amira watches a film, paid by the minute');
  await expect(page.getByTestId('narration')).toContainText('Amira starts a film');
  await expect(page.getByText('Time passes: 3 min 5 s')).toBeVisible();
  const txs = page.getByTestId('transactions').getByRole('listitem');
  await expect(txs).toHaveCount(2);
  await expect(txs.first()).toContainText('Amira Haddad calls film.open() with 100 attached');
  await expect(txs.first()).toContainText('Signed by Amira Haddad');
  await expect(txs.first()).toContainText(/done, in block \d+/);
  await expect(txs.first()).toContainText('StreamOpened');
  await expect(card(page, 'screen').getByTestId('balance')).toHaveText('15');
  await expect(card(page, 'amira')).not.toContainText('revoked');
  await expect(stepButton(page, 4)).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 7 checks passed/);
  await page.screenshot({ path: 'test-results/e2e-scenario-step3.png', fullPage: true });

  // The slider jumps too.
  await page.getByLabel('Position in the story').fill('1');
  await expect(stepHeading(page)).toHaveText("Amira's phone hires the taxi");
  await expect(card(page, 'taxi').getByTestId('balance')).toHaveText('1,300');
  await expect(card(page, 'taxi')).toContainText('+300 this step');
  expect(problems).toEqual([]);
});

test('in presentation mode the arrows, Space, Home and End drive the story', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await openTaxiJourney(page);
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  // Developer details are hidden, the story is not.
  await expect(page.getByLabel('Seed')).toBeHidden();

  await page.keyboard.press('ArrowRight');
  await expect(stepHeading(page)).toHaveText("Amira's phone hires the taxi");
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(stepHeading(page)).toHaveText("At the restaurant, the meter charges the resident's rate");
  await expect(page.getByTestId('narration')).toContainText('she pays 60');
  await expect(page.getByTestId('transactions').locator('.hash').first()).toBeHidden();
  await page.screenshot({ path: 'test-results/e2e-scenario-presenting.png', fullPage: true });

  await page.keyboard.press('ArrowLeft');
  await expect(stepHeading(page)).toHaveText('Amira watches a film, paid by the minute');
  await page.keyboard.press('End');
  await expect(stepHeading(page)).toHaveText('Every party can audit the journey');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('position')).toHaveText('Start · 6 steps ahead');
  await expect(page.getByTestId('narration')).toContainText("Amira's phone hires a self-driving taxi");

  // Space plays; at the fastest speed it runs to the end.
  await page.getByLabel('Speed').selectOption('fastest');
  await page.locator('main').focus();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 19 checks passed/);
  await expect(stepHeading(page)).toHaveText('Every party can audit the journey');
  await expect(page.getByRole('button', { name: '▶ Play' })).toBeVisible();

  await page.keyboard.press('p');
  await expect(page.locator('html')).not.toHaveClass(/presenting/);
  expect(problems).toEqual([]);
});

test('the story runs on another protocol it lists, keeping its place', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await openTaxiJourney(page);
  await stepButton(page, 2).click();
  await expect(stepHeading(page)).toHaveText('The taxi refuels and pays the pump itself');
  await page.getByLabel('Protocol').selectOption('bft');
  await expect(page.getByText(/^Tendermint BFT · 4 nodes/)).toBeVisible();
  await expect(stepHeading(page)).toHaveText('The taxi refuels and pays the pump itself');
  await expect(card(page, 'pump').getByTestId('balance')).toHaveText('200');
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 4 checks passed/);
  expect(problems).toEqual([]);
});

test('a malformed story file is refused with the file, line and column of the problem', async ({ page }) => {
  const problems = watchForProblems(page, { failedRequests: true });
  await page.goto('/');
  await page.getByRole('button', { name: 'Scenarios' }).click();
  const story = ['title: Mine', 'summary: A payment to nobody.', 'network: { protocol: poa, nodes: 4 }', 'actors:', '  - { id: ann, name: Ann, kind: person, balance: 10 }', 'steps:', '  - title: Pay', '    narration: Ann pays.', '    actions:', '      - transfer: { from: ann, to: bob, amount: 5 }', ''].join('\n');
  await page.getByLabel('Or open a story file of your own (.yaml)').setInputFiles({ name: 'mine.yaml', mimeType: 'text/yaml', buffer: Buffer.from(story) });
  const alert = page.getByTestId('story-problems');
  await expect(alert).toContainText('mine.yaml:10:36');
  await expect(alert).toContainText('unknown actor "bob": define it under actors (known: ann)');
  await page.screenshot({ path: 'test-results/e2e-scenario-bad-file.png' });

  // Fixed, the same file plays.
  await page.getByLabel('Or open a story file of your own (.yaml)').setInputFiles({ name: 'mine.yaml', mimeType: 'text/yaml', buffer: Buffer.from(story.replace('actors:\n', 'actors:\n  - { id: bob, name: Bob, kind: person }\n')) });
  await expect(stepHeading(page)).toHaveText('Mine');
  await page.keyboard.press('ArrowRight');
  await expect(stepHeading(page)).toHaveText('Pay');
  expect(problems).toEqual([]);
});
