/**
 * "What if" in the scenario player, in the built web page: at a step of the taxi journey, change
 * something (a dearer fare, a network split), see the new timeline play on and its checks
 * compared with the story as written, and switch back and forth between the two.
 */
import { expect, test, type Page } from '@playwright/test';

function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return problems;
}

async function openTaxiJourney(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Scenarios' }).click();
  await page.getByRole('button', { name: 'Play The autonomous-taxi journey' }).click();
  await expect(page.getByTestId('position')).toHaveText('Start · 6 steps ahead');
}

const stepHeading = (page: Page) => page.getByTestId('step-detail').getByRole('heading', { level: 2 });
const stepButton = (page: Page, n: number) => page.getByRole('navigation', { name: 'Steps of the story' }).getByRole('button').nth(n);
const card = (page: Page, actor: string) => page.locator(`[data-actor="${actor}"]`);
const whatIfButton = (page: Page) => page.getByRole('button', { name: 'What if…', exact: true });
const timelines = (page: Page) => page.getByTestId('timelines').getByRole('listitem');
const DEARER = 'What if Amira Haddad pays Autonomous taxi AX-1 500 instead of 300 at step 1';

test('a dearer fare at step 1 forks a timeline where a check now fails; the story as written stays reachable', async ({ page }) => {
  const problems = watchForProblems(page);
  await openTaxiJourney(page);
  await page.getByRole('button', { name: 'Next ▶' }).click();
  await expect(stepHeading(page)).toHaveText("Amira's phone hires the taxi");
  await expect(page.getByTestId('timelines')).toHaveCount(0);

  await whatIfButton(page).click();
  const panel = page.getByTestId('whatif-panel');
  await expect(panel.getByRole('heading')).toHaveText(/What if… at step 1: Amira's phone hires the taxi/);
  await panel.getByRole('button', { name: 'Another amount' }).click();
  await expect(panel.getByLabel('Which payment?')).toHaveValue('0');
  await expect(panel).toContainText('(the story says 300)');

  // A change that changes nothing is refused, saying where and why.
  await panel.getByLabel('New amount paid').fill('300');
  await panel.getByRole('button', { name: 'Try this what-if' }).click();
  await expect(page.getByTestId('whatif-error')).toContainText('Step 1 ("Amira\'s phone hires the taxi"), action 1 (Amira Haddad pays Autonomous taxi AX-1 300) already moves 300. Pick another amount to see what changes.');
  await expect(page.getByTestId('timelines')).toHaveCount(0);

  // 500 instead: a new timeline, played on to the end.
  await page.getByLabel('Speed').selectOption('fastest');
  await panel.getByLabel('New amount paid').fill('500');
  await panel.getByRole('button', { name: 'Try this what-if' }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('position')).toHaveText('Step 6 of 6');
  const outcome = page.getByTestId('whatif-outcome');
  await expect(outcome.getByRole('heading')).toHaveText(DEARER);
  await expect(page.getByTestId('whatif-headline')).toHaveText('1 check now fails');
  await expect(outcome).toContainText('Compared with the story as written, over the whole story.');
  await expect(outcome.getByRole('listitem').first()).toContainText('Now fails at step 1: balance of taxi = 1300 now taxi holds 1500; before, taxi holds 1300');
  await expect(page.getByTestId('whatif-balances')).toContainText('Autonomous taxi AX-1 1,300 (instead of 1,100; ▲ +200)');
  await expect(page.getByTestId('checks-summary')).toHaveText(/1 of 19 checks failed/);
  await expect(timelines(page)).toHaveCount(2);
  await expect(timelines(page).nth(0)).toContainText('The story as written');
  await expect(timelines(page).nth(0)).toContainText('All 19 checks passed');
  await expect(timelines(page).nth(0)).toContainText('at step 1 of 6');
  await expect(timelines(page).nth(1)).toContainText(DEARER);
  await expect(timelines(page).nth(1)).toContainText('Forked at step 1 from the story as written · at step 6 of 6');
  await expect(timelines(page).nth(1)).toContainText('1 of 19 checks failed');
  await expect(timelines(page).nth(1).getByRole('button')).toHaveAttribute('aria-current', 'true');
  await expect(stepButton(page, 1)).toHaveAttribute('data-state', 'failed');
  await expect(stepButton(page, 1)).toContainText('changed in this what-if');
  await page.screenshot({ path: 'test-results/e2e-scenario-whatif.png', fullPage: true });

  // The changed step, in the what-if.
  await stepButton(page, 1).click();
  await expect(page.getByTestId('position')).toHaveText('Step 1 of 6');
  await expect(page.getByTestId('step-whatif')).toHaveText('Changed in this what-if: Amira Haddad pays Autonomous taxi AX-1 500 instead of 300.');
  await expect(page.getByTestId('transactions')).toContainText('Amira Haddad pays Autonomous taxi AX-1 500');
  await expect(page.getByTestId('checks')).toContainText('Failed: balance of taxi = 1300 (taxi holds 1500)');
  await expect(card(page, 'taxi').getByTestId('balance')).toHaveText('1,500');

  // Back to the story as written: where it was left, as its author wrote it.
  await outcome.getByRole('button', { name: '⟲ Back to the story as written' }).click();
  await expect(outcome).toBeHidden();
  await expect(timelines(page).nth(0).getByRole('button')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('position')).toHaveText('Step 1 of 6');
  await expect(page.getByTestId('transactions')).toContainText('Amira Haddad pays Autonomous taxi AX-1 300');
  await expect(page.getByTestId('step-whatif')).toHaveCount(0);
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 2 checks passed/);
  await expect(card(page, 'taxi').getByTestId('balance')).toHaveText('1,300');
  await page.screenshot({ path: 'test-results/e2e-scenario-whatif-original.png', fullPage: true });

  // And forth again, from the strip.
  await timelines(page).nth(1).getByRole('button').click();
  await expect(outcome.getByRole('heading')).toHaveText(DEARER);
  await expect(card(page, 'taxi').getByTestId('balance')).toHaveText('1,500');
  expect(problems).toEqual([]);
});

test('in presentation mode, by keyboard: the network splits at step 2 and the film check now fails', async ({ page }) => {
  const problems = watchForProblems(page);
  await openTaxiJourney(page);
  await page.getByLabel('Speed').selectOption('fastest');
  await page.locator('main').focus();
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(stepHeading(page)).toHaveText('The taxi refuels and pays the pump itself');

  // W opens the panel with the first choice focused; Tab and Enter pick another.
  await page.keyboard.press('w');
  const panel = page.getByTestId('whatif-panel');
  await expect(panel.getByRole('button', { name: 'A node crashes' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(panel.getByRole('button', { name: 'The network splits' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel.getByRole('button', { name: 'The network splits' })).toHaveAttribute('aria-pressed', 'true');
  await expect(panel).toContainText('Nodes 2, 3 on one side, nodes 0, 1 on the other.');
  await expect(panel.getByText('Write a change yourself')).toBeHidden();
  await page.screenshot({ path: 'test-results/e2e-scenario-whatif-presenting-panel.png', fullPage: true });
  await panel.getByRole('button', { name: 'Try this what-if' }).focus();
  await page.keyboard.press('Enter');

  await expect(page.getByTestId('position')).toHaveText('Step 6 of 6');
  await expect(page.getByTestId('whatif-outcome').getByRole('heading')).toHaveText('What if the network splits (nodes 0, 1 | nodes 2, 3) at step 2');
  await expect(page.getByTestId('whatif-headline')).toHaveText('1 check now fails');
  await expect(page.getByTestId('whatif-outcome')).toContainText('Now fails at step 3: balance of screen ≥ 15 and ≤ 20');
  await page.screenshot({ path: 'test-results/e2e-scenario-whatif-presenting.png', fullPage: true });

  // The strip is reachable by keyboard: back to the story as written.
  await timelines(page).nth(0).getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('whatif-outcome')).toBeHidden();
  await expect(page.getByTestId('position')).toHaveText('Step 2 of 6');
  await expect(page.getByTestId('checks-summary')).toHaveText(/All 4 checks passed/);
  await expect(page.getByText('The network splits: nodes 0, 1 | nodes 2, 3 cannot reach each other')).toHaveCount(0);
  expect(problems).toEqual([]);
});
