/**
 * Metrics from the trace: each number is checked against a count made independently from the
 * same trace (or from the nodes' chains), for a small known run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import { attachMetrics, MetricsCollector, formatMetrics, metricsOf, type MetricsReport, type TraceEvent } from '../../engine/api/metrics.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../../engine/api/workload.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { main } from '../../engine/node/cli.ts';

beforeAll(() => useNativeCrypto());

/** A 4-authority PoA network with 40 transfers, run to height 8, with a collector attached from the start. */
function poaRun(seed = 5): { net: Network; live: MetricsReport; events: readonly TraceEvent[] } {
  const net = new Network({ protocol: 'poa', nodes: 4, seed, actors: [...WORKLOAD_ACTORS] });
  const { collector } = attachMetrics(net.trace);
  scheduleTransfers(net, { count: 40, startMs: 1, endMs: 6_000 });
  net.runUntilHeight(8, { maxEvents: 2_000_000 });
  return { net, live: collector.report(), events: net.trace.events() };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('metrics from a proof-of-authority run', () => {
  const run = (() => {
    let cached: ReturnType<typeof poaRun> | undefined;
    return () => (cached ??= poaRun());
  })();

  it('counts messages and blocks as the trace has them', () => {
    const { live, events } = run();
    const totals = live.totals;
    expect(totals.fromEvent).toBe(0);
    expect(totals.partial).toBe(false);
    expect(totals.events).toBe(events.length);
    expect(totals.messagesSent).toBe(events.filter((e) => e.type === 'msg.send').length);
    expect(totals.messagesDelivered).toBe(events.filter((e) => e.type === 'msg.deliver').length);
    expect(totals.messagesDropped).toBe(events.filter((e) => e.type === 'msg.drop').length);
    expect(sum(Object.values(totals.messagesByType))).toBe(totals.messagesSent);
    expect(Object.keys(totals.messagesByType)).toEqual(['block', 'tx']);
    const proposed = new Set(events.filter((e) => e.type === 'block.propose').map((e) => (e as { hash: string }).hash));
    expect(totals.blocksProduced).toBe(proposed.size);
    expect(totals.txsSubmitted).toBe(40);
  });

  it('block interval: one point per height, summing to when the top height was first reached', () => {
    const { live, events } = run();
    const heads = events.filter((e): e is Extract<TraceEvent, { type: 'block.head' }> => e.type === 'block.head');
    const top = Math.max(...heads.map((e) => e.height));
    const firstAtTop = heads.find((e) => e.height === top)!;
    expect(live.totals.height).toBe(top);
    expect(live.blockIntervalMs.height).toEqual(Array.from({ length: top }, (_, i) => i + 1));
    expect(sum(live.blockIntervalMs.value)).toBe(firstAtTop.t);
    // Aura: one block per 1 s slot, so every interval is a whole number of slots (here: one).
    for (const interval of live.blockIntervalMs.value) expect(interval % 1_000).toBe(0);
    expect(live.totals.meanBlockIntervalMs).toBe(firstAtTop.t / top);
  });

  it('messages per block add up to every send before the top height was reached', () => {
    const { live, events } = run();
    const top = live.totals.height;
    const reachedIndex = events.find((e) => e.type === 'block.head' && e.height === top)!.i;
    const sendsBefore = events.filter((e) => e.type === 'msg.send' && e.i < reachedIndex).length;
    expect(sum(live.messagesPerBlock.value)).toBe(sendsBefore);
    expect(live.messagesPerBlock.value.every((n) => n > 0)).toBe(true);
  });

  it('time to finality: first finalization of each height minus its proposal', () => {
    const { live, events } = run();
    const expected: number[] = [];
    let final = 0;
    for (const e of events) {
      if (e.type !== 'block.finalize' || e.height <= final) continue;
      for (let h = final + 1; h <= e.height; h++) {
        const proposal = events.find((p) => p.type === 'block.propose' && p.height === h)!;
        expected.push(e.t - proposal.t);
      }
      final = e.height;
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(live.finalityMs.value).toEqual(expected);
    expect(live.totals.finalizedHeight).toBe(final);
    // Aura finality needs two rounds of majority sealing: at least 2 × 3 slots after the block.
    for (const ms of live.finalityMs.value) expect(ms).toBeGreaterThanOrEqual(2_000);
  });

  it('committed transactions are those in the final blocks of the chain', () => {
    const { net, live } = run();
    const final = live.totals.finalizedHeight;
    expect(live.totals.txsCommitted).toBe(net.txsCommitted(0, final));
    expect(live.totals.txsCommitted).toBeGreaterThan(0);
    expect(live.throughputTps.value.length).toBe(new Set(live.finalityMs.t).size);
    expect(Math.max(...live.throughputTps.value)).toBeGreaterThan(0);
    const lastFinal = live.finalityMs.t.at(-1)!;
    expect(live.totals.meanThroughputTps).toBeCloseTo((live.totals.txsCommitted * 1000) / lastFinal, 10);
  });

  it('no orphans in an honest PoA run', () => {
    const { live } = run();
    expect(live.totals.blocksOrphaned).toBe(0);
    expect(live.orphanRate.value.every((r) => r === 0)).toBe(true);
  });

  it('the same as a batch over the recorded trace, and the same on a second run (deterministic)', () => {
    const { live, events } = run();
    expect(metricsOf(events)).toEqual(live);
    expect(poaRun().live).toEqual(live);
  });

  it('a collector attached mid-run starts from a baseline instead of inventing a huge first interval', () => {
    const { events, live } = run();
    const late = new MetricsCollector().addAll(events.slice(Math.floor(events.length / 2))).report();
    expect(late.totals.fromEvent).toBeGreaterThan(0);
    expect(late.totals.partial).toBe(true);
    expect(late.blockIntervalMs.value.length).toBeLessThan(live.blockIntervalMs.value.length);
    for (const interval of late.blockIntervalMs.value) expect(interval).toBeLessThanOrEqual(Math.max(...live.blockIntervalMs.value));
    expect(formatMetrics(late.totals)).toMatch(/from trace event \d+/);
  });

  it('report(maxPoints) keeps only the newest points', () => {
    const { live } = run();
    const collector = new MetricsCollector().addAll(run().events);
    const short = collector.report(3);
    expect(short.blockIntervalMs.value).toEqual(live.blockIntervalMs.value.slice(-3));
    expect(short.blockIntervalMs.height).toEqual(live.blockIntervalMs.height!.slice(-3));
    expect(short.totals).toEqual(live.totals);
  });
});

describe('metrics with forks (proof of work)', () => {
  it('orphan rate is distinct orphaned blocks over distinct blocks produced', () => {
    const net = new Network({ protocol: 'pow', nodes: 4, seed: 3, actors: [...WORKLOAD_ACTORS], link: { latencyMs: 300, jitterMs: 300 } });
    const { collector } = attachMetrics(net.trace);
    net.runUntilHeight(12, { maxEvents: 3_000_000 });
    const events = net.trace.events();
    const report = collector.report();
    const produced = new Set(events.filter((e) => e.type === 'block.propose').map((e) => (e as { hash: string }).hash));
    const orphaned = new Set(events.filter((e) => e.type === 'block.orphan').map((e) => (e as { hash: string }).hash));
    expect(report.totals.blocksProduced).toBe(produced.size);
    expect(report.totals.blocksOrphaned).toBe(orphaned.size);
    expect(report.totals.orphanRate).toBeCloseTo(orphaned.size / produced.size, 12);
    expect(report.orphanRate.value.at(-1)).toBeCloseTo(orphaned.size / produced.size, 12);
    // k-confirmation finality: each final block was proposed at least 6 blocks earlier.
    expect(report.finalityMs.value.length).toBeGreaterThan(0);
    for (const ms of report.finalityMs.value) expect(ms).toBeGreaterThan(0);
  });
});

describe('ledgerlab run --metrics', () => {
  it('prints the metrics summary after the run, and adds them to --json', async () => {
    const out: string[] = [];
    const code = await main(['run', '--nodes', '3', '--blocks', '5', '--txs', '20', '--metrics'], { out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/height 5 reached/);
    expect(text).toMatch(/block interval: mean \d/);
    expect(text).toMatch(/time to finality: mean \d/);
    const jsonOut: string[] = [];
    await main(['run', '--nodes', '3', '--blocks', '5', '--txs', '20', '--metrics', '--json'], { out: (t) => jsonOut.push(t), err: () => undefined });
    const report = JSON.parse(jsonOut.join(''));
    expect(report.metrics.height).toBeGreaterThanOrEqual(5);
    expect(report.metrics.txsSubmitted).toBe(20);
  });
});
