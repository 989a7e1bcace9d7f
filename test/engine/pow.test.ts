import { beforeAll, describe, expect, it } from 'vitest';
import { runNetwork, type Network as NetworkType } from '../../engine/api/index.ts';
import { Network, type NetworkOptions } from '../../engine/api/network.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../../engine/api/workload.ts';
import { wallClockMs } from '../../engine/api/clock.ts';
import { pow, chainWorkOf, leadingZeroBits, makePowBlock, meetsTarget } from '../../engine/consensus/pow.ts';
import {
  attackerSuccessProbability,
  exactAttackerSuccessProbability,
  giveUpBehind,
  runDoubleSpendExperiment,
  wilsonInterval,
} from '../../engine/experiments/double-spend.ts';
import { blockHash } from '../../engine/ledger/block.ts';
import type { StoredBlock } from '../../engine/ledger/chain.ts';
import type { Block } from '../../engine/ledger/types.ts';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import type { TraceEvent } from '../../engine/sim/events.ts';

beforeAll(() => useNativeCrypto());

function powNetwork(options: Partial<NetworkOptions> & { seed: number }): Network {
  return new Network({ protocol: 'pow', nodes: 4, ...options });
}

function eventsOf<T extends TraceEvent['type']>(net: Network, type: T): Extract<TraceEvent, { type: T }>[] {
  return net.trace.events().filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}

function consensusEvents(net: Network, what: string) {
  return eventsOf(net, 'consensus').filter((e) => e.what === what);
}

/** Every node has the same block and state root at each height up to `upTo`. */
function expectAgreement(net: Network, upTo: number) {
  for (let h = 0; h <= upTo; h++) {
    const hashes = new Set(Array.from({ length: net.nodeCount }, (_, n) => net.blockAt(n, h)?.block.hash));
    const roots = new Set(Array.from({ length: net.nodeCount }, (_, n) => net.blockAt(n, h)?.state.root));
    expect(hashes.size, `nodes disagree on the block at height ${h} (seed ${net.seed})`).toBe(1);
    expect(roots.size, `nodes disagree on the state root at height ${h} (seed ${net.seed})`).toBe(1);
  }
}

/** Share of mined blocks (below the last k) that did not end up on node 0's chain. */
function orphanRate(net: Network, k = 6): number {
  const chain = net.chainOf(0);
  const mined = eventsOf(net, 'block.propose').filter((e) => e.height <= chain.headHeight - k);
  return 1 - mined.filter((e) => chain.isCanonical(e.hash)).length / mined.length;
}

/** Hand a block to a node as if `from` had sent it. */
function deliver(net: Network, node: number, block: Block, from = 3) {
  net.node(node)!.onMessage(from, { type: 'block', block });
}

describe('proof-of-work: fork choice, validation and retargeting', () => {
  // Nobody mines (all shares 0): the test forges every block. Retarget every 4 blocks.
  const idle = () => powNetwork({ seed: 41, protocolParams: { hashShares: [0, 0, 0, 0], retargetInterval: 4 } });
  const proposer = '0x' + '7'.repeat(40);
  /**
   * A branch of forged blocks on `parent` with the given timestamps, each carrying the difficulty
   * rule 4 demands. Node 3 imports them as they are made (its store then holds the parents).
   */
  function branch(net: Network, parent: StoredBlock, timestamps: number[], nonce = 0): Block[] {
    const blocks: Block[] = [];
    let tip = parent;
    for (const timestampMs of timestamps) {
      const block = makePowBlock({ chainId: net.chainId, parent: tip, proposer, timestampMs, difficulty: retargetRule(net, tip), nonce });
      deliver(net, 3, block, 2);
      tip = net.chainOf(3).get(block.hash)!;
      blocks.push(block);
    }
    return blocks;
  }
  /** Rule 4 written out again here, independently of pow.ts (interval 4, 1 s target, D0 = 1e6). */
  function retargetRule(net: Network, parent: StoredBlock): number {
    const chain = net.chainOf(3);
    const height = parent.height + 1;
    const previous = parent.height === 0 ? 1_000_000 : (parent.block.header.consensus.difficulty as number);
    if (height % 4 !== 0) return previous;
    let first = parent;
    for (let i = 0; i < 3; i++) first = chain.parentOf(first)!;
    const target = 3 * 1_000;
    const actual = Math.min(Math.max(parent.block.header.timestampMs - first.block.header.timestampMs, target / 4), target * 4);
    return Math.floor((previous * target) / actual);
  }

  it('the chain with the most work wins even when it is shorter; on equal work the first-seen head stays', () => {
    const net = idle();
    net.runUntilTime(100_000);
    // Fast branch: three blocks in 3 ms, so the retarget at height 4 quadruples the difficulty (clamped at 4x).
    const fast = branch(net, net.genesis, [1, 2, 3, 4]);
    expect(fast[3]!.header.consensus.difficulty).toBe(4_000_000);
    // Slow branch: 30 s for three blocks, so the difficulty drops to a quarter from height 4 on.
    const slow = branch(net, net.genesis, [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000], 1);
    expect(slow[3]!.header.consensus.difficulty).toBe(250_000);
    expect(chainWorkOf(slow[6]!)).toBe('4000000'); // 7 blocks: 3 × 1e6 + 4 × 0.25e6
    expect(chainWorkOf(fast[3]!)).toBe('7000000'); // 4 blocks: 3 × 1e6 + 4e6
    for (const block of slow) deliver(net, 0, block);
    expect(net.chainOf(0).head().block.hash).toBe(slow[6]!.hash);
    for (const block of fast) deliver(net, 0, block);
    expect(net.chainOf(0).head().block.hash).toBe(fast[3]!.hash); // 4 blocks beat 7: more work
    expect(eventsOf(net, 'block.head').some((e) => e.node === 0 && e.reorgDepth === 7 && e.hash === fast[3]!.hash)).toBe(true);

    // A sibling of fast[3] with the same work arrives second: node 0 keeps fast[3] ...
    const sibling = makePowBlock({ chainId: net.chainId, parent: net.chainOf(0).get(fast[2]!.hash)!, proposer, timestampMs: 5, difficulty: 4_000_000, nonce: 9 });
    expect(chainWorkOf(sibling)).toBe(chainWorkOf(fast[3]!));
    deliver(net, 0, sibling);
    expect(net.chainOf(0).head().block.hash).toBe(fast[3]!.hash);
    // ... and node 1, which sees the sibling first, keeps the sibling.
    for (const block of [...fast.slice(0, 3), sibling, fast[3]!]) deliver(net, 1, block);
    expect(net.chainOf(1).head().block.hash).toBe(sibling.hash);
  });

  it('every node recomputes the retarget: a block with the wrong difficulty or chain work is rejected with the reason', () => {
    const net = idle();
    net.runUntilTime(100_000);
    const fast = branch(net, net.genesis, [1, 2, 3]);
    for (const block of fast) deliver(net, 0, block);
    const parent = net.chainOf(0).get(fast[2]!.hash)!;
    const unadjusted = makePowBlock({ chainId: net.chainId, parent, proposer, timestampMs: 4, difficulty: 1_000_000, nonce: 0 });
    deliver(net, 0, unadjusted);
    const reject = eventsOf(net, 'block.reject').find((e) => e.hash === unadjusted.hash);
    expect(reject?.reason).toBe('bad-difficulty');
    expect(reject?.detail).toMatch(/difficulty 1000000 at height 4 is wrong: the retarget at height 4 gives 4000000/);
    // Between retargets the parent's difficulty carries over.
    const early = makePowBlock({ chainId: net.chainId, parent: net.genesis, proposer, timestampMs: 5, difficulty: 999_999, nonce: 0 });
    deliver(net, 0, early);
    expect(eventsOf(net, 'block.reject').find((e) => e.hash === early.hash)?.detail).toMatch(/carries over until the next retarget, so it must be 1000000/);
    // A forged chain work is caught too.
    const good = makePowBlock({ chainId: net.chainId, parent: net.genesis, proposer, timestampMs: 6, difficulty: 1_000_000, nonce: 0 });
    const forgedHeader = { ...good.header, consensus: { ...good.header.consensus, chainWork: '9000000' } };
    const tampered: Block = { ...good, header: forgedHeader, hash: blockHash(forgedHeader) };
    deliver(net, 0, tampered);
    expect(eventsOf(net, 'block.reject').find((e) => e.hash === tampered.hash)?.reason).toBe('bad-chainwork');
    // A block from the future is refused.
    const future = makePowBlock({ chainId: net.chainId, parent: net.genesis, proposer, timestampMs: net.now + 10_000, difficulty: 1_000_000, nonce: 0 });
    deliver(net, 0, future);
    expect(eventsOf(net, 'block.reject').find((e) => e.hash === future.hash)?.reason).toBe('future-timestamp');
  });

  it('retargeting brings the block interval to the target when the hash rate is off', () => {
    // The network hashes 1e6/s, so difficulty 1e6 gives 1 s blocks; it starts at 250000 (4x too fast).
    const net = powNetwork({ seed: 43, nodes: 5, protocolParams: { difficulty: 250_000, hashRate: 1_000_000, retargetInterval: 20 }, traceRetain: 50_000 });
    net.runUntilHeight(100);
    const chain = net.chainOf(0);
    const at = (h: number) => chain.canonicalAt(h)!.block.header;
    const meanInterval = (from: number, to: number) => (at(to).timestampMs - at(from).timestampMs) / (to - from);
    expect(meanInterval(1, 19)).toBeLessThan(450);
    const difficulty = at(100).consensus.difficulty as number;
    expect(difficulty).toBeGreaterThan(600_000);
    expect(difficulty).toBeLessThan(1_600_000);
    expect(meanInterval(60, 100)).toBeGreaterThan(650);
    expect(meanInterval(60, 100)).toBeLessThan(1_500);
    expect(consensusEvents(net, 'retarget').map((e) => e.detail)[0]).toMatch(/^height 20: difficulty 250000 -> \d+/);
  });

  it('classroom mode: miners really search nonces, and a block whose hash misses the target is rejected', () => {
    const net = powNetwork({ seed: 47, protocolParams: { classroom: true } }); // difficulty 256: 8 leading zero bits
    net.runUntilTime(20_000);
    const chain = net.chainOf(0);
    expect(chain.headHeight).toBeGreaterThanOrEqual(8);
    for (let h = 1; h <= chain.headHeight; h++) expect(leadingZeroBits(chain.canonicalAt(h)!.block.hash)).toBeGreaterThanOrEqual(8);
    expect(consensusEvents(net, 'hashing')[0]!.detail).toMatch(/^nonces \d+\.\.\d+ on [0-9a-f]+: best [0-9a-f]+ \(\d+ leading zero bits\), difficulty 256 needs about 8$/);

    const idleClass = powNetwork({ seed: 47, protocolParams: { classroom: true, hashShares: [0, 0, 0, 0] } });
    idleClass.runUntilTime(1_000);
    const attempt = (nonce: number) => makePowBlock({ chainId: idleClass.chainId, parent: idleClass.genesis, proposer: '0x' + '7'.repeat(40), timestampMs: 500, difficulty: 256, nonce });
    let nonce = 0;
    while (meetsTarget(attempt(nonce).hash, 256)) nonce++;
    const lazy = attempt(nonce);
    deliver(idleClass, 0, lazy);
    const reject = eventsOf(idleClass, 'block.reject').find((e) => e.hash === lazy.hash);
    expect(reject?.reason).toBe('insufficient-work');
    expect(reject?.detail).toMatch(/leading zero bits; difficulty 256 needs/);
    while (!meetsTarget(attempt(nonce).hash, 256)) nonce++;
    deliver(idleClass, 0, attempt(nonce));
    expect(idleClass.chainOf(0).headHeight).toBe(1);
  });
});

describe('proof-of-work networks', () => {
  it('under latency, forks and reorganisations show in the trace, and nodes agree below the last k blocks', () => {
    const net = powNetwork({ seed: 53, nodes: 8, link: { latencyMs: 300, jitterMs: 150 }, actors: [...WORKLOAD_ACTORS] });
    scheduleTransfers(net, { count: 60, startMs: 1, endMs: 30_000 });
    net.runUntilTime(60_000);
    expect(eventsOf(net, 'block.orphan').length).toBeGreaterThan(0);
    expect(eventsOf(net, 'block.head').some((e) => e.reorgDepth > 0)).toBe(true);
    net.runFor(5_000);
    expectAgreement(net, net.commonHeight() - 6);
  });

  it('the orphan rate grows with the latency relative to the block interval', () => {
    const rates = [10, 100, 400].map((latencyMs) => {
      const net = powNetwork({ seed: 59, nodes: 8, link: { latencyMs, jitterMs: latencyMs / 2 }, protocolParams: { retargetInterval: 0 }, traceMessages: false });
      net.runUntilTime(300_000);
      return orphanRate(net);
    });
    expect(rates[0]).toBeLessThan(0.05);
    expect(rates[1]).toBeGreaterThan(rates[0]!);
    expect(rates[2]).toBeGreaterThan(rates[1]!);
    expect(rates[2]).toBeGreaterThan(0.15);
  });

  it('a block is final (k-confirmed) once k blocks are on top of it, and all nodes agree on what is final', () => {
    const net = powNetwork({ seed: 61, nodes: 5, protocolParams: { confirmations: 4 } });
    net.runUntilHeight(20);
    net.runFor(2_000);
    for (const status of net.status()) expect(status.finalizedHeight).toBe(Math.max(0, status.headHeight - 4));
    const finalize = eventsOf(net, 'block.finalize').filter((e) => e.node === 0);
    expect(finalize.length).toBeGreaterThan(10);
    for (const e of finalize) expect(net.chainOf(0).canonicalAt(e.height)?.block.hash).toBe(e.hash);
    expectAgreement(net, Math.min(...net.status().map((s) => s.finalizedHeight)));
  });

  it('finality is probabilistic: a withholding miner with most of the hash power reverts confirmed blocks', () => {
    const net = powNetwork({ seed: 2, nodes: 5, byzantine: { 0: 'withhold' }, protocolParams: { hashShares: [0.6, 0.1, 0.1, 0.1, 0.1], retargetInterval: 0 } });
    net.runUntilTime(120_000);
    const publish = consensusEvents(net, 'publish').filter((e) => e.node === 0);
    expect(publish.length).toBeGreaterThan(0);
    const reverted = consensusEvents(net, 'confirmed-reverted').filter((e) => e.node !== 0);
    expect(reverted.length).toBeGreaterThan(0);
    expect(reverted[0]!.detail).toMatch(/reverted \d+ block\(s\) with 6 confirmations/);
    expect(eventsOf(net, 'block.head').some((e) => e.node !== 0 && e.reorgDepth > 6)).toBe(true);
    // After the reveal the honest nodes mine on the attacker's chain: they still agree with each other.
    net.makeByzantine(0, undefined);
    net.runFor(10_000);
    expectAgreement(net, net.commonHeight() - 6);
  });

  it('a selfish miner orphans honest blocks and earns more than its share of the hash power (Eyal & Sirer)', () => {
    const run = (behaviour: string | undefined) => {
      const net = powNetwork({ seed: 67, nodes: 6, link: { latencyMs: 1, jitterMs: 0 }, traceRetain: 2_000, protocolParams: { hashShares: [0.4, 0.12, 0.12, 0.12, 0.12, 0.12], retargetInterval: 0, targetBlockMs: 60_000 }, ...(behaviour ? { byzantine: { 0: behaviour } } : {}) });
      let honestOrphans = 0;
      net.trace.subscribe((e) => {
        if (e.type === 'block.orphan' && e.node === 1 && net.chainOf(1).get(e.hash)!.block.header.proposer !== net.nodeKeys[0]!.address) honestOrphans++;
      });
      while (net.chainOf(1).headHeight < 1_000) net.runFor(3_600_000);
      const chain = net.chainOf(1);
      let attackerBlocks = 0;
      for (let h = 1; h <= 990; h++) if (chain.canonicalAt(h)!.block.header.proposer === net.nodeKeys[0]!.address) attackerBlocks++;
      return { honestOrphans, revenue: attackerBlocks / 990 };
    };
    const honest = run(undefined);
    const selfish = run('selfish');
    expect(selfish.honestOrphans).toBeGreaterThan(10 * Math.max(1, honest.honestOrphans));
    // Eyal & Sirer, alpha 0.4, gamma 0: 0.484 in the long run (seed 67, 990 blocks: 0.442; honest: 0.384).
    expect(selfish.revenue).toBeGreaterThan(0.4);
    expect(selfish.revenue).toBeGreaterThan(honest.revenue);
  });

  it('a crashed miner keeps its chain on disk, restarts, catches up by sync, and mines again', () => {
    const net = powNetwork({ seed: 71, nodes: 4, actors: [...WORKLOAD_ACTORS] });
    scheduleTransfers(net, { count: 40, startMs: 1, endMs: 40_000 });
    net.runUntilTime(5_000);
    net.crash(2);
    const heightAtCrash = net.chainOf(2).headHeight;
    net.runUntilTime(40_000);
    expect(net.chainOf(0).headHeight).toBeGreaterThan(heightAtCrash + 15);
    expect(net.chainOf(2).headHeight).toBe(heightAtCrash);
    net.restart(2);
    net.runFor(3_000);
    expect(net.chainOf(2).headHeight).toBeGreaterThanOrEqual(net.chainOf(0).headHeight - 1);
    expect(eventsOf(net, 'sync.serve').some((e) => e.to === 2 && e.blocks > 0)).toBe(true);
    net.runFor(30_000);
    const restartedAt = 40_000;
    const chain = net.chainOf(0);
    const minedAfter = eventsOf(net, 'block.propose').filter((e) => e.node === 2 && e.height > heightAtCrash && chain.isCanonical(e.hash));
    expect(minedAfter.length).toBeGreaterThan(0);
    expect(eventsOf(net, 'block.propose').filter((e) => e.node === 2 && e.t > 5_000).every((e) => e.t >= restartedAt)).toBe(true); // nothing while down
    expectAgreement(net, net.commonHeight() - 6);
  });

  it('the same seed gives the same trace hash; another seed another (Poisson and classroom modes)', () => {
    const a = runNetwork({ protocol: 'pow', nodes: 5, seed: 7, blocks: 15, txs: 40 });
    const b = runNetwork({ protocol: 'pow', nodes: 5, seed: 7, blocks: 15, txs: 40 });
    const c = runNetwork({ protocol: 'pow', nodes: 5, seed: 8, blocks: 15, txs: 40 });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stateRoots).toEqual(a.stateRoots);
    expect(c.traceHash).not.toBe(a.traceHash);
    const classroom = () => {
      const net = powNetwork({ seed: 5, protocolParams: { classroom: true } });
      net.runUntilTime(5_000);
      return net.trace.hash();
    };
    expect(classroom()).toBe(classroom());
  });

  it('runNetwork with pow: every node agrees on the state root a few confirmations below the tip', () => {
    let network: NetworkType | undefined;
    const report = runNetwork({ protocol: 'pow', nodes: 4, seed: 7, blocks: 30, txs: 100 }, { onNetwork: (n) => (network = n) });
    expect(report.protocol).toBe('pow');
    expect(report.height).toBeGreaterThanOrEqual(30);
    const net = network!;
    const below = report.height - 6;
    expect(new Set(net.stateRootsAt(below)).size).toBe(1);
    expectAgreement(net, below);
    expect(net.txsCommitted(0, below)).toBeGreaterThan(50);
  });

  it('1,000 nodes on a random degree-8 topology mine 10 blocks (headless, no message trace)', () => {
    const started = wallClockMs();
    const net = new Network({ protocol: 'pow', nodes: 1_000, seed: 1, topology: { kind: 'random', degree: 8 }, traceMessages: false, traceRetain: 10_000 });
    // Chunks of virtual time: the harness's runUntilHeight checks all 1,000 heads after every event.
    while (net.commonHeight() < 10) net.runFor(250);
    const wallMs = wallClockMs() - started;
    console.info(`pow 1000 nodes: height ${net.commonHeight()}, ${net.sim.eventCount} events, ${(wallMs / 1000).toFixed(1)} s wall, ${Math.round(net.sim.eventCount / (wallMs / 1000))} events/s`);
    expect(new Set(net.stateRootsAt(net.commonHeight() - 6)).size).toBe(1);
    expect(wallMs).toBeLessThan(60_000);
  });

  it('declares its Byzantine behaviours and tolerates fewer than half the (equal-share) miners', () => {
    expect(Object.keys(pow.byzantineBehaviours).sort()).toEqual(['double-spend', 'selfish', 'withhold']);
    expect([1, 2, 3, 4, 7, 1_000].map(pow.tolerance)).toEqual([0, 0, 1, 1, 3, 499]);
    expect(() => powNetwork({ seed: 1, protocolParams: { hashShares: [1, 2] } })).toThrow(/hashShares must list one non-negative number per node \(4 nodes\)/);
  });
});

describe('the double-spend race of whitepaper §11', () => {
  it("AttackerSuccessProbability reproduces the paper's tables to 7 decimals", () => {
    const q01 = ['1.0000000', '0.2045873', '0.0509779', '0.0131722', '0.0034552', '0.0009137', '0.0002428', '0.0000647', '0.0000173', '0.0000046', '0.0000012'];
    q01.forEach((p, z) => expect(attackerSuccessProbability(0.1, z).toFixed(7), `q=0.1 z=${z}`).toBe(p));
    const q03 = ['1.0000000', '0.1773523', '0.0416605', '0.0101008', '0.0024804', '0.0006132', '0.0001522', '0.0000379', '0.0000095', '0.0000024', '0.0000006'];
    q03.forEach((p, i) => expect(attackerSuccessProbability(0.3, i * 5).toFixed(7), `q=0.3 z=${i * 5}`).toBe(p));
    // "Solving for P less than 0.1%"
    const smallestZ = (q: number) => {
      let z = 0;
      while (attackerSuccessProbability(q, z) >= 0.001) z++;
      return z;
    };
    expect([0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45].map(smallestZ)).toEqual([5, 8, 11, 15, 24, 41, 89, 340]);
  });

  it('the exact (negative-binomial) probability matches Rosenfeld’s values, and the Wilson interval behaves', () => {
    expect(exactAttackerSuccessProbability(0.1, 6).toFixed(7)).toBe('0.0005914');
    expect(exactAttackerSuccessProbability(0.3, 10).toFixed(7)).toBe('0.0651067');
    expect(exactAttackerSuccessProbability(0.3, 50).toFixed(7)).toBe('0.0000311');
    expect(exactAttackerSuccessProbability(0.1, 1)).toBeCloseTo(0.2, 12);
    const none = wilsonInterval(0, 100);
    expect(none.low).toBeCloseTo(0, 12);
    expect(none.high).toBeCloseTo(0.037, 3);
    const half = wilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 3);
    expect(half.high).toBeCloseTo(0.5962, 3);
    expect([0.1, 0.3, 0.45].map(giveUpBehind)).toEqual([6, 11, 46]);
  });

  it("measured in the simulator, the attacker's success rate agrees with the paper for most z (q = 0.1 and 0.3)", () => {
    for (const q of [0.1, 0.3]) {
      const rows = runDoubleSpendExperiment({ q, z: [0, 1, 2, 3, 4, 5, 6], trials: 120, seed: 1 });
      const replay = `npx ledgerlab experiment double-spend --q ${q} --z 0..6 --trials 120 --seed 1`;
      expect(rows[0]!.successes, replay).toBe(120); // z = 0: the pre-mined block wins at once
      expect(rows.every((r) => r.unresolved === 0), replay).toBe(true);
      expect(rows.filter((r) => r.analyticWithinCi).length, replay).toBeGreaterThanOrEqual(5);
      expect(rows.filter((r) => r.exact >= r.ciLow && r.exact <= r.ciHigh).length, replay).toBeGreaterThanOrEqual(6);
      expect(rows[1]!.probability, replay).toBeGreaterThan(rows[6]!.probability);
    }
  });

  it('npx ledgerlab experiment double-spend prints rows as JSON or a table, and refuses bad flags', async () => {
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const json = await cli('experiment', 'double-spend', '--q', '0.3', '--z', '0..2', '--trials', '10', '--seed', '3', '--json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.out);
    expect(rows.map((r: { z: number }) => r.z)).toEqual([0, 1, 2]);
    for (const field of ['q', 'z', 'trials', 'successes', 'probability', 'ciLow', 'ciHigh', 'analytic', 'exact']) expect(rows[0]).toHaveProperty(field);
    const table = await cli('experiment', 'double-spend', '--q', '0.1', '--z', '1,3', '--trials', '5');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/whitepaper/);
    expect(table.out).toMatch(/^1 +5 +\d+ +0\.\d{4} +\[0\.\d{4}, [01]\.\d{4}\] +0\.2045873 +0\.2000000/m);
    for (const args of [['experiment'], ['experiment', 'nope'], ['experiment', 'double-spend', '--q', '0.5'], ['experiment', 'double-spend', '--z', 'x'], ['experiment', 'double-spend', '--trials', '0'], ['experiment', 'double-spend', '--bogus']]) {
      const { code, err } = await cli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toMatch(/^ledgerlab: /);
      expect(err).toMatch(/Usage/);
    }
  });
});
