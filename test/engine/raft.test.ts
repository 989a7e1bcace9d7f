import { beforeAll, describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import { runNetwork } from '../../engine/api/index.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../../engine/api/workload.ts';
import type { RaftNode } from '../../engine/consensus/raft.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import type { TraceEvent } from '../../engine/sim/events.ts';

beforeAll(() => useNativeCrypto());

function cluster(seed: number, nodes = 5, txs = 40, endMs = 6_000) {
  const net = new Network({ protocol: 'raft', nodes, seed, actors: [...WORKLOAD_ACTORS] });
  scheduleTransfers(net, { count: txs, startMs: 1, endMs });
  return net;
}

const raftNode = (net: Network, id: number) => net.node(id) as RaftNode | undefined;

function leaders(net: Network): Array<{ node: number; term: number }> {
  return net.trace
    .events()
    .filter((e): e is Extract<TraceEvent, { type: 'node.role' }> => e.type === 'node.role' && e.role === 'leader')
    .map((e) => ({ node: e.node, term: e.term! }));
}

function currentLeader(net: Network): number | undefined {
  for (let id = 0; id < net.nodeCount; id++) if (raftNode(net, id)?.inspect().role === 'leader') return id;
  return undefined;
}

function expectCommittedAgreement(net: Network) {
  const height = Math.min(...net.status().filter((s) => s.alive).map((s) => s.finalizedHeight));
  for (let h = 1; h <= height; h++) {
    const hashes = new Set(net.status().filter((s) => s.alive).map((s) => net.blockAt(s.node, h)!.block.hash));
    expect(hashes.size, `servers applied different entries at index ${h} (seed ${net.seed})`).toBe(1);
  }
}

describe('Raft', () => {
  it('elects one leader, replicates blocks, and every server applies the same entries', () => {
    const net = cluster(1);
    net.runUntilHeight(15);
    const elected = leaders(net);
    expect(elected.length).toBeGreaterThanOrEqual(1);
    const terms = new Map<number, Set<number>>();
    for (const { node, term } of elected) terms.set(term, (terms.get(term) ?? new Set()).add(node));
    for (const [term, who] of terms) expect(who.size, `term ${term} had several leaders`).toBe(1);
    expectCommittedAgreement(net);
    expect(net.status().every((s) => s.finalizedHeight === s.headHeight)).toBe(true); // the head is the commit index
  });

  it('after the leader crashes, a new leader is elected in a higher term and the cluster goes on', () => {
    const net = cluster(2);
    net.runUntilHeight(3);
    const old = currentLeader(net)!;
    const oldTerm = raftNode(net, old)!.inspect().term;
    const crashedAt = net.now;
    net.crash(old);
    net.runUntil(() => currentLeader(net) !== undefined && currentLeader(net) !== old);
    const next = currentLeader(net)!;
    expect(raftNode(net, next)!.inspect().term).toBeGreaterThan(oldTerm);
    expect(net.now - crashedAt).toBeLessThan(2_000); // a few election timeouts of 150-300 ms
    const heightAtSwitch = net.commonHeight();
    net.runFor(5_000);
    expect(net.commonHeight()).toBeGreaterThan(heightAtSwitch + 3);
    expectCommittedAgreement(net);
  });

  it('keeps term, vote and log on disk across a crash, and the leader repairs the restarted log', () => {
    const net = cluster(3);
    net.runUntilHeight(5);
    const leader = currentLeader(net)!;
    const follower = (leader + 1) % 5;
    const before = raftNode(net, follower)!.inspect();
    net.crash(follower);
    net.runFor(6_000);
    net.restart(follower);
    const after = raftNode(net, follower)!.inspect();
    expect(after.term).toBe(before.term);
    expect(after.log.length).toBeGreaterThanOrEqual(before.log.length);
    net.runFor(2_000);
    const caughtUp = raftNode(net, follower)!.inspect();
    expect(caughtUp.commitIndex).toBeGreaterThanOrEqual(raftNode(net, currentLeader(net)!)!.inspect().commitIndex - 1);
    expectCommittedAgreement(net);
  });

  it('an isolated leader cannot commit; the majority elects another; on healing its uncommitted entries are replaced', () => {
    const net = cluster(4, 5, 80, 12_000);
    net.runUntilHeight(3);
    const old = currentLeader(net)!;
    const others = [0, 1, 2, 3, 4].filter((n) => n !== old);
    net.partition([[old], others]);
    const committedByOld = raftNode(net, old)!.inspect().commitIndex;
    net.runFor(5_000);
    const isolated = raftNode(net, old)!.inspect();
    expect(isolated.commitIndex).toBe(committedByOld); // no majority, no commit
    expect(isolated.log.length - 1).toBeGreaterThan(isolated.commitIndex); // it kept appending its own blocks
    const majorityLeader = others.find((n) => raftNode(net, n)!.inspect().role === 'leader');
    expect(majorityLeader).toBeDefined();
    expect(raftNode(net, majorityLeader!)!.inspect().term).toBeGreaterThan(isolated.term);
    net.heal();
    net.runFor(3_000);
    expect(raftNode(net, old)!.inspect().role).toBe('follower');
    expectCommittedAgreement(net);
    const height = net.commonHeight();
    expect(net.blockAt(old, height)!.block.hash).toBe(net.blockAt(others[0]!, height)!.block.hash);
  });

  it('a candidate whose log is behind cannot win an election (the up-to-date check)', () => {
    const net = cluster(5);
    net.runUntilHeight(3);
    const leader = currentLeader(net)!;
    const laggard = (leader + 1) % 5;
    net.crash(laggard);
    net.runFor(4_000); // the others commit more entries
    net.crash(leader);
    net.restart(laggard);
    const restartedAt = net.trace.length;
    net.runFor(3_000);
    const afterRestart = net.trace.since(restartedAt);
    const laggardLed = afterRestart.some((e) => e.type === 'node.role' && e.node === laggard && e.role === 'leader');
    const deniedBehind = afterRestart.filter((e) => e.type === 'consensus' && e.what === 'vote-denied' && e.detail.startsWith(`to node ${laggard} `) && e.detail.includes('behind'));
    expect(laggardLed).toBe(false);
    expect(deniedBehind.length + afterRestart.filter((e) => e.type === 'node.role' && e.role === 'leader').length).toBeGreaterThan(0);
    expect(currentLeader(net)).not.toBe(laggard);
    expectCommittedAgreement(net);
  });

  it('runs from the CLI API with all servers agreeing on the state root', () => {
    const report = runNetwork({ protocol: 'raft', nodes: 5, seed: 7, blocks: 15, txs: 100 });
    expect(report.txsCommitted).toBe(100);
    expect(new Set(report.stateRoots).size).toBe(1);
  });
});
