import { beforeAll, describe, expect, it } from 'vitest';
import { inspectNode } from '../../engine/api/inspect.ts';
import { StudioSession } from '../../engine/api/session.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';

beforeAll(() => useNativeCrypto());

function session(protocol: 'poa' | 'raft' | 'bft' | 'pow', nodes = 4, ms = 3_000) {
  const s = new StudioSession({ protocol, nodes, seed: 5 });
  s.advance({ by: 'time', ms });
  return s;
}

describe('inspecting a node', () => {
  it('gives a Raft server its term, vote, log and the leader it follows', () => {
    const s = session('raft', 5);
    const views = s.nodes();
    const leader = views.find((v) => v.role === 'leader');
    expect(leader, 'a 5-server cluster elects a leader within 3 s').toBeDefined();
    const follower = views.find((v) => v.role === 'follower')!;
    const seen = inspectNode(s.network, follower.id);
    expect(seen.protocolState).toMatchObject({ kind: 'raft', term: leader!.epoch, leader: leader!.id });
    if (seen.protocolState.kind !== 'raft') throw new Error('not raft');
    expect(seen.protocolState.logLength).toBeGreaterThanOrEqual(seen.head.height);
    expect(seen.protocolState.commitIndex).toBe(seen.finalized.height);
    expect(seen.details.map((d) => d.label)).toEqual(['Term', 'Voted for', 'Leader', 'Commit index', 'Log length', 'Last log term']);
    expect(seen.source).toBe('live');
  });

  it('reads a crashed Raft server from its disk: term and log survive, the leader it knew does not', () => {
    const s = session('raft', 5);
    const leader = s.nodes().find((v) => v.role === 'leader')!;
    s.crash(leader.id);
    const seen = inspectNode(s.network, leader.id);
    expect(seen).toMatchObject({ alive: false, role: 'crashed', source: 'disk', mempool: 0 });
    expect(seen.protocolState).toMatchObject({ kind: 'raft', term: leader.epoch, votedFor: leader.id });
    expect(seen.protocolState).not.toHaveProperty('leader');
    expect(seen.details.find((d) => d.label === 'Commit index')?.value).toBe('not kept on disk');
  });

  it('gives a Tendermint validator its height, round, step and the round-robin proposer', () => {
    const s = session('bft', 4);
    const seen = inspectNode(s.network, 2);
    if (seen.protocolState.kind !== 'bft') throw new Error('not bft');
    expect(seen.protocolState.height).toBe(seen.head.height + 1);
    expect(seen.protocolState.quorum).toBe(3);
    expect(seen.protocolState.proposer).toBe((seen.protocolState.height + seen.protocolState.round) % 4);
    expect(['propose', 'prevote', 'precommit']).toContain(seen.protocolState.step);
  });

  it('gives a miner its difficulty, chain work and hash share', () => {
    const s = session('pow', 4, 20_000);
    const seen = inspectNode(s.network, 1);
    expect(seen.protocolState).toMatchObject({ kind: 'pow', hashShare: 0.25 });
    if (seen.protocolState.kind !== 'pow') throw new Error('not pow');
    expect(seen.protocolState.nextDifficulty).toBeGreaterThan(0);
    expect(BigInt(seen.protocolState.chainWork)).toBeGreaterThan(0n);
  });

  it('gives an authority the current slot, its primary and the node’s own next slot', () => {
    const s = session('poa', 4, 2_500);
    const seen = inspectNode(s.network, 1);
    expect(seen.protocolState).toEqual({ kind: 'poa', slot: 2, primary: 2, headSlot: 2, nextOwnSlot: 5 });
    expect(seen.head.proposer).toBe('node-2');
    expect(seen.atMs).toBe(2_500);
    expect(inspectNode(s.network, 3).protocolState).toMatchObject({ nextOwnSlot: 3 });
  });

  it('names the Byzantine behaviour with what it does', () => {
    const s = session('poa', 4, 500);
    s.makeByzantine(3, 'silent');
    expect(inspectNode(s.network, 3).byzantine).toEqual({ behaviour: 'silent', description: 'never proposes in its slots, as if crashed but still connected' });
    expect(inspectNode(s.network, 2).byzantine).toBeNull();
  });

  it('refuses a node that does not exist, saying which exist', () => {
    const s = session('poa', 4, 0);
    expect(() => inspectNode(s.network, 9)).toThrow(/there is no node 9: nodes are 0 to 3/);
  });

  it('returns plain data that survives structured clone', () => {
    const s = session('bft', 4);
    const seen = inspectNode(s.network, 0);
    expect(structuredClone(seen)).toEqual(seen);
  });
});
