/**
 * The chain explorer in Chromium: a live proof-of-authority network's blocks, a block's detail,
 * a transaction's receipt and state change, the keyboard in the fork tree, the tamper demo (the
 * broken link and the other nodes rejecting the edit), presentation mode, and orphans on a
 * proof-of-work network. Screenshots: test-results/e2e-chain-*.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchForProblems } from './support.ts';

const tile = (page: Page, height: number) => page.getByTestId('fork-tree').getByRole('button', { name: new RegExp(`^Block ${height},`) });

test('explore a live PoA chain: open a block and a transaction, then tamper with block 2 on node 1', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Chain' }).click();
  await expect(page.getByText('No network is running.')).toBeVisible();

  // The network controls are on the Chain tab too: start proof of authority and let it play.
  const controls = page.getByRole('form', { name: 'Network controls' });
  await controls.getByLabel('Protocol').selectOption('poa');
  await controls.getByLabel('Nodes').fill('4');
  await controls.getByLabel('Seed').fill('1');
  await controls.getByRole('button', { name: 'Start' }).click();
  await expect(tile(page, 5)).toBeVisible();
  await page.getByTestId('play').click(); // pause, so what we inspect stays put
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
  await expect(tile(page, 0)).toHaveAccessibleName(/genesis, 0 transactions, final/);

  // Keyboard: one Tab from the controls above the tree reaches its head block (one tab stop for
  // the whole tree); from block 3 the left arrow moves to block 2 and Enter opens it.
  await page.getByLabel('Show').focus();
  await page.keyboard.press('Tab');
  // (Usually the head; a block that arrived just as we paused may have moved the head past it.)
  await expect(page.getByTestId('fork-tree').locator('button:focus')).toHaveCount(1);
  await tile(page, 3).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(tile(page, 2)).toBeFocused();
  await page.keyboard.press('Enter');
  const block = page.getByTestId('block-detail');
  await expect(block.getByRole('heading', { name: /Block #2/ })).toBeVisible();
  await expect(tile(page, 2)).toHaveAttribute('aria-pressed', 'true');
  await expect(block).toContainText('Sealed by node-');
  await expect(block).toContainText('✓ signature verifies');
  await expect(block).toContainText('node 0, node 1, node 2, node 3');
  await expect(block.getByRole('button', { name: 'Copy block hash' })).toBeVisible();

  // A transaction of that block: its receipt and what it changed, in words.
  await block.getByRole('table').getByRole('button').first().click();
  const tx = page.getByTestId('tx-detail');
  await expect(tx.getByTestId('receipt')).toContainText('✓ ok');
  await expect(tx.getByTestId('receipt')).toContainText('21,000');
  await expect(tx.getByTestId('state-diff').getByRole('listitem')).toHaveCount(3);
  await expect(tx.getByTestId('state-diff')).toContainText(/'s balance went from \d+ to \d+/);
  await page.screenshot({ path: 'test-results/e2e-chain-block-tx.png', fullPage: true });

  // The tamper demo: block 2 on node 1.
  const demo = page.getByTestId('tamper-demo');
  const form = demo.getByRole('form', { name: 'Tamper with a block' });
  await form.getByLabel('Node').selectOption('1');
  await form.getByLabel('Block height').fill('2');
  await form.getByLabel('Change').selectOption('amount');
  await form.getByRole('button', { name: 'Tamper with this block' }).click();
  await expect(demo.getByTestId('tamper-verdict')).toHaveText("node 1's copy no longer verifies at height 2; nodes 0, 2, 3 reject it.");
  const rows = demo.getByTestId('tamper-nodes').getByRole('row');
  await expect(rows.filter({ hasText: 'node 1' })).toContainText('✗ broken');
  for (const node of [0, 2, 3]) await expect(rows.filter({ hasText: `node ${node}` })).toContainText(/✓ verifies\s*rejects it invalid-tx/);
  await expect(demo.getByRole('listitem', { name: /block 3 points to a hash block 2 no longer has: link broken/ })).toBeVisible();

  // The tree now shows node 1's chain with the edited block and the broken link after it.
  await expect(page.getByTestId('chain-node')).toHaveValue('1');
  await expect(tile(page, 2)).toHaveAccessibleName(/altered/);
  await expect(tile(page, 3)).toHaveAccessibleName(/link broken/);
  await expect(page.getByTestId('fork-tree').getByText('link broken')).toBeVisible();
  await expect(page.getByText("Node 1's chain no longer verifies")).toBeVisible();
  await expect(block.getByText('This copy no longer checks out:')).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e-chain-tamper.png', fullPage: true });

  // The other nodes' copies are untouched.
  await page.getByTestId('chain-node').selectOption('0');
  await expect(page.getByText("Node 0's chain no longer verifies")).toHaveCount(0);
  await expect(tile(page, 2)).not.toHaveAccessibleName(/altered/);
  await page.getByTestId('chain-node').selectOption('1');
  await expect(tile(page, 2)).toHaveAccessibleName(/altered/);

  // Presentation mode by keyboard.
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await demo.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e-chain-tamper-present.png', fullPage: true });
  await page.keyboard.press('p');
  await expect(page.locator('html')).not.toHaveClass(/presenting/);

  // The audit trail of an actor lists their transactions with who agreed.
  const audit = page.getByTestId('audit-trail');
  await audit.getByLabel('Actor').selectOption('alice');
  await expect(audit.getByRole('table')).toContainText(/alice/);
  await expect(audit.getByRole('row').nth(1)).toContainText(/node-\d/);
  expect(problems).toEqual([]);
});

test('a proof-of-work network keeps the blocks that lost a race, drawn as orphans', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Chain' }).click();
  const controls = page.getByRole('form', { name: 'Network controls' });
  await controls.getByLabel('Protocol').selectOption('pow');
  await controls.getByLabel('Nodes').fill('4');
  await controls.getByLabel('Seed').fill('2');
  await controls.getByRole('button', { name: 'Start' }).click();
  await page.getByLabel('Simulation speed').selectOption('10000');
  // Seed 2 forks within the first minute of simulated time (test/engine/explorer.test.ts).
  await expect(page.getByText(/[1-9]\d* orphans? stored/)).toBeVisible();
  await page.getByTestId('play').click();
  await page.getByLabel('Show').selectOption('400');
  const orphan = page.getByTestId('fork-tree').getByRole('button', { name: /orphan/ }).first();
  await orphan.click();
  const block = page.getByTestId('block-detail');
  await expect(block).toContainText("orphan: not on this node's chain");
  await expect(block).toContainText('Mined by node-');
  await page.screenshot({ path: 'test-results/e2e-chain-pow-orphans.png', fullPage: true });
  expect(problems).toEqual([]);
});
