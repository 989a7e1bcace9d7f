/**
 * What the metrics view shows, as data: one chart per metric (title, unit, colour, how to turn
 * the engine's series into plotted values) and the plain-text summary next to each chart, so
 * screen readers and tests read the same numbers the chart draws. No DOM here.
 */
import type { MetricSeries, MetricsReport, MetricsTotals } from '../../../engine/api/metrics.ts';

export type MetricKey = 'blockIntervalMs' | 'finalityMs' | 'messagesPerBlock' | 'throughputTps' | 'orphanRate';

export interface ChartSpec {
  key: MetricKey;
  title: string;
  /** Unit of the plotted values, short (next to numbers). */
  unit: string;
  /** The y axis label. */
  axisLabel: string;
  /** Engine value → plotted value (ms → s, fraction → %). */
  scale: number;
  /** Okabe–Ito variable from styles.css. */
  colourVar: string;
  decimals: number;
  /** One sentence: what the number means. */
  explains: string;
  /** What has to happen before there is a first point. */
  firstAfter: string;
}

export const CHARTS: readonly ChartSpec[] = [
  { key: 'blockIntervalMs', title: 'Block interval', unit: 's', axisLabel: 'seconds', scale: 1 / 1000, colourVar: '--c-blue', decimals: 2, explains: 'Time from one height to the next, when the first node reached it.', firstAfter: 'the first block' },
  { key: 'finalityMs', title: 'Time to finality', unit: 's', axisLabel: 'seconds', scale: 1 / 1000, colourVar: '--c-vermillion', decimals: 2, explains: 'From a block’s proposal until a node first treats it as final (proof of work: k confirmations).', firstAfter: 'the first block becomes final' },
  { key: 'messagesPerBlock', title: 'Messages per block', unit: 'messages', axisLabel: 'messages', scale: 1, colourVar: '--c-green', decimals: 1, explains: 'Messages sent on the network while the chain grew by one block (transactions and consensus).', firstAfter: 'the first block' },
  { key: 'throughputTps', title: 'Throughput', unit: 'tx/s', axisLabel: 'tx per second', scale: 1, colourVar: '--c-purple', decimals: 2, explains: 'Transactions in blocks that became final over the last 10 s of virtual time, per second.', firstAfter: 'the first block becomes final' },
  { key: 'orphanRate', title: 'Orphan rate', unit: '%', axisLabel: 'percent of blocks', scale: 100, colourVar: '--c-orange', decimals: 1, explains: 'Blocks taken off a node’s chain by a reorganisation, out of all blocks produced.', firstAfter: 'the first block' },
];

/** uPlot's data: x in seconds of virtual time, y in the chart's unit. */
export function chartData(series: MetricSeries, spec: ChartSpec): [number[], number[]] {
  return [series.t.map((t) => t / 1000), series.value.map((v) => v * spec.scale)];
}

export interface Summary {
  points: number;
  latest: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { points: 0, latest: null, mean: null, min: null, max: null };
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { points: values.length, latest: values.at(-1)!, mean: sum / values.length, min, max };
}

/** A value with its unit, or a dash when there is none yet. */
export function formatValue(value: number | null, spec: Pick<ChartSpec, 'unit' | 'decimals'>): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const unit = spec.unit === '%' ? ' %' : ` ${spec.unit}`;
  return `${value.toFixed(spec.decimals)}${unit}`;
}

/** "6.0 – 24.0 messages": a range with its unit once. */
export function formatRange(min: number | null, max: number | null, spec: Pick<ChartSpec, 'unit' | 'decimals'>): string {
  if (min === null || max === null) return '–';
  if (min === max) return formatValue(min, spec);
  return `${min.toFixed(spec.decimals)} – ${formatValue(max, spec)}`;
}

/** The sentence a screen reader hears for a chart. */
export function describeChart(spec: ChartSpec, summary: Summary): string {
  if (summary.points === 0) return `${spec.title}: no data yet.`;
  return `${spec.title} over virtual time, ${summary.points} point${summary.points === 1 ? '' : 's'}: latest ${formatValue(summary.latest, spec)}, mean ${formatValue(summary.mean, spec)}, range ${formatRange(summary.min, summary.max, spec)}.`;
}

/** Summary of each chart, in chart order, from a report (values already in the chart's unit). */
export function summaries(report: MetricsReport): Record<MetricKey, Summary> {
  const out = {} as Record<MetricKey, Summary>;
  for (const spec of CHARTS) out[spec.key] = summarize(report[spec.key].value.map((v) => v * spec.scale));
  return out;
}

/** Rows of the totals table: label and value, ready to show. */
export function totalsRows(totals: MetricsTotals): [string, string][] {
  const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
  const types = Object.entries(totals.messagesByType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  return [
    ['Virtual time', seconds(totals.nowMs)],
    ['Height (final)', `${totals.height} (${totals.finalizedHeight})`],
    ['Blocks produced', String(totals.blocksProduced)],
    ['Orphaned', `${totals.blocksOrphaned} (${(totals.orphanRate * 100).toFixed(1)} %)`],
    ['Mean block interval', seconds(totals.meanBlockIntervalMs)],
    ['Mean time to finality', seconds(totals.meanFinalityMs)],
    ['Messages sent', `${totals.messagesSent} (${totals.messagesDelivered} delivered, ${totals.messagesDropped} dropped)`],
    ['Messages by type', types || '–'],
    ['Transactions final / submitted', `${totals.txsCommitted} / ${totals.txsSubmitted}`],
    ['Mean throughput', totals.meanThroughputTps === null ? '–' : `${totals.meanThroughputTps.toFixed(2)} tx/s`],
  ];
}
