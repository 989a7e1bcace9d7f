import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../engine/api/inspect.ts';
import { MAX_TRACKED, MessageTracker, progressAt } from '../../renderer/views/network/messages.ts';
import { recentMessages } from '../../renderer/views/network/recent.ts';

let index = 0;
const send = (t: number, id: number, from: number, to: number, deliverAtMs: number, msg = 'raft.append'): TraceEvent => ({ type: 'msg.send', i: index++, t, id, from, to, msg, deliverAtMs });
const deliver = (t: number, id: number, from: number, to: number, msg = 'raft.append'): TraceEvent => ({ type: 'msg.deliver', i: index++, t, id, from, to, msg });
const drop = (t: number, id: number, from: number, to: number, reason: 'partition' | 'loss' | 'crashed' = 'partition', msg = 'raft.append'): TraceEvent => ({ type: 'msg.drop', i: index++, t, id, from, to, msg, reason });

describe('messages in flight for the animation', () => {
  it('places a message along its link by the time drawn, not by when its events arrived', () => {
    const tracker = new MessageTracker();
    // One batch holds the send and the delivery: the message still flies between t = 100 and 140.
    tracker.ingest([send(100, 1, 0, 1, 140), deliver(140, 1, 0, 1)]);
    expect(tracker.inFlight(90, 10).total).toBe(0); // not sent yet at the time drawn
    const mid = tracker.inFlight(120, 10);
    expect(mid.total).toBe(1);
    expect(mid.drawn[0]!.progress).toBeCloseTo(0.5, 6);
    expect(tracker.inFlight(140, 10).total).toBe(0); // delivered
  });

  it('forgets what has arrived when pruned, and counts what was sent', () => {
    const tracker = new MessageTracker();
    tracker.ingest([send(0, 1, 0, 1, 10), send(0, 2, 1, 0, 50), deliver(10, 1, 0, 1)]);
    tracker.prune(20, 0);
    expect(tracker.tracked).toBe(1);
    expect(tracker.sent).toBe(2);
  });

  it('draws only the newest messages when there are more than the cap, and says how many there are', () => {
    const tracker = new MessageTracker();
    tracker.ingest(Array.from({ length: 30 }, (_, k) => send(k, 100 + k, 0, 1, 1_000)));
    const { drawn, total } = tracker.inFlight(500, 10);
    expect(total).toBe(30);
    expect(drawn.map((d) => d.message.id)).toEqual(Array.from({ length: 10 }, (_, k) => 120 + k));
  });

  it('marks a message refused at the sender near the sender, and one lost on the way where it was', () => {
    const tracker = new MessageTracker();
    tracker.ingest([drop(10, 7, 2, 3, 'partition'), send(0, 8, 1, 4, 100), drop(75, 8, 1, 4, 'crashed')]);
    const drops = tracker.recentDrops(80, 100, 10);
    expect(drops.map((d) => [d.from, d.to, d.reason])).toEqual([[2, 3, 'partition'], [1, 4, 'crashed']]);
    expect(drops[0]!.progress).toBeLessThan(0.3);
    expect(drops[1]!.progress).toBeCloseTo(0.75, 6);
    expect(tracker.inFlight(80, 10).total).toBe(0); // the lost one no longer flies
    expect(tracker.recentDrops(200, 50, 10)).toEqual([]); // and the marks fade
    expect(tracker.dropped).toBe(2);
  });

  it('stays bounded however many messages arrive', () => {
    const tracker = new MessageTracker();
    tracker.ingest(Array.from({ length: MAX_TRACKED + 500 }, (_, k) => send(0, k, 0, 1, 1e9)));
    expect(tracker.tracked).toBe(MAX_TRACKED);
  });

  it('starts over on reset (a new network)', () => {
    const tracker = new MessageTracker();
    tracker.ingest([send(0, 1, 0, 1, 100)]);
    tracker.reset();
    expect(tracker.inFlight(50, 10).total).toBe(0);
    expect(tracker.sent).toBe(0);
  });

  it('treats a zero-latency message as arrived', () => {
    expect(progressAt({ id: 1, from: 0, to: 1, msg: 'tx', sentAt: 5, deliverAt: 5 }, 5)).toBe(1);
  });
});

describe('a node’s recent messages', () => {
  it('lists what it sent and received, newest first, with losses and their reason', () => {
    const events = [send(0, 1, 2, 0, 30, 'tx'), deliver(30, 1, 2, 0, 'tx'), send(40, 2, 0, 3, 70, 'block'), drop(45, 3, 0, 1, 'loss', 'block'), drop(50, 4, 4, 0, 'crashed', 'tx'), send(60, 5, 3, 4, 90, 'tx')];
    const { incoming, outgoing } = recentMessages(events, 0, 5);
    expect(outgoing.map((m) => [m.peer, m.msg, m.outcome])).toEqual([[1, 'block', 'dropped: loss'], [3, 'block', 'sent']]);
    expect(incoming.map((m) => [m.peer, m.msg, m.outcome])).toEqual([[4, 'tx', 'dropped: crashed'], [2, 'tx', 'received']]);
  });

  it('stops at the limit each way', () => {
    const events = Array.from({ length: 20 }, (_, k) => send(k, k, 0, 1, k + 10));
    expect(recentMessages(events, 0, 3).outgoing.map((m) => m.t)).toEqual([19, 18, 17]);
  });
});
