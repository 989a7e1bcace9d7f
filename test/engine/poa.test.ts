import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runNetwork, type RunOptions, type RunReport } from '../../engine/api/index.ts';
import { Network } from '../../engine/api/network.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../../engine/api/workload.ts';
import { blockExecutions, setExecutionSharing } from '../../engine/ledger/execute.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';

beforeAll(() => useNativeCrypto());

function workloadNetwork(seed: number, nodes = 4, txs = 60, endMs = 8_000) {
  const net = new Network({ protocol: 'poa', nodes, seed, actors: [...WORKLOAD_ACTORS] });
  scheduleTransfers(net, { count: txs, startMs: 1, endMs });
  return net;
}

/** Every pair of nodes has the same block and state root at every height both have. */
function expectAgreement(net: Network, upTo = net.commonHeight()) {
  for (let h = 0; h <= upTo; h++) {
    const hashes = new Set<string>();
    const roots = new Set<string>();
    for (let node = 0; node < net.nodeCount; node++) {
      const stored = net.blockAt(node, h);
      if (!stored) continue;
      hashes.add(stored.block.hash);
      roots.add(stored.state.root);
    }
    expect(hashes.size, `nodes disagree on the block at height ${h} (seed ${net.seed})`).toBe(1);
    expect(roots.size, `nodes disagree on the state root at height ${h} (seed ${net.seed})`).toBe(1);
  }
}

function totalSupply(net: Network, node: number): number {
  return net.chainOf(node).head().state.accounts().reduce((sum, a) => sum + a.balance, 0);
}

function runInWorker(options: RunOptions): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../fixtures/run-in-worker.mjs', import.meta.url), { workerData: { options, native: true } });
    worker.once('message', (report) => {
      resolve(report);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('proof-of-authority network', () => {
  it('the CLI example: all nodes agree on the state root, and every transaction is committed', () => {
    const report = runNetwork({ protocol: 'poa', nodes: 4, seed: 7, blocks: 20, txs: 200 });
    expect(report.height).toBe(20);
    expect(report.txsCommitted).toBe(200);
    expect(new Set(report.stateRoots).size).toBe(1);
    expect(report.traceHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the same seed gives a byte-identical trace; another seed gives another', () => {
    const a = runNetwork({ protocol: 'poa', nodes: 4, seed: 7, blocks: 10, txs: 50 });
    const b = runNetwork({ protocol: 'poa', nodes: 4, seed: 7, blocks: 10, txs: 50 });
    const c = runNetwork({ protocol: 'poa', nodes: 4, seed: 8, blocks: 10, txs: 50 });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stateRoots).toEqual(a.stateRoots);
    expect(c.traceHash).not.toBe(a.traceHash);
    const netA = workloadNetwork(3);
    const netB = workloadNetwork(3);
    netA.runUntilHeight(8);
    netB.runUntilHeight(8);
    expect(JSON.stringify(netB.trace.events())).toBe(JSON.stringify(netA.trace.events()));
  });

  it('gives the same trace in a worker thread as on the main thread', async () => {
    const options: RunOptions = { protocol: 'poa', nodes: 4, seed: 7, blocks: 10, txs: 50 };
    const main = runNetwork(options);
    const inWorker = await runInWorker(options);
    expect(inWorker.traceHash).toBe(main.traceHash);
    expect(inWorker.stateRoots).toEqual(main.stateRoots);
  });

  it('all nodes agree on the block and state root at every height', () => {
    const net = workloadNetwork(5, 5, 120, 20_000);
    net.runUntilHeight(25);
    expectAgreement(net);
    expect(totalSupply(net, 0)).toBe(16 * 1_000_000);
  });

  it('a crashed authority misses its slots, the others go on, and after restart it catches up', () => {
    const net = workloadNetwork(9, 4, 80, 15_000);
    net.runUntilTime(3_500);
    net.crash(1);
    const heightAtCrash = net.chainOf(1).headHeight;
    net.runUntilTime(12_500);
    // node 1's slots passed without a block from it
    const duringCrash = [];
    for (let h = 1; h <= net.chainOf(0).headHeight; h++) {
      const header = net.blockAt(0, h)!.block.header;
      if (header.timestampMs > 3_500 && header.timestampMs <= 12_500) duringCrash.push(header.proposer);
    }
    expect(duringCrash.length).toBeGreaterThanOrEqual(6);
    expect(duringCrash).not.toContain(net.nodeKeys[1]!.address);
    expect(net.chainOf(1).headHeight).toBe(heightAtCrash); // its disk kept what it had
    net.restart(1);
    net.runFor(3_000);
    const status = net.status();
    expect(status[1]!.alive).toBe(true);
    expect(status[1]!.headHeight).toBeGreaterThanOrEqual(status[0]!.headHeight - 1);
    expect(net.trace.events().some((e) => e.type === 'sync.serve' && e.to === 1 && e.blocks > 0)).toBe(true);
    net.runFor(4_000);
    expectAgreement(net);
    // after the restart node 1 proposes again
    const last = net.chainOf(0).headHeight;
    const recent = [last - 3, last - 2, last - 1, last].map((h) => net.blockAt(0, h)!.block.header.proposer);
    expect(recent).toContain(net.nodeKeys[1]!.address);
  });

  it('a node that was down for a long time catches up in batches', () => {
    const net = workloadNetwork(23, 4, 10, 2_000);
    net.runUntilTime(1_500);
    net.crash(2);
    net.runUntilTime(150_000);
    expect(net.chainOf(0).headHeight - net.chainOf(2).headHeight).toBeGreaterThan(100);
    net.restart(2);
    net.runFor(5_000);
    expect(net.chainOf(2).headHeight).toBeGreaterThanOrEqual(net.chainOf(0).headHeight - 1);
    expect(net.trace.events().filter((e) => e.type === 'sync.serve' && e.to === 2 && e.blocks > 0).length).toBeGreaterThanOrEqual(2);
    expectAgreement(net);
  });

  it('a partitioned minority forks, then reorganises onto the majority chain after healing', () => {
    const net = workloadNetwork(13, 4, 60, 10_000);
    net.runUntilTime(2_500);
    net.partition([[0, 1, 2], [3]]);
    net.runUntilTime(10_500);
    expect(net.chainOf(3).head().block.hash).not.toBe(net.chainOf(0).head().block.hash);
    expect(net.chainOf(3).headHeight).toBeLessThan(net.chainOf(0).headHeight);
    net.heal();
    net.runFor(4_000);
    expect(net.trace.events().some((e) => e.type === 'block.head' && e.node === 3 && e.reorgDepth > 0)).toBe(true);
    expect(net.trace.events().some((e) => e.type === 'block.orphan' && e.node === 3)).toBe(true);
    expectAgreement(net);
    expect(totalSupply(net, 3)).toBe(16 * 1_000_000);
  });

  it('finalises blocks once a majority has sealed twice, and stops finalising without a majority', () => {
    const net = workloadNetwork(17, 4, 10, 3_000);
    net.runUntilTime(10_500);
    const finalized = net.status().map((s) => s.finalizedHeight);
    expect(Math.min(...finalized)).toBeGreaterThanOrEqual(net.commonHeight() - 6);
    net.crash(2);
    net.crash(3);
    const stuckAt = net.status()[0]!.finalizedHeight;
    net.runFor(10_000);
    expect(net.status()[0]!.headHeight).toBeGreaterThan(stuckAt + 3); // the chain still grows
    expect(net.status()[0]!.finalizedHeight).toBeLessThanOrEqual(stuckAt + 2);
  });

  it('shared and independent block execution give identical results', () => {
    const options: RunOptions = { protocol: 'poa', nodes: 4, seed: 19, blocks: 8, txs: 40 };
    const beforeShared = blockExecutions();
    const shared = runNetwork(options);
    const sharedRuns = blockExecutions() - beforeShared;
    setExecutionSharing(false);
    try {
      const beforeAlone = blockExecutions();
      const alone = runNetwork(options);
      const aloneRuns = blockExecutions() - beforeAlone;
      expect(alone.traceHash).toBe(shared.traceHash);
      expect(alone.stateRoots).toEqual(shared.stateRoots);
      expect(aloneRuns).toBeGreaterThan(sharedRuns * 3);
    } finally {
      setExecutionSharing(true);
    }
  });

  it('property: over 200 seeds, with a random crash/restart and partition, nodes agree and value is conserved', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        (seed, nodes, txs, crash, split) => {
          runs++;
          const net = workloadNetwork(seed, nodes, txs, 5_000);
          const replay = `seed ${seed}: npx ledgerlab run --protocol poa --nodes ${nodes} --seed ${seed}`;
          net.runUntilTime(2_500);
          if (crash && nodes > 1) net.crash(nodes - 1);
          if (split && nodes > 2) net.partition([[0], Array.from({ length: nodes - 1 }, (_, i) => i + 1)]);
          net.runUntilTime(5_500);
          net.heal();
          if (crash && nodes > 1) net.restart(nodes - 1);
          const result = net.runUntilTime(12_000);
          expect(result.reason, replay).toBe('reached');
          expect(net.commonHeight(), replay).toBeGreaterThanOrEqual(8);
          expectAgreement(net, net.commonHeight() - 1);
          for (let node = 0; node < nodes; node++) expect(totalSupply(net, node), replay).toBe(16 * 1_000_000);
        },
      ),
      { numRuns: 200 },
    );
    expect(runs).toBe(200);
  });
});

describe('native verification in asynchronous hosts (WebCrypto)', () => {
  it('pre-verifies the workload natively and gives the same report as the synchronous run', async () => {
    const { runNetworkAsync, webCryptoEd25519 } = await import('../../engine/api/index.ts');
    const { setCryptoProvider, nobleCrypto, signatureVerifications } = await import('../../engine/core/keys.ts');
    expect(await webCryptoEd25519()).toBe(true); // Node 20 and Chromium both have Ed25519 in WebCrypto
    setCryptoProvider(nobleCrypto); // as in a browser worker: the sync fallback is noble
    try {
      const options: RunOptions = { protocol: 'poa', nodes: 3, seed: 29, blocks: 6, txs: 30 };
      const sync = runNetwork(options);
      setCryptoProvider(nobleCrypto); // forget memoised verdicts
      const before = signatureVerifications();
      const viaWebCrypto = await runNetworkAsync(options);
      expect(viaWebCrypto.traceHash).toBe(sync.traceHash);
      expect(viaWebCrypto.stateRoots).toEqual(sync.stateRoots);
      // 30 transactions verified natively up front, plus the block seals checked by noble
      expect(signatureVerifications() - before).toBeGreaterThanOrEqual(30);
    } finally {
      useNativeCrypto();
    }
  });
});

describe('Byzantine authorities (within tolerance)', () => {
  function faulty(behaviour: string, seed: number) {
    const net = new Network({ protocol: 'poa', nodes: 4, seed, actors: [...WORKLOAD_ACTORS], byzantine: { 1: behaviour } });
    scheduleTransfers(net, { count: 40, startMs: 1, endMs: 10_000 });
    net.runUntilTime(20_000);
    return net;
  }
  const honest = [0, 2, 3];

  it('a silent authority misses its slots; the others go on and still finalise', () => {
    const net = faulty('silent', 41);
    const proposers = Array.from({ length: net.chainOf(0).headHeight }, (_, h) => net.blockAt(0, h + 1)!.block.header.proposer);
    expect(proposers).not.toContain(net.nodeKeys[1]!.address);
    expect(net.chainOf(0).finalizedHeight).toBeGreaterThan(5);
  });

  it('blocks with a false state root are rejected by every honest node', () => {
    const net = faulty('invalid-blocks', 42);
    const rejected = net.trace.events().filter((e) => e.type === 'block.reject' && e.reason === 'state-root-mismatch');
    expect(new Set(rejected.map((e) => (e as { node: number }).node))).toEqual(new Set(honest));
    expect(Math.min(...honest.map((n) => net.chainOf(n).finalizedHeight))).toBeGreaterThan(5);
  });

  it('an equivocating authority forks the chain, but honest nodes converge and never finalise different blocks', () => {
    const net = faulty('equivocate', 43);
    expect(net.trace.events().some((e) => e.type === 'block.orphan' && honest.includes(e.node))).toBe(true);
    const height = Math.min(...honest.map((n) => net.chainOf(n).finalizedHeight));
    expect(height).toBeGreaterThan(5);
    for (let h = 1; h <= height; h++) expect(new Set(honest.map((n) => net.blockAt(n, h)!.block.hash)).size).toBe(1);
  });
});
