/**
 * Story 8, the digital currency primer: coins created by the block-reward rule (pow.ts rule 7),
 * the scenario actions and checks that tell it (mining.ts), and the story itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import { LedgerlabError } from '../../engine/core/assert.ts';
import { deriveKeyPair } from '../../engine/core/keys.ts';
import { blockSubsidy, issuedUpTo, makePowBlock, rewardOf } from '../../engine/consensus/pow.ts';
import { makeBlock } from '../../engine/ledger/block.ts';
import type { StoredBlock } from '../../engine/ledger/chain.ts';
import type { Block } from '../../engine/ledger/types.ts';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { supplyOf } from '../../engine/scenario/mining.ts';
import { ScenarioPlayer } from '../../engine/scenario/player.ts';
import { expectMutantsToFailCleanly, libraryStory, problemsOf } from '../support/scenario.ts';

beforeAll(() => useNativeCrypto());

const { path: FILE, text: TEXT } = libraryStory('currency-primer.yaml');

function rejections(net: Network, hash: string) {
  return net.trace.events().filter((e) => e.type === 'block.reject' && e.hash === hash) as Array<{ reason: string; detail: string }>;
}

describe('proof-of-work issuance: coins created by a rule every node checks', () => {
  it('halves the reward every N blocks, counting from block 1 (Bitcoin: 50, then 25 after 210,000 blocks)', () => {
    expect([1, 210_000, 210_001, 420_001].map((h) => blockSubsidy(h, 50, 210_000))).toEqual([50, 50, 25, 12]);
    expect(blockSubsidy(1, 50, 0)).toBe(50);
    expect(blockSubsidy(64 * 2 + 1, 50, 2)).toBe(0);
    expect(issuedUpTo(12, 50, 5)).toBe(5 * 50 + 5 * 25 + 2 * 12);
    expect(issuedUpTo(1_000, 50, 100)).toBe(100 * (50 + 25 + 12 + 6 + 3 + 1));
    for (let h = 0; h <= 30; h++) expect(issuedUpTo(h, 64, 4)).toBe(Array.from({ length: h }, (_, i) => blockSubsidy(i + 1, 64, 4)).reduce((a, b) => a + b, 0));
  });

  it('pays each block reward to the miner’s payout address, and every node agrees on the supply', () => {
    const payouts = [deriveKeyPair(8, 'actor:ada').address, deriveKeyPair(8, 'actor:ben').address, ''];
    const mined = new Network({ protocol: 'pow', nodes: 3, seed: 8, actors: [{ name: 'ada' }, { name: 'ben' }], protocolParams: { blockReward: 50, halvingInterval: 5, payouts, retargetInterval: 0 } });
    mined.runUntilHeight(12);
    const chain = mined.chainOf(0);
    const height = chain.headHeight;
    for (let node = 0; node < 3; node++) expect(mined.blockAt(node, 12)!.state.root).toBe(chain.canonicalAt(12)!.state.root);
    expect(supplyOf(chain.head().state)).toBe(issuedUpTo(height, 50, 5));
    const headers = Array.from({ length: height }, (_, i) => chain.canonicalAt(i + 1)!.block.header);
    expect(headers.map((h) => h.consensus.reward)).toEqual(headers.map((h) => blockSubsidy(h.height, 50, 5)));
    // Node 2 has no payout address: its rewards go to its own key, like a proposer's fees.
    const paidTo = new Set(headers.map((h) => rewardOf(h)!.to));
    for (const to of paidTo) expect([...payouts.slice(0, 2), mined.nodeKeys[2]!.address]).toContain(to);
    const earned = (address: string) => headers.filter((h) => rewardOf(h)!.to === address).reduce((sum, h) => sum + rewardOf(h)!.amount, 0);
    expect(chain.head().state.balanceOf(mined.addressOf('ada'))).toBe(earned(mined.addressOf('ada')));
    expect(earned(mined.addressOf('ada'))).toBeGreaterThan(0);
  });

  it('issues nothing by default: headers carry no reward and the supply never changes', () => {
    const net = new Network({ protocol: 'pow', nodes: 3, seed: 8, actors: [{ name: 'ada', balance: 1_000 }] });
    net.runUntilHeight(5);
    const chain = net.chainOf(0);
    for (let h = 1; h <= chain.headHeight; h++) expect(chain.canonicalAt(h)!.block.header.consensus).not.toHaveProperty('reward');
    expect(supplyOf(chain.head().state)).toBe(1_000);
  });

  describe('a forged block that pays itself is rejected by every node', () => {
    // Nobody mines: the test forges each block. Reward 50, halving every 2 blocks.
    const idle = (blockReward = 50) => new Network({ protocol: 'pow', nodes: 2, seed: 41, protocolParams: { hashShares: [0, 0], retargetInterval: 0, blockReward, halvingInterval: 2 } });
    const thief = '0x' + '7'.repeat(40);
    const forge = (net: Network, parent: StoredBlock, reward?: { to: string; amount: number }): Block =>
      makePowBlock({ chainId: net.chainId, parent, proposer: thief, timestampMs: parent.block.header.timestampMs + 1_000, difficulty: 1_000_000, nonce: 0, ...(reward ? { reward } : {}) });
    const deliver = (net: Network, block: Block) => net.node(1)!.onMessage(0, { type: 'block', block });

    it('accepts exactly the reward the rule gives, and credits it in the state', () => {
      const net = idle();
      const block = forge(net, net.genesis, { to: thief, amount: 50 });
      deliver(net, block);
      expect(rejections(net, block.hash)).toEqual([]);
      expect(net.chainOf(1).head().state.balanceOf(thief)).toBe(50);
    });

    it('rejects more coins than the rule gives, or none when it gives some', () => {
      const net = idle();
      const greedy = forge(net, net.genesis, { to: thief, amount: 51 });
      deliver(net, greedy);
      expect(rejections(net, greedy.hash)[0]).toMatchObject({ reason: 'bad-reward', detail: expect.stringMatching(/creates 51 new coins, but the rule gives 50 at height 1 \(50, halved every 2 blocks\)/) });
      const modest = forge(net, net.genesis);
      deliver(net, modest);
      expect(rejections(net, modest.hash)[0]?.reason).toBe('bad-reward');
      // After the first halving: 25 at height 3.
      let tip = net.genesis;
      for (const amount of [50, 50]) {
        const block = forge(net, tip, { to: thief, amount });
        deliver(net, block);
        tip = net.chainOf(1).get(block.hash)!;
      }
      const stale = forge(net, tip, { to: thief, amount: 50 });
      deliver(net, stale);
      expect(rejections(net, stale.hash)[0]?.detail).toMatch(/the rule gives 25 at height 3/);
    });

    it('rejects any new coins on a chain that issues none', () => {
      const net = idle(0);
      const block = forge(net, net.genesis, { to: thief, amount: 50 });
      deliver(net, block);
      expect(rejections(net, block.hash)[0]).toMatchObject({ reason: 'bad-reward', detail: expect.stringMatching(/this chain issues no coins/) });
    });

    it('rejects a header that names one miner while the state pays another', () => {
      const net = idle();
      const paidElsewhere = forge(net, net.genesis, { to: '0x' + '8'.repeat(40), amount: 50 });
      // Relabel the coinbase but keep the state root that credits someone else, and re-hash.
      const header = { ...paidElsewhere.header, consensus: { ...paidElsewhere.header.consensus, coinbase: thief } };
      const lying = makeBlock(header, paidElsewhere.txs, paidElsewhere.certificate);
      deliver(net, lying);
      expect(rejections(net, lying.hash)[0]?.reason).toBe('state-root-mismatch');
    });

    it('refuses payout addresses that are not addresses, naming the fix', () => {
      expect(() => new Network({ protocol: 'pow', nodes: 2, seed: 1, protocolParams: { blockReward: 50, payouts: ['bank'] } })).toThrow(LedgerlabError);
      expect(() => new Network({ protocol: 'pow', nodes: 2, seed: 1, protocolParams: { blockReward: 50, payouts: ['bank'] } })).toThrow(/payouts must list one address per node \(2 nodes\)/);
    });
  });
});

describe('currency scenario files', () => {
  it('load the primer', () => {
    const scenario = loadScenario(TEXT, FILE);
    expect(scenario.network.protocols).toEqual(['pow']);
    expect(scenario.network.mining).toMatchObject({ reward: 50 });
    expect(scenario.actors.filter((a) => a.node !== undefined).map((a) => a.id)).toEqual(['ada', 'ben', 'dealer', 'mallory']);
  });

  it('point at mistakes in mining, nodes, double spends and the new checks, saying how to fix them', () => {
    expect(problemsOf(TEXT.replace('protocols: [pow]', 'protocols: [pow, raft]'))).toMatch(/story\.yaml:\d+:\d+: mining needs proof-of-work: set protocol: pow and protocols: \[pow\]/);
    expect(problemsOf(TEXT.replace('hashShares: [0.45, 0.45, 0, 0.1]', 'hashShares: [0.5, 0.5]'))).toMatch(/list one hash share per node: this network has 4 nodes, the list has 2/);
    expect(problemsOf(TEXT.replace('kind: person, node: 3,', 'kind: person, node: 9,'))).toMatch(/actors\.5\.node|there is no node 9: this network has nodes 0 to 3/);
    expect(problemsOf(TEXT.replace('kind: person, node: 3,', 'kind: person, node: 0,'))).toMatch(/node 0 is already run by "ada": one actor per node/);
    expect(problemsOf(TEXT.replace('instead: stash, confirmations: 0', 'instead: cafe, confirmations: 0'))).toMatch(/the conflicting spend must pay someone other than the merchant/);
    expect(problemsOf(TEXT.replace('miner: 3, to: cafe', 'miner: 2, to: cafe'))).toMatch(/node 2 does not mine \(hash share 0\)/);
    expect(problemsOf(TEXT.replace('doubleSpend: { tx: car, succeeded: false }', 'doubleSpend: { tx: priya-buys, succeeded: false }'))).toMatch(/"priya-buys" is not a payment made with "doubleSpend:"/);
    expect(problemsOf(TEXT.replace('wait: { confirmations: 3, tx: priya-buys }', 'wait: { confirmations: 3, tx: priya-sells }'))).toMatch(/no earlier transaction is named "priya-sells"/);
    expect(problemsOf(TEXT.replace('wait: { confirmations: 3, tx: priya-buys }', 'wait: { confirmations: 0, tx: priya-buys }'))).toMatch(/confirmations: how many blocks deep the transaction must be/);
    expect(problemsOf(TEXT.replace('doubleSpend: { by: mallory, miner: 3, to: cafe', 'doubleSpend: { by: mallory, mine: 3, to: cafe'))).toMatch(/unknown field "mine": remove it or check the spelling/);
    expect(problemsOf(TEXT.replace('      - forks: { atLeast: 1 }', '      - forks: {}'))).toMatch(/a forks check needs equals, atLeast or atMost/);
    const tiny = (network: string, expect: string) => `title: t\nsummary: s\nnetwork: ${network}\nactors: [{ id: a, name: A, kind: person }]\nsteps:\n  - title: x\n    narration: y\n    expect:\n      - ${expect}\n`;
    expect(problemsOf(tiny('{ protocol: pow, nodes: 2 }', 'reward: { equals: 50 }'))).toMatch(/a reward check needs mining: add network\.mining/);
    expect(problemsOf(tiny('{ protocol: pow, nodes: 2 }', 'supply: {}'))).toMatch(/a supply check needs equals, atLeast, atMost or byRule: true/);
    expect(problemsOf(tiny('{ protocol: pow, nodes: 2, mining: { reward: 0 } }', 'supply: { byRule: true }'))).toMatch(/reward: the new coins each block creates/);
    expect(problemsOf(tiny('{ protocol: pow, nodes: 2 }', 'supply: { byRule: false }'))).toMatch(/byRule: true checks that every coin came from the issuance rule/);
  });
});

describe('the currency primer, played', () => {
  it('survives a fuzz of mutated files: a located error or a clean run, never a crash', () => {
    expectMutantsToFailCleanly(TEXT, 25);
  }, 120_000);

  it('tells the story in its records: rewards, confirmations, a fork, a double spend that works and one that fails, the halving', () => {
    const player = new ScenarioPlayer(loadScenario(TEXT));
    const [mining, buying, fork, hamper, car, halving] = player.playAll();
    expect(player.history().flatMap((r) => r.checks.filter((c) => !c.passed))).toEqual([]);
    expect(mining!.changes[0]).toMatch(/^\d+ new blocks joined the chain \(blocks 1–\d+\): .*Each created 50 new coins for its miner/);
    expect(mining!.changes).toContainEqual(expect.stringMatching(/^Ada Mensah's balance went from 0 to \d+0$/));
    expect(buying!.transactions.map((t) => [t.name, t.status])).toEqual([['priya-buys', 'ok'], ['mallory-buys', 'ok']]);
    expect(fork!.trace.counts['block.orphan']).toBeGreaterThan(0);
    expect(fork!.changes.join('\n')).toMatch(/Two blocks were found for height \d+ at almost the same moment.*was orphaned, taking its 50-coin reward with it/);
    expect(hamper!.transactions[0]).toMatchObject({ name: 'hamper', status: 'rejected', doubleSpend: { confirmations: 0, succeeded: true, merchant: 'cafe' } });
    expect(hamper!.transactions[1]).toMatchObject({ name: 'hamper-to-stash', status: 'ok' });
    expect(hamper!.changes.join('\n')).toMatch(/the payment to Corner Café vanished and the coins went to Mallory's second wallet instead/);
    expect(car!.transactions[0]).toMatchObject({ name: 'car', status: 'ok', doubleSpend: { confirmations: 6, succeeded: false, merchantNode: 2 } });
    expect(car!.transactions[0]!.doubleSpend!.acceptedAtMs).toBeLessThan(car!.transactions[0]!.doubleSpend!.abandonedAtMs!);
    expect(car!.changes.join('\n')).toMatch(/Harbour Motors waited until the payment's block \(\d+\) had 6 confirmations.*gave up/s);
    expect(halving!.changes[0]).toMatch(/the reward per block halved from 50 to 25 at block 101/);
    expect(supplyOf(player.state())).toBe(issuedUpTo(player.net.chainOf(0).headHeight, 50, 100));
  });

  it('replays exactly after going back, from the start or from a snapshot, double spends included', () => {
    const straight = new ScenarioPlayer(loadScenario(TEXT));
    const all = JSON.stringify(straight.playAll());
    const hash = straight.net.trace.hash();
    const player = new ScenarioPlayer(loadScenario(TEXT), { snapshots: { everySteps: 1 } });
    player.playAll();
    for (const target of [3, 4, 0]) {
      player.goTo(target);
      player.playAll();
      expect(JSON.stringify(player.history()), `from position ${target}`).toBe(all);
      expect(player.net.trace.hash()).toBe(hash);
    }
  });

  it('an attacker without the coins never starts: the story goes on and its checks say why', () => {
    const player = new ScenarioPlayer(loadScenario(TEXT.replace('amount: 80, instead: stash', 'amount: 80000, instead: stash')));
    const car = player.playAll()[4]!;
    expect(car.transactions.map((t) => [t.name, t.status])).toEqual([['car', 'rejected'], ['car-to-stash', 'rejected']]);
    expect(car.checks.find((c) => c.check === 'transaction "car" is ok')).toMatchObject({ passed: false, detail: expect.stringMatching(/Mallory holds \d+ coins, not enough to pay 80000, so the attempt never started/) });
    expect(car.changes).toContain(car.transactions[0]!.rejection);
  });

  it('runs on proof-of-work only, and says so for another protocol', () => {
    expect(() => new ScenarioPlayer(loadScenario(TEXT), { protocol: 'raft' })).toThrow(/this story creates coins by mining \(network\.mining\), which only proof-of-work has, so it cannot run on raft\. Run it with --protocol pow/);
  });

  it('fails a check that does not hold, with a detail that says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'currency-'));
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(
      wrong,
      TEXT.replace('doubleSpend: { tx: car, succeeded: false }', 'doubleSpend: { tx: car, succeeded: true }')
        .replace('reward: { equals: 25 }', 'reward: { equals: 50 }')
        .replace('supply: { byRule: true, atLeast: 500 }', 'supply: { byRule: true, equals: 1 }')
        .replace('      - forks: { atLeast: 1 }', '      - forks: { atLeast: 1 }\n      - confirmations: { tx: priya-buys, atLeast: 500 }'),
    );
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['scenario', 'run', wrong, '--json'], { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(code).toBe(1);
    const report = JSON.parse(out.join(''));
    expect(report.failures.map((f: { step: number; check: string }) => [f.step, f.check])).toEqual([
      [1, 'coins in circulation = 1, and every coin in circulation came from the issuance rule'],
      [3, '"priya-buys" has at least 500 confirmations'],
      [5, 'the double spend against "car" succeeded'],
      [6, 'each new block creates 50 coins'],
    ]);
    expect(report.failures[0].detail).toMatch(/^\d+ coins at height \d+; the rule allows \d+: 0 at the start \+ \d+ created by \d+ blocks \(50 per block, halved every 100 blocks\)$/);
    expect(report.failures[2].detail).toMatch(/fell too far behind the honest miners and gave up/);
    expect(report.failures[3].detail).toMatch(/the rule gives 25 for block \d+/);
    expect(err.join('\n')).toMatch(/step 5 "The car dealer waits for six confirmations": the double spend against "car" succeeded/);
  });
});
