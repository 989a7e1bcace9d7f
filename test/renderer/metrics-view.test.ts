/** The metrics view's text: what each chart's summary and the totals table say. */
import { describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import { attachMetrics } from '../../engine/api/metrics.ts';
import { CHARTS, chartData, describeChart, formatValue, summaries, summarize, totalsRows } from '../../renderer/views/metrics/metrics-view.ts';

describe('metrics view text', () => {
  it('summarizes a series: latest, mean, range, points', () => {
    expect(summarize([])).toEqual({ points: 0, latest: null, mean: null, min: null, max: null });
    expect(summarize([2, 4, 9])).toEqual({ points: 3, latest: 9, mean: 5, min: 2, max: 9 });
  });

  it('formats values with their unit, and a dash when there is none', () => {
    expect(formatValue(1.234, { unit: 's', decimals: 2 })).toBe('1.23 s');
    expect(formatValue(12.5, { unit: '%', decimals: 1 })).toBe('12.5 %');
    expect(formatValue(null, { unit: 's', decimals: 2 })).toBe('–');
  });

  it('plots seconds of virtual time against each chart unit, and says the same in words', () => {
    const net = new Network({ protocol: 'poa', nodes: 3, seed: 1 });
    const { collector } = attachMetrics(net.trace);
    net.runUntilHeight(4);
    const report = collector.report();
    const interval = CHARTS.find((c) => c.key === 'blockIntervalMs')!;
    const [x, y] = chartData(report.blockIntervalMs, interval);
    expect(x).toEqual(report.blockIntervalMs.t.map((t) => t / 1000));
    expect(y.every((v) => v === 1)).toBe(true); // one block per 1 s slot
    const sums = summaries(report);
    expect(describeChart(interval, sums.blockIntervalMs)).toMatch(/^Block interval over virtual time, \d+ points: latest 1\.00 s, mean 1\.00 s/);
    const orphan = CHARTS.find((c) => c.key === 'orphanRate')!;
    expect(formatValue(sums.orphanRate.latest, orphan)).toBe('0.0 %');
    const rows = Object.fromEntries(totalsRows(report.totals));
    expect(rows['Blocks produced']).toBe(String(report.totals.blocksProduced));
    expect(rows['Messages by type']).toMatch(/^block \d+$/);
  });
});
