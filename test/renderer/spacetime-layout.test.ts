/**
 * The space-time diagram's model and geometry: sends pair with their delivery or drop by id,
 * lane marks follow blocks, roles and crashes, and the maths puts them where a reader expects.
 */
import { describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import type { TraceEvent, TraceEventInput } from '../../engine/sim/events.ts';
import {
  SpaceTimeModel,
  arrowSegment,
  describeArrow,
  firstAtOrAfter,
  hitArrow,
  laneAt,
  laneHeightFor,
  laneY,
  timeTicks,
  timeToX,
  xToTime,
  type Viewport,
} from '../../renderer/views/spacetime/layout.ts';
import { messageKind, sortMessageTypes } from '../../renderer/views/spacetime/message-kinds.ts';

/** A small hand-written trace: events numbered in order. */
function trace(...items: [number, TraceEventInput][]): TraceEvent[] {
  return items.map(([t, input], i) => ({ ...input, i, t }) as TraceEvent);
}

const send = (from: number, to: number, id: number, deliverAtMs: number, msg = 'block'): TraceEventInput => ({ type: 'msg.send', from, to, msg, id, deliverAtMs });
const deliver = (from: number, to: number, id: number, msg = 'block'): TraceEventInput => ({ type: 'msg.deliver', from, to, msg, id });

const vp: Viewport = { left: 60, top: 10, width: 1000, laneHeight: 30, lanes: 4, endMs: 2_000, spanMs: 1_000 };

describe('the space-time model', () => {
  it('pairs each send with its delivery by message id', () => {
    const model = new SpaceTimeModel();
    model.ingest(trace([100, send(0, 1, 7, 150)], [100, send(0, 2, 8, 180)], [150, deliver(0, 1, 7)], [180, deliver(0, 2, 8)]));
    expect(model.arrows.map((a) => [a.id, a.from, a.to, a.sentAt, a.endAt, a.status])).toEqual([
      [7, 0, 1, 100, 150, 'delivered'],
      [8, 0, 2, 100, 180, 'delivered'],
    ]);
    expect([...model.types]).toEqual(['block']);
  });

  it('a message dropped on the way ends where it was dropped; one dropped at the sender is a stub', () => {
    const model = new SpaceTimeModel();
    model.ingest(
      trace(
        [100, send(0, 1, 1, 140)],
        [120, { type: 'msg.drop', from: 2, to: 3, msg: 'tx', id: 2, reason: 'loss' }],
        [140, { type: 'msg.drop', from: 0, to: 1, msg: 'block', id: 1, reason: 'crashed' }],
      ),
    );
    const [atReceiver, atSender] = model.arrows;
    expect(atReceiver).toMatchObject({ id: 1, status: 'dropped', reason: 'crashed', endAt: 140, droppedAtSend: false });
    expect(atSender).toMatchObject({ id: 2, status: 'dropped', reason: 'loss', sentAt: 120, endAt: 120, droppedAtSend: true });
    expect(describeArrow(atReceiver!, 'block')).toBe('block from node 0 to node 1, sent 0.100 s, dropped at 0.140 s after 40 ms (the receiver was down)');
    expect(describeArrow(atSender!, 'transaction')).toMatch(/dropped as it was sent .*lost on the link/);
  });

  it('a duplicated message (same id twice) gives two arrows, each ended by its own delivery', () => {
    const model = new SpaceTimeModel();
    model.ingest(trace([0, send(0, 1, 5, 30)], [0, send(0, 1, 5, 60)], [30, deliver(0, 1, 5)], [60, deliver(0, 1, 5)]));
    expect(model.arrows.map((a) => [a.endAt, a.status])).toEqual([
      [30, 'delivered'],
      [60, 'delivered'],
    ]);
  });

  it('an undelivered message stays in flight until its delivery arrives in a later batch', () => {
    const model = new SpaceTimeModel();
    const events = trace([0, send(1, 0, 3, 90)], [90, deliver(1, 0, 3)]);
    model.ingest(events.slice(0, 1));
    expect(model.arrows[0]).toMatchObject({ status: 'flight', endAt: 90, endIndex: -1 });
    model.ingest(events.slice(1));
    expect(model.arrows[0]).toMatchObject({ status: 'delivered', endIndex: 1 });
  });

  it('marks blocks, role changes (only when they change) and crashes on the lanes', () => {
    const model = new SpaceTimeModel();
    model.ingest(
      trace(
        [0, { type: 'node.role', node: 0, role: 'follower' }],
        [0, { type: 'node.role', node: 0, role: 'follower' }],
        [300, { type: 'node.role', node: 0, role: 'leader', term: 2 }],
        [400, { type: 'block.propose', node: 0, height: 1, hash: 'a', txs: 2 }],
        [500, { type: 'block.finalize', node: 1, height: 1, hash: 'a' }],
        [600, { type: 'node.crash', node: 2 }],
        [900, { type: 'node.restart', node: 2, incarnation: 1 }],
        [950, { type: 'node.role', node: 3, role: 'byzantine:equivocate' }],
      ),
    );
    expect(model.marks.map((m) => [m.kind, m.node, m.t, m.label])).toEqual([
      ['role', 0, 0, 'follower'],
      ['role', 0, 300, 'leader'],
      ['propose', 0, 400, '#1'],
      ['finalize', 1, 500, 'final #1'],
      ['crash', 2, 600, 'crashed'],
      ['restart', 2, 900, 'restarted'],
      ['role', 3, 950, 'byzantine (equivocate)'],
    ]);
    expect(model.downtime(0, 2_000, 1_000)).toEqual([{ node: 2, from: 600, to: 900 }]);
    expect(model.downtime(0, 2_000, 700)).toEqual([{ node: 2, from: 600, to: 700 }]);
  });

  it('a batch that restarts the numbering (a new session or a rewind) replaces what came after it', () => {
    const model = new SpaceTimeModel();
    const first = trace([0, send(0, 1, 1, 50)], [50, deliver(0, 1, 1)], [60, send(1, 0, 2, 90)], [90, deliver(1, 0, 2)]);
    model.ingest(first);
    expect(model.arrows).toHaveLength(2);
    // Rewind to index 1: the first delivery and everything after it are gone; message 1 is in flight again.
    model.ingest([{ ...deliver(0, 1, 1), i: 1, t: 55 } as TraceEvent]);
    expect(model.arrows).toHaveLength(1);
    expect(model.arrows[0]).toMatchObject({ id: 1, status: 'delivered', endAt: 55, endIndex: 1 });
    // A new session starts again from 0.
    model.ingest(trace([0, send(2, 3, 1, 10, 'tx')]));
    expect(model.arrows.map((a) => [a.from, a.to, a.msg])).toEqual([[2, 3, 'tx']]);
  });

  it('stays bounded: the oldest arrows go first', () => {
    const model = new SpaceTimeModel(100);
    const items: [number, TraceEventInput][] = [];
    for (let k = 0; k < 250; k++) items.push([k, send(0, 1, k, k + 5)]);
    model.ingest(trace(...items));
    expect(model.arrows.length).toBeLessThanOrEqual(100);
    expect(model.arrows.at(-1)!.id).toBe(249);
    expect(model.earliestMs()).toBe(model.arrows[0]!.sentAt);
  });

  it('finds the arrows that cross a time window, including long ones sent before it', () => {
    const model = new SpaceTimeModel();
    model.ingest(trace([0, send(0, 1, 1, 900)], [100, send(0, 1, 2, 120)], [500, send(1, 0, 3, 520)], [1_500, send(1, 2, 4, 1_600)]));
    expect(model.arrowsIn(400, 1_000).map((a) => a.id)).toEqual([1, 3]);
    expect(model.arrowsIn(400, 2_000, 1_000).map((a) => a.id)).toEqual([1, 3]);
    expect(model.arrowsIn(0, 2_000).map((a) => a.id)).toEqual([1, 2, 3, 4]);
  });

  it('turns a real network trace into one arrow per message sent or dropped', () => {
    const net = new Network({ protocol: 'raft', nodes: 3, seed: 2 });
    net.runFor(3_000);
    const events = [...net.trace.events()];
    const model = new SpaceTimeModel();
    model.ingest(events);
    const sends = events.filter((e) => e.type === 'msg.send').length;
    const dropsAtSend = events.filter((e) => e.type === 'msg.drop' && !events.some((s) => s.type === 'msg.send' && s.id === e.id)).length;
    expect(model.arrows).toHaveLength(sends + dropsAtSend);
    const delivered = events.filter((e) => e.type === 'msg.deliver').length;
    expect(model.arrows.filter((a) => a.status === 'delivered')).toHaveLength(delivered);
    for (const arrow of model.arrows) expect(arrow.endAt).toBeGreaterThanOrEqual(arrow.sentAt);
    expect(model.marks.some((m) => m.kind === 'role' && m.label === 'leader')).toBe(true);
    expect(sortMessageTypes(model.types)).toEqual(['raft.append', 'raft.append-reply', 'raft.vote', 'raft.vote-reply']);
  });
});

describe('space-time geometry', () => {
  it('maps time to x across the plot and back', () => {
    expect(timeToX(vp, 1_000)).toBe(60);
    expect(timeToX(vp, 2_000)).toBe(1_060);
    expect(timeToX(vp, 1_500)).toBe(560);
    expect(xToTime(vp, 560)).toBe(1_500);
  });

  it('maps nodes to lanes and y back to the lane under it', () => {
    expect(laneY(vp, 0)).toBe(25);
    expect(laneY(vp, 3)).toBe(115);
    expect(laneAt(vp, 25)).toBe(0);
    expect(laneAt(vp, 129)).toBe(3);
    expect(laneAt(vp, 131)).toBe(-1);
    expect(laneAt(vp, 5)).toBe(-1);
  });

  it('sizes lanes roomy for a few nodes and compressed for many', () => {
    expect(laneHeightFor(4, false)).toBe(34);
    expect(laneHeightFor(4, true)).toBe(46);
    expect(laneHeightFor(50, false)).toBe(8);
    expect(laneHeightFor(200, false)).toBe(6);
  });

  it('draws a message in flight only as far as it has got', () => {
    const arrow = { id: 1, msg: 'block', from: 0, to: 2, sentAt: 1_200, endAt: 1_400, status: 'flight', sendIndex: 0, endIndex: -1, droppedAtSend: false } as const;
    expect(arrowSegment(vp, { ...arrow }, 1_100)).toBeNull();
    const half = arrowSegment(vp, { ...arrow }, 1_300)!;
    expect(half).toEqual({ x1: 260, y1: 25, x2: 360, y2: 55, ended: false });
    const whole = arrowSegment(vp, { ...arrow, status: 'delivered', endIndex: 3 }, 1_900)!;
    expect(whole).toEqual({ x1: 260, y1: 25, x2: 460, y2: 85, ended: true });
  });

  it('hit-tests the arrow under the pointer', () => {
    const arrows = [
      { id: 1, msg: 'block', from: 0, to: 2, sentAt: 1_200, endAt: 1_400, status: 'delivered', sendIndex: 0, endIndex: 1, droppedAtSend: false },
      { id: 2, msg: 'tx', from: 3, to: 1, sentAt: 1_600, endAt: 1_700, status: 'delivered', sendIndex: 2, endIndex: 3, droppedAtSend: false },
    ] as const;
    const list = arrows.map((a) => ({ ...a }));
    expect(hitArrow(vp, list, 2_000, 360, 56)?.id).toBe(1);
    expect(hitArrow(vp, list, 2_000, 710, 85)?.id).toBe(2);
    expect(hitArrow(vp, list, 2_000, 900, 20)).toBeNull();
  });

  it('puts time ticks on round values', () => {
    expect(timeTicks(1_000, 2_000, 5)).toEqual({ step: 200, ticks: [1_000, 1_200, 1_400, 1_600, 1_800, 2_000] });
    expect(timeTicks(1_234, 1_290, 4).step).toBe(20);
    expect(firstAtOrAfter([1, 3, 3, 8], 3, (x) => x)).toBe(1);
    expect(firstAtOrAfter([1, 3, 3, 8], 9, (x) => x)).toBe(4);
  });

  it('names and colours message types as the network graph does (Okabe–Ito), replies with open heads, transactions last', () => {
    expect(messageKind('raft.vote')).toMatchObject({ colourVar: '--c-orange', label: 'vote request', reply: false });
    expect(messageKind('raft.vote-reply')).toMatchObject({ colourVar: '--c-orange', label: 'vote reply', reply: true });
    expect(messageKind('bft.prevote')).toMatchObject({ colourVar: '--c-yellow', light: true });
    expect(messageKind('mystery')).toMatchObject({ label: 'mystery' });
    expect(sortMessageTypes(['tx', 'block', 'sync.get'])).toEqual(['block', 'sync.get', 'tx']);
  });
});
