import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../engine/sim/queue.ts';
import { Simulator, type Message, type NodeContext, type NodeProcess } from '../../engine/sim/simulator.ts';

interface Ping extends Message {
  type: 'ping';
  n: number;
}

/** A toy process: node 0 pings everyone every 100 ms; everyone records what it got and when. */
class Pinger implements NodeProcess<Ping> {
  static received: Array<{ node: number; from: number; n: number; at: number }> = [];
  private n = 0;
  constructor(private readonly ctx: NodeContext<Ping>) {}
  start(): void {
    if (this.ctx.id === 0) this.ctx.setTimer('tick', 100);
    this.ctx.disk.put('boots', (this.ctx.disk.get<number>('boots') ?? 0) + 1);
  }
  onMessage(from: number, message: Ping): void {
    Pinger.received.push({ node: this.ctx.id, from, n: message.n, at: this.ctx.now() });
  }
  onTimer(): void {
    this.ctx.broadcast({ type: 'ping', n: this.n++ });
    this.ctx.setTimer('tick', 100);
  }
}

function makeSim(seed = 1, link = { latencyMs: 10, jitterMs: 5, dropRate: 0, duplicateRate: 0 }) {
  Pinger.received = [];
  const sim = new Simulator<Ping>({ seed, nodes: 3, link }, (ctx) => new Pinger(ctx));
  sim.start();
  return sim;
}

describe('the event queue', () => {
  it('orders by time, then by scheduling sequence', () => {
    const q = new EventQueue<{ atMs: number; seq: number; label: string }>(100);
    q.push({ atMs: 5, seq: 2, label: 'c' });
    q.push({ atMs: 1, seq: 3, label: 'a' });
    q.push({ atMs: 5, seq: 1, label: 'b' });
    q.push({ atMs: 9, seq: 0, label: 'd' });
    expect([q.pop(), q.pop(), q.pop(), q.pop()].map((x) => x!.label)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is bounded: overflow is an invariant failure, never silent growth', () => {
    const q = new EventQueue<{ atMs: number; seq: number }>(2);
    q.push({ atMs: 0, seq: 0 });
    q.push({ atMs: 0, seq: 1 });
    expect(() => q.push({ atMs: 0, seq: 2 })).toThrow(/event queue is full/);
  });
});

describe('the simulator', () => {
  it('delivers within base latency plus jitter, on the virtual clock', () => {
    const sim = makeSim();
    sim.runUntilTime(1_000);
    expect(Pinger.received.length).toBeGreaterThan(10);
    for (const r of Pinger.received) {
      const sentAt = (r.n + 1) * 100;
      expect(r.at - sentAt).toBeGreaterThanOrEqual(10);
      expect(r.at - sentAt).toBeLessThanOrEqual(15);
    }
    expect(sim.now).toBe(1_000);
  });

  it('gives a byte-identical trace for the same seed, another for another seed', () => {
    const a = makeSim(1);
    a.runUntilTime(2_000);
    const b = makeSim(1);
    b.runUntilTime(2_000);
    const c = makeSim(2);
    c.runUntilTime(2_000);
    expect(a.trace.hash()).toBe(b.trace.hash());
    expect(JSON.stringify(a.trace.events())).toBe(JSON.stringify(b.trace.events()));
    expect(c.trace.hash()).not.toBe(a.trace.hash());
  });

  it('drops messages across a partition and delivers again after healing', () => {
    const sim = makeSim();
    sim.network.partition([[0], [1, 2]]);
    sim.runUntilTime(500);
    expect(Pinger.received).toEqual([]);
    expect(sim.trace.events().some((e) => e.type === 'msg.drop' && e.reason === 'partition')).toBe(true);
    sim.network.heal();
    sim.runUntilTime(1_000);
    expect(Pinger.received.length).toBeGreaterThan(0);
  });

  it('supports one-way cuts', () => {
    const sim = makeSim();
    sim.network.cut(0, 1, true);
    sim.runUntilTime(500);
    expect(Pinger.received.filter((r) => r.node === 1)).toEqual([]);
    expect(Pinger.received.filter((r) => r.node === 2).length).toBeGreaterThan(0);
  });

  it('loses messages at the configured drop rate, deterministically', () => {
    const sim = makeSim(3, { latencyMs: 10, jitterMs: 0, dropRate: 0.5, duplicateRate: 0 });
    sim.runUntilTime(20_000);
    const drops = sim.trace.events().filter((e) => e.type === 'msg.drop' && e.reason === 'loss').length;
    const sends = 2 * 199; // two peers, one broadcast per 100 ms
    expect(drops / sends).toBeGreaterThan(0.4);
    expect(drops / sends).toBeLessThan(0.6);
  });

  it('duplicates messages at the configured rate', () => {
    const sim = makeSim(4, { latencyMs: 10, jitterMs: 3, dropRate: 0, duplicateRate: 1 });
    sim.runUntilTime(250);
    expect(Pinger.received.filter((r) => r.node === 1 && r.n === 0).length).toBe(2);
  });

  it('a crash loses memory and timers but keeps the disk; restart boots a new incarnation', () => {
    const sim = makeSim();
    sim.runUntilTime(250);
    sim.crash(0);
    const before = Pinger.received.length;
    sim.runUntilTime(1_000);
    expect(Pinger.received.length).toBe(before); // node 0's tick timer died with it
    expect(sim.isAlive(0)).toBe(false);
    sim.restart(0);
    expect(sim.disk(0).get('boots')).toBe(2);
    sim.runUntilTime(1_500);
    expect(Pinger.received.length).toBeGreaterThan(before);
    expect(sim.trace.events().filter((e) => e.type === 'node.restart')).toHaveLength(1);
  });

  it('drops messages addressed to a crashed node, with the reason in the trace', () => {
    const sim = makeSim();
    sim.crash(1);
    sim.runUntilTime(300);
    expect(sim.trace.events().some((e) => e.type === 'msg.drop' && e.to === 1 && e.reason === 'crashed')).toBe(true);
  });

  it('steps one event, until a time, until a predicate, each with a limit', () => {
    const sim = makeSim();
    expect(sim.step()).toBe(true);
    expect(sim.eventCount).toBe(1);
    const limited = sim.runUntil(() => false, { maxEvents: 5 });
    expect(limited).toMatchObject({ reason: 'event-limit', events: 5 });
    const reached = sim.runUntil(() => Pinger.received.length >= 4);
    expect(reached.reason).toBe('reached');
    expect(Pinger.received.length).toBe(4);
    const timed = sim.runUntil(() => false, { maxTimeMs: 800 });
    expect(timed.reason).toBe('time-limit');
    expect(sim.nextEventTime()!).toBeGreaterThan(800);
  });

  it('lets a Byzantine hook withhold or rewrite what a node sends', () => {
    const sim = makeSim();
    sim.setOutboundHook(0, (to, message) => (to === 1 ? [] : [{ ...message, n: 999 }]));
    sim.runUntilTime(300);
    expect(Pinger.received.filter((r) => r.node === 1)).toEqual([]);
    expect(Pinger.received.filter((r) => r.node === 2).every((r) => r.n === 999)).toBe(true);
    expect(sim.trace.events().some((e) => e.type === 'msg.drop' && e.reason === 'byzantine')).toBe(true);
  });

  it('keeps a bounded window of events in memory while the hash covers all', () => {
    Pinger.received = [];
    const full = new Simulator<Ping>({ seed: 1, nodes: 3 }, (ctx) => new Pinger(ctx));
    const windowed = new Simulator<Ping>({ seed: 1, nodes: 3, traceRetain: 50 }, (ctx) => new Pinger(ctx));
    full.start();
    windowed.start();
    full.runUntilTime(5_000);
    windowed.runUntilTime(5_000);
    expect(windowed.trace.events().length).toBeLessThanOrEqual(50);
    expect(windowed.trace.length).toBe(full.trace.length);
    expect(windowed.trace.hash()).toBe(full.trace.hash());
  });
});
