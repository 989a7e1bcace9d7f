/**
 * The studio's live session: stepping at three granularities, faults, and time travel —
 * snapshots, seeking back and forth, interventions in the past forking a new timeline while the
 * original stays reachable. A failing case prints its seed and a replay command.
 */
import { describe, expect, it } from 'vitest';
import { StudioSession } from '../../engine/api/session.ts';
import type { ProtocolName } from '../../engine/api/types.ts';

const PROTOCOLS: ProtocolName[] = ['poa', 'raft', 'bft', 'pow'];

function session(protocol: ProtocolName, seed = 3): StudioSession {
  return new StudioSession({ protocol, nodes: 5, seed });
}

describe.each(PROTOCOLS)('live session on %s', (protocol) => {
  const replay = (seed: number) => `seed ${seed}; replay: npx ledgerlab run --protocol ${protocol} --nodes 5 --seed ${seed}`;

  it('gives the same run however the page slices time', () => {
    const whole = session(protocol);
    whole.advance({ by: 'time', ms: 8_000 });
    const sliced = session(protocol);
    const slices = [1, 17, 250, 3, 999, 1_000, 60, 2_500];
    let total = 0;
    for (const ms of slices) {
      sliced.advance({ by: 'time', ms });
      total += ms;
    }
    sliced.advance({ by: 'time', ms: 8_000 - total });
    expect(sliced.network.now).toBe(8_000);
    expect(sliced.network.trace.hash(), replay(3)).toBe(whole.network.trace.hash());
  });

  it('steps by event, by block and by time', () => {
    const s = session(protocol);
    const first = s.advance({ by: 'events', count: 1 });
    expect(first.eventCount).toBeGreaterThan(0);
    const before = s.frame().height;
    const block = s.advance({ by: 'blocks', count: 1 });
    expect(block.height).toBe(before + 1);
    expect(block.stopped).toBe('reached');
    const later = s.advance({ by: 'time', ms: 1_500 });
    expect(later.now).toBeGreaterThanOrEqual(block.now + 1_500);
    expect(later.events.every((e, i, all) => i === 0 || e.i === all[i - 1]!.i + 1)).toBe(true);
  });

  it('travels back and forth in time and lands on the same run', () => {
    const s = session(protocol);
    s.advance({ by: 'time', ms: 6_000 });
    s.crash(2);
    s.advance({ by: 'time', ms: 6_000 });
    const end = { hash: s.network.trace.hash(), roots: s.nodes().map((n) => n.stateRoot) };

    const back = s.seek(3_000);
    expect(back.now).toBe(3_000);
    expect(back.rewound).toBe(true);
    expect(back.nodes[2]!.alive).toBe(true); // before the crash
    expect(back.timeline.headMs).toBe(12_000);

    // Playing on from the past replays the crash at 6 s exactly.
    s.advance({ by: 'time', ms: 9_000 });
    expect(s.network.trace.hash(), replay(3)).toBe(end.hash);
    expect(s.nodes().map((n) => n.stateRoot)).toEqual(end.roots);
    expect(s.frame().timeline.all).toHaveLength(1);
  });

  it('forks a new timeline on an intervention in the past and keeps the original reachable', () => {
    const s = session(protocol);
    s.advance({ by: 'time', ms: 10_000 });
    const original = s.network.trace.hash();

    s.seek(4_000);
    s.partition([[0, 1]]);
    const forked = s.advance({ by: 'time', ms: 4_000 });
    expect(forked.timeline.id).toBe(1);
    expect(forked.timeline.all.map((t) => ({ id: t.id, parent: t.parent, at: t.forkedAtMs }))).toEqual([
      { id: 0, parent: null, at: 0 },
      { id: 1, parent: 0, at: 4_000 },
    ]);
    expect(forked.timeline.all[1]!.label).toMatch(/^split 0,1 \| 2,3,4 at 4\.0 s$/);
    expect(forked.partition).toEqual([[0, 1], [2, 3, 4]]);
    expect(s.network.trace.hash()).not.toBe(original);

    const mainline = s.switchTimeline(0);
    expect(mainline.now).toBe(10_000);
    expect(mainline.partition).toBeNull();
    expect(s.network.trace.hash(), replay(3)).toBe(original);

    // And back to the fork, where the split still holds.
    const again = s.switchTimeline(1);
    expect(again.partition).toEqual([[0, 1], [2, 3, 4]]);
    expect(again.now).toBe(8_000);
  });
});

describe('live session errors', () => {
  it('names the problem and the fix', () => {
    const s = session('raft');
    expect(() => s.crash(9)).toThrow(/no node 9: nodes are 0 to 4/);
    s.crash(1);
    expect(() => s.crash(1)).toThrow(/already down.*Restart it instead/s);
    expect(() => s.restart(0)).toThrow(/is running/);
    expect(() => s.partition([[0, 1, 2, 3, 4]])).toThrow(/at least two groups/);
    expect(() => s.partition([[0], [0, 1]])).toThrow(/node 0 is in two groups/);
    expect(() => s.setLink({ dropRate: 2 })).toThrow(/drop rate must be from 0 to 1/);
    expect(() => s.makeByzantine(0, 'gremlin')).toThrow(/gremlin/);
    expect(() => s.seek(-1)).toThrow(/cannot travel/);
    expect(() => s.switchTimeline(7)).toThrow(/no timeline 7/);
    expect(() => new StudioSession({ protocol: 'raft', nodes: 0, seed: 1 })).toThrow(/1 to 200 nodes/);
  });

  it('keeps what the checkers found across time travel', () => {
    const s = new StudioSession({ protocol: 'poa', nodes: 4, seed: 2 });
    s.advance({ by: 'time', ms: 3_000 });
    const checkers = s.checkers;
    s.seek(1_000);
    expect(s.checkers).not.toBe(checkers); // a copy, watching the restored network
    s.advance({ by: 'time', ms: 4_000 });
    expect(s.checkers.violations).toEqual([]);
    // The copied checkers still watch: their trace subscription moved with the copy.
    expect(s.network.trace.length).toBeGreaterThan(0);
  });
});

describe('live session edge cases', () => {
  it('replays every intervention made at the same instant', () => {
    const s = new StudioSession({ protocol: 'poa', nodes: 4, seed: 7, txPerSecond: 0 });
    s.advance({ by: 'time', ms: 3_000 });
    s.crash(1);
    s.crash(2);
    s.advance({ by: 'time', ms: 2_000 });
    const alive = s.nodes().map((n) => n.alive);
    expect(alive).toEqual([true, false, false, true]);
    s.seek(1_000);
    s.advance({ by: 'time', ms: 4_000 });
    expect(s.nodes().map((n) => n.alive)).toEqual(alive);
    s.seek(1_000);
    for (let i = 0; i < 20_000 && s.network.now < 5_000; i++) s.advance({ by: 'events', count: 1 });
    expect(s.nodes().map((n) => n.alive)).toEqual(alive);
  });

  it('keeps the workload flowing after a crash: a transfer no node takes gives its nonce back', () => {
    const s = new StudioSession({ protocol: 'poa', nodes: 4, seed: 7, txPerSecond: 10 });
    s.advance({ by: 'time', ms: 20_000 });
    s.crash(3);
    s.advance({ by: 'time', ms: 10_000 });
    const before = s.network.txsCommitted(0, s.network.chainOf(0).headHeight);
    s.advance({ by: 'time', ms: 20_000 });
    const after = s.network.txsCommitted(0, s.network.chainOf(0).headHeight);
    expect(after - before).toBeGreaterThan(100); // ~10 per second keep landing
    expect(s.nodes()[0]!.mempool).toBeLessThan(50);
  });

  it('seeking to a time gives the same state however that time was reached', () => {
    const stepped = new StudioSession({ protocol: 'poa', nodes: 4, seed: 11 });
    while (stepped.network.now < 2_100) stepped.advance({ by: 'events', count: 1 });
    stepped.advance({ by: 'time', ms: 3_000 });
    stepped.seek(2_000);
    const fresh = new StudioSession({ protocol: 'poa', nodes: 4, seed: 11 });
    fresh.seek(2_000);
    expect(stepped.network.trace.length).toBe(fresh.network.trace.length);
    expect(stepped.network.trace.hash()).toBe(fresh.network.trace.hash());
  });

  it('refuses nonsense amounts, and gives up on blocks a dead network cannot make', () => {
    const s = new StudioSession({ protocol: 'raft', nodes: 3, seed: 1 });
    expect(() => s.advance({ by: 'time', ms: Number.NaN })).toThrow(/cannot advance by NaN ms/);
    expect(() => s.advance({ by: 'events', count: -1 })).toThrow(/cannot advance/);
    for (const node of [0, 1, 2]) s.crash(node);
    const frame = s.advance({ by: 'blocks', count: 1 });
    expect(frame.stopped).toBe('budget');
    expect(frame.now).toBeLessThanOrEqual(30 * 1_000 + 1_000);
  });
});
