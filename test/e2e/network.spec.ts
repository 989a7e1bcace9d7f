/**
 * The network view in Chromium: the graph and its animated messages, the node inspector, and
 * the fault controls (crash, Byzantine, partition, links), against the built page.
 * Roles are read as text from the inspector's node list ("Node 2: leader, term 3").
 */
import { expect, test, type Page } from '@playwright/test';
import { watchForProblems } from './support.ts';

async function startNetwork(page: Page, protocol: string, nodes: number): Promise<void> {
  await page.getByLabel('Protocol').selectOption(protocol);
  await page.getByLabel('Nodes', { exact: true }).fill(String(nodes));
  await page.getByRole('form', { name: 'Network controls' }).getByRole('button', { name: /^(Start|Restart)$/ }).click();
  await expect(page.getByTestId('network-summary')).toHaveText(new RegExp(`^${nodes} nodes`));
}

const nodeList = (page: Page) => page.getByRole('navigation', { name: 'Node list' }).getByRole('button');

/** The node the list calls leader, with its term; undefined while there is none. */
async function currentLeader(page: Page): Promise<{ id: number; term: number } | undefined> {
  for (const name of await nodeList(page).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''))) {
    const match = /^Node (\d+): leader, term (\d+)/.exec(name);
    if (match) return { id: Number(match[1]), term: Number(match[2]) };
  }
  return undefined;
}

/** Messages the graph has taken in for animation (the message layer counts them). */
async function messagesSeen(page: Page): Promise<number> {
  return Number((await page.getByTestId('message-layer').getAttribute('data-sent')) ?? 0);
}

test('before a network starts, the graph and the inspector say what to do', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Network graph' })).toContainText('No network yet. Press Start above');
  await expect(page.getByRole('region', { name: 'Node inspector' })).toContainText('No network yet. Press Start above');
  await page.screenshot({ path: 'test-results/e2e-network-empty.png' });
  expect(problems).toEqual([]);
});

test('a 4-node proof-of-authority network: four nodes in the graph, messages flowing, a node inspected', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await startNetwork(page, 'poa', 4);
  await expect(nodeList(page)).toHaveCount(4);
  await expect(nodeList(page).first()).toHaveAccessibleName(/^Node 0: authority, slot \d+$/);
  await expect.poll(() => messagesSeen(page)).toBeGreaterThan(10);
  await expect(page.getByTestId('messages-in-flight')).toContainText(/messages? in flight/);
  await expect(page.getByRole('list', { name: 'Message glyphs' })).toContainText('transaction');

  // Pick node 2 with the keyboard: the node list is made of buttons.
  await nodeList(page).nth(2).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspected-node')).toContainText('Node 2 · authority');
  await expect(page.getByTestId('protocol-state')).toContainText('Primary');
  await expect(page.getByTestId('protocol-state')).toContainText('Next own slot');
  await expect(page.getByRole('list', { name: 'Sent by node 2' }).getByRole('listitem').first()).toBeVisible();

  // Make it Byzantine, choosing the behaviour with its description in view.
  await page.getByText('Byzantine…').click();
  const behaviour = page.getByLabel('How should node 2 misbehave?');
  await expect(behaviour).toHaveValue('silent');
  await expect(page.locator('#behaviour-description')).toHaveText('never proposes in its slots, as if crashed but still connected');
  await behaviour.selectOption('equivocate');
  await expect(page.locator('#behaviour-description')).toHaveText('proposes two different blocks in its slot, one to each half of the honest authorities');
  await page.getByRole('button', { name: 'Make node 2 Byzantine' }).click();
  await expect(nodeList(page).nth(2)).toHaveAccessibleName(/byzantine \(equivocate\)/);
  await expect(page.getByRole('region', { name: 'Node inspector' })).toContainText('equivocate: proposes two different blocks');
  await expect(page.getByTestId('network-summary')).toContainText('1 Byzantine');

  // Every link: 10 % of messages lost.
  await page.getByText(/ms · 0 % lost/).click();
  await page.getByLabel('Drop rate (%)').fill('10');
  await page.getByRole('button', { name: 'Apply to every link' }).click();
  await expect(page.getByText(/ms · 10 % lost/)).toBeVisible();

  await page.screenshot({ path: 'test-results/e2e-network-poa.png' });
  expect(problems).toEqual([]);
});

test('Raft with 5 nodes: crash the leader, a new leader is elected in a higher term; partition and heal', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await startNetwork(page, 'raft', 5);
  await expect.poll(() => currentLeader(page)).toBeDefined();
  const first = (await currentLeader(page))!;

  await page.getByRole('button', { name: new RegExp(`^Node ${first.id}: leader`) }).click();
  await expect(page.getByTestId('inspected-node')).toContainText(`Node ${first.id} · leader`);
  await expect(page.getByTestId('protocol-state')).toContainText(new RegExp(`Leader\\s*node ${first.id}`));
  await page.screenshot({ path: 'test-results/e2e-network-raft-leader.png' });

  await page.getByRole('button', { name: `Crash node ${first.id}`, exact: true }).click();
  await expect(nodeList(page).nth(first.id)).toHaveAccessibleName(`Node ${first.id}: crashed`);
  await expect(page.getByTestId('inspected-role')).toHaveText('crashed');
  await expect(page.getByRole('region', { name: 'Node inspector' })).toContainText('read from its disk');

  await expect
    .poll(async () => {
      const leader = await currentLeader(page);
      return leader !== undefined && leader.id !== first.id && leader.term > first.term;
    })
    .toBe(true);
  const second = (await currentLeader(page))!;
  await page.screenshot({ path: 'test-results/e2e-network-raft-new-leader.png' });

  // Bring the old leader back; it rejoins as a follower of the newer term.
  await page.getByRole('button', { name: `Restart node ${first.id}`, exact: true }).click();
  await expect(nodeList(page).nth(first.id)).toHaveAccessibleName(new RegExp(`^Node ${first.id}: (follower|candidate)`));

  // Cut the new leader and one follower off from the other three.
  const other = [0, 1, 2, 3, 4].find((id) => id !== second.id && id !== first.id)!;
  await page.getByText('Group A: none').click();
  await page.getByLabel(`Node ${second.id} in group A`).check();
  await page.getByLabel(`Node ${other} in group A`).check();
  await page.getByText(/^Group A: /).click();
  await page.getByRole('button', { name: 'Split network' }).click();
  const groupA = [second.id, other].sort((a, b) => a - b);
  await expect(page.getByTestId('network-summary')).toContainText(`split into A {${groupA.join(', ')}}`);
  await expect(page.getByTestId('partition-groups')).toContainText(`A: ${groupA.join(', ')}`);

  // The majority side (three nodes) elects its own leader in a still higher term.
  await expect
    .poll(async () => {
      for (const name of await nodeList(page).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''))) {
        const match = /^Node (\d+): leader, term (\d+)/.exec(name);
        if (match && !groupA.includes(Number(match[1])) && Number(match[2]) > second.term) return true;
      }
      return false;
    })
    .toBe(true);
  await expect(page.locator('[data-layout="settled"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e-network-partition.png' });

  await page.getByRole('button', { name: 'Heal network' }).click();
  await expect(page.getByTestId('network-summary')).not.toContainText('split');
  await expect(page.getByRole('button', { name: 'Split network' })).toBeVisible();
  await expect(page.locator('[data-layout="settled"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e-network-healed.png' });

  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenting/);
  await page.screenshot({ path: 'test-results/e2e-network-present.png' });
  expect(problems).toEqual([]);
});

test('shift-clicking nodes in the graph puts them in group A', async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto('/');
  await startNetwork(page, 'poa', 4);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText('Group A: none')).toBeVisible();
  // Node 0 sits at the top centre of the circle; walk down from the top of the stage until it
  // answers (where exactly depends on the stage size). Shift is held: no node gets selected.
  const box = (await page.locator('figure.stage').boundingBox())!;
  await page.keyboard.down('Shift');
  for (let y = box.y + 10; y < box.y + box.height / 2; y += 6) {
    await page.mouse.click(box.x + box.width / 2, y);
    if (await page.getByText('Group A: 0').isVisible()) break;
  }
  await page.keyboard.up('Shift');
  await expect(page.getByText('Group A: 0')).toBeVisible();
  await expect(page.getByTestId('inspected-node')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Split network' })).toBeEnabled();
  await page.getByRole('button', { name: 'Split network' }).click();
  await expect(page.getByTestId('network-summary')).toContainText('split into A {0} | B {1, 2, 3}');
  expect(problems).toEqual([]);
});
