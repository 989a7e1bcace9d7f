import { beforeAll, describe, expect, it } from 'vitest';
import { formatFaults, parseFaults, runNetwork } from '../../engine/api/index.ts';
import { Network } from '../../engine/api/network.ts';
import { CheckerSet } from '../../engine/checkers/index.ts';
import { electionExperiment } from '../../engine/experiments/election.ts';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { makeBlock } from '../../engine/ledger/block.ts';

beforeAll(() => useNativeCrypto());

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('fault scripts', () => {
  it('parse every action and print back the same script', () => {
    const spec = '@0s drop 0.05; @0s dup 0.01 0-1; @0s latency 50+20; @1500ms latency 5+0 2-3; @2s crash 1; @3s partition 0,1|2,3; @3s cut 0>2; @4s cut 1-3; @6s restart 1; @7s byzantine 2 equivocate; @8s heal; @9s honest 2';
    const steps = parseFaults(spec, 4);
    expect(steps).toHaveLength(12);
    expect(steps[3]).toEqual({ atMs: 1500, action: { kind: 'latency', latencyMs: 5, jitterMs: 0, link: [2, 3] } });
    expect(parseFaults(formatFaults(steps), 4)).toEqual(steps);
  });

  it('explain a bad step: which one, what is wrong, and how to write it', () => {
    const cases: Array<[string, RegExp]> = [
      ['crash 1', /fault step 1 \("crash 1"\): it must start with a time/],
      ['@2s crash 9', /there is no node 9: nodes are numbered 0 to 3/],
      ['@1s crash 1; @2s explode 2', /fault step 2 .*unknown action "explode"/],
      ['@1s drop 1.5', /probability between 0 and 1/],
      ['@1s partition 0,1|1,2', /node 1 is in two groups/],
      ['@1s latency fast', /expected latency in ms/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseFaults(spec, 4), spec).toThrow(message);
      expect(() => parseFaults(spec, 4)).toThrow(/Write steps like/);
    }
  });

  it('ledgerlab run --faults: crashes, splits and heals a BFT network, which still agrees, with finalized heights and no violations', async () => {
    const { code, out } = await cli('run', '--protocol', 'bft', '--nodes', '4', '--seed', '3', '--blocks', '12', '--txs', '40', '--json', '--faults', '@2s crash 1; @6s restart 1; @3s partition 0,1|2,3; @8s heal; @0s drop 0.05');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.violations).toEqual([]);
    expect(report.finalizedHeight).toHaveLength(4);
    expect(Math.min(...report.finalizedHeight)).toBeGreaterThanOrEqual(12);
    expect(new Set(report.stateRoots).size).toBe(1);
    expect(report.replay).toContain("--faults '@2s crash 1");
  });

  it('ledgerlab run exits 1 and says so when the network cannot reach the target (a Raft majority crashed)', async () => {
    const { code, err } = await cli('run', '--protocol', 'raft', '--nodes', '3', '--seed', '1', '--blocks', '30', '--txs', '5', '--faults', '@3s crash 0; @3s crash 1');
    expect(code).toBe(1);
    expect(err).toMatch(/did not reach height 30/);
    expect(err).toMatch(/Replay: npx ledgerlab run --protocol raft/);
  });

  it('a bad fault script is a usage error (exit 2)', async () => {
    const { code, err } = await cli('run', '--faults', '@2s crash 7');
    expect(code).toBe(2);
    expect(err).toMatch(/--faults: fault step 1/);
  });
});

describe('the checkers can fail', () => {
  it('report two honest nodes finalising different blocks at one height, as a trace event with seed and replay', () => {
    const net = new Network({ protocol: 'poa', nodes: 4, seed: 1 });
    const checkers = new CheckerSet(net, 'npx ledgerlab run --seed 1');
    net.runUntilHeight(8);
    // Forge a divergent finalized block on another node's disk than the first to finalise it, then let it announce finality.
    const firstNode = net.trace.events().find((e) => e.type === 'block.finalize' && e.height >= 2)!;
    const victim = ((firstNode as { node: number }).node + 1) % 4;
    const chain = net.chainOf(victim);
    const original = chain.canonicalAt(2)!.block;
    chain.overwriteForDemo(2, makeBlock({ ...original.header, timestampMs: original.header.timestampMs + 1 }, original.txs, original.certificate));
    net.sim.record({ type: 'block.finalize', node: victim, height: 2, hash: chain.canonicalAt(2)!.block.hash });
    const violations = checkers.finish();
    expect(violations.map((v) => v.checker)).toContain('agreement');
    const event = net.trace.events().find((e) => e.type === 'violation');
    expect(event).toMatchObject({ type: 'violation', checker: 'agreement', seed: '1', replay: 'npx ledgerlab run --seed 1' });
  });

  it('report election safety and log matching when Raft state is corrupted', () => {
    const net = new Network({ protocol: 'raft', nodes: 3, seed: 2 });
    const checkers = new CheckerSet(net, 'replay');
    net.runUntilHeight(3);
    net.sim.record({ type: 'node.role', node: 2, role: 'leader', term: 1 });
    net.sim.record({ type: 'node.role', node: 1, role: 'leader', term: 1 });
    const log = net.sim.disk(2).get<{ log: Array<{ term: number; block: unknown }> }>('raft')!.log;
    const other = net.sim.disk(0).get<{ log: Array<{ term: number; block: { hash: string } }> }>('raft')!.log;
    log[1] = { term: other[1]!.term, block: { ...other[1]!.block, hash: 'f'.repeat(64) } };
    const names = checkers.finish().map((v) => v.checker);
    expect(names).toContain('election-safety');
    expect(names).toContain('log-matching');
  });

  it('within tolerance a BFT network with one equivocating validator shows no violation; beyond it, one is caught', () => {
    const within = runNetwork({ protocol: 'bft', nodes: 4, seed: 5, blocks: 8, txs: 20, faults: '@0s byzantine 0 equivocate' });
    expect(within.violations).toEqual([]);
    const beyond = runNetwork({ protocol: 'bft', nodes: 4, seed: 101, blocks: 8, txs: 20, maxTimeMs: 40_000, faults: '@0s byzantine 0 equivocate; @0s byzantine 1 equivocate' });
    expect(beyond.violations.map((v) => v.checker)).toContain('agreement');
    expect(beyond.violations[0]!.detail).toMatch(/finalised different blocks at height/);
  });
});

describe('the election experiment (Raft §9.3)', () => {
  it('reproduces the paper’s shape: no randomness → split votes; more randomness → faster elections', () => {
    const rows = electionExperiment({ trials: 12, seed: 3, ranges: [{ minMs: 150, maxMs: 150 }, { minMs: 150, maxMs: 155 }, { minMs: 150, maxMs: 300 }], capMs: 5_000 });
    const [none, little, ample] = rows;
    expect(none!.capped).toBeGreaterThan(none!.trials / 2); // no randomness: split votes, often no leader for seconds
    expect(little!.medianMs).toBeGreaterThan(ample!.medianMs);
    expect(ample!.capped).toBe(0);
    expect(ample!.maxMs).toBeLessThan(1_500);
    expect(ample!.medianMs).toBeGreaterThanOrEqual(75); // at least half the minimum timeout, as the paper notes
  });
});

describe('protocol parameters from the CLI', () => {
  it('--params gives a proof-of-work attacker 60% of the hash power; withholding reverts confirmed blocks and is caught', async () => {
    const { code, out, err } = await cli('run', '--protocol', 'pow', '--nodes', '4', '--seed', '2', '--blocks', '30', '--txs', '20', '--json', '--params', '{"hashShares":[0.6,0.2,0.1,0.1],"confirmations":3}', '--faults', '@0s byzantine 0 withhold');
    expect(code).toBe(1);
    expect(JSON.parse(out).violations.map((v: { checker: string }) => v.checker)).toContain('confirmed-reverted');
    expect(err).toMatch(/--params '\{"hashShares":\[0.6,0.2,0.1,0.1\],"confirmations":3\}'/);
  });

  it('rejects --params that are not a JSON object of simple values', async () => {
    for (const bad of ['[1]', '{"x":{"y":1}}', 'not json']) {
      const { code, err } = await cli('run', '--params', bad);
      expect(code, bad).toBe(2);
      expect(err).toMatch(/--params/);
    }
  });
});
