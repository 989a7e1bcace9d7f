/**
 * Network metrics computed from the trace alone: block interval, time to finality, messages per
 * block, committed throughput and orphan rate, as series over virtual time plus totals.
 *
 * A {@link MetricsCollector} is fed trace events one at a time (subscribe it to a Network's
 * trace, or give it a recorded trace), so the same numbers come out in the CLI, in tests and,
 * incrementally, in the studio's worker. It reads nothing but the events, in order, so the result
 * is as deterministic as the trace. It keeps a few numbers per height and per block hash; no
 * event is stored.
 *
 * Definitions (every time is virtual, in ms):
 * - A height is *reached* when the first node's head gets to it (`block.head`). Block interval of
 *   height h = reached(h) − reached(h − 1), with reached(0) = 0.
 * - Messages per block of height h = `msg.send` events after height h − 1 was reached, up to and
 *   including the event that reached h (split evenly when one head change reaches several heights).
 * - A height is *final* when the first node finalizes it (`block.finalize` at that height or
 *   above: finality covers the chain below). For proof of work that is k confirmations.
 *   Time to finality of height h = final(h) − when the finalized block at h was proposed. The
 *   block is the one `block.finalize` names; for heights a finalization covered without naming
 *   them, the earliest proposal at that height that was never orphaned.
 * - Throughput = transactions in blocks that became final during the last `windowMs`, per second.
 * - Orphan rate = blocks orphaned (taken off some node's canonical chain, `block.orphan`) divided
 *   by blocks produced (distinct hashes of `block.propose`).
 */
import type { TraceEvent } from '../sim/events.ts';

export type { DropReason, NodeId, TraceEvent } from '../sim/events.ts';

/** One metric over virtual time: `t[i]` (ms) is when the value `value[i]` was observed. */
export interface MetricSeries {
  t: number[];
  value: number[];
  /** The height each point is about, for per-block series (same length as `t`). */
  height?: number[];
}

export interface MetricsTotals {
  /** Index of the first trace event the collector saw. */
  fromEvent: number;
  /** The collector started after time 0: heights and finality count from what it first saw. */
  partial: boolean;
  events: number;
  /** Virtual time of the latest event. */
  nowMs: number;
  /** Highest height any node's head reached, and highest height any node finalized. */
  height: number;
  finalizedHeight: number;
  blocksProduced: number;
  blocksOrphaned: number;
  /** blocksOrphaned / blocksProduced (0 before the first block). */
  orphanRate: number;
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  /** Sends per message type, keys sorted. */
  messagesByType: Record<string, number>;
  txsSubmitted: number;
  /** Transactions in final blocks. */
  txsCommitted: number;
  /** Means over the series (null before there is a point). */
  meanBlockIntervalMs: number | null;
  meanFinalityMs: number | null;
  meanMessagesPerBlock: number | null;
  /** txsCommitted per second of virtual time up to the latest finalization (null before one). */
  meanThroughputTps: number | null;
}

export interface MetricsReport {
  blockIntervalMs: MetricSeries;
  finalityMs: MetricSeries;
  messagesPerBlock: MetricSeries;
  throughputTps: MetricSeries;
  /** Fraction 0..1. */
  orphanRate: MetricSeries;
  totals: MetricsTotals;
}

export interface MetricsOptions {
  /** Sliding window of the throughput series (default 10 000 ms). */
  windowMs?: number;
}

interface Proposal {
  hash: string;
  t: number;
  txs: number;
}

function series(withHeight: boolean): MetricSeries {
  return withHeight ? { t: [], value: [], height: [] } : { t: [], value: [] };
}

function push(s: MetricSeries, t: number, value: number, height?: number): void {
  s.t.push(t);
  s.value.push(value);
  if (s.height && height !== undefined) s.height.push(height);
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Keep the newest `max` points of a series (the view does not need a whole day of points). */
function tail(s: MetricSeries, max: number): MetricSeries {
  if (s.t.length <= max) return { t: [...s.t], value: [...s.value], ...(s.height ? { height: [...s.height] } : {}) };
  const from = s.t.length - max;
  return { t: s.t.slice(from), value: s.value.slice(from), ...(s.height ? { height: s.height.slice(from) } : {}) };
}

export class MetricsCollector {
  private readonly windowMs: number;
  private firstIndex = -1;
  /** The first event seen was not the trace's first: heights and finality start from a baseline. */
  private attachedLate = false;
  private seenHead = false;
  private seenFinal = false;
  private startMs = 0;
  private count = 0;
  private nowMs = 0;

  private reachedHeight = 0;
  private reachedAtMs = 0;
  private sendsSinceHeight = 0;
  private finalHeight = 0;

  /** Proposals per height (usually one). */
  private readonly proposals = new Map<number, Proposal[]>();
  private readonly produced = new Set<string>();
  private readonly orphaned = new Set<string>();

  private sent = 0;
  private delivered = 0;
  private dropped = 0;
  private readonly byType = new Map<string, number>();
  private readonly submitted = new Set<string>();
  private committed = 0;
  private lastFinalMs = 0;
  /** Final blocks inside the throughput window: [time, txs], oldest first; `windowStart` is the oldest still counted. */
  private readonly finalTxs: [number, number][] = [];
  private windowStart = 0;
  private windowTxs = 0;

  private readonly blockInterval = series(true);
  private readonly finality = series(true);
  private readonly messages = series(true);
  private readonly throughput = series(false);
  private readonly orphanRate = series(false);

  constructor(options: MetricsOptions = {}) {
    this.windowMs = options.windowMs ?? 10_000;
  }

  /** Feed one event; events must come in trace order. */
  add(event: TraceEvent): void {
    if (this.firstIndex < 0) {
      this.firstIndex = event.i;
      // Events at time 0 (nodes starting) are not worth calling the metrics partial for.
      this.attachedLate = event.t > 0;
      this.startMs = this.attachedLate ? event.t : 0;
    }
    this.count++;
    this.nowMs = event.t;
    switch (event.type) {
      case 'msg.send':
        this.sent++;
        this.sendsSinceHeight++;
        this.byType.set(event.msg, (this.byType.get(event.msg) ?? 0) + 1);
        break;
      case 'msg.deliver':
        this.delivered++;
        break;
      case 'msg.drop':
        this.dropped++;
        break;
      case 'tx.submit':
        this.submitted.add(event.tx);
        break;
      case 'block.propose':
        this.onPropose(event.t, event.height, event.hash, event.txs);
        break;
      case 'block.head':
        this.onHead(event.t, event.height);
        break;
      case 'block.orphan':
        if (!this.orphaned.has(event.hash)) {
          this.orphaned.add(event.hash);
          this.pushOrphanRate(event.t);
        }
        break;
      case 'block.finalize':
        this.onFinalize(event.t, event.height, event.hash);
        break;
      default:
        break;
    }
  }

  addAll(events: Iterable<TraceEvent>): this {
    for (const event of events) this.add(event);
    return this;
  }

  private onPropose(t: number, height: number, hash: string, txs: number): void {
    if (this.produced.has(hash)) return;
    this.produced.add(hash);
    const list = this.proposals.get(height);
    if (list) list.push({ hash, t, txs });
    else this.proposals.set(height, [{ hash, t, txs }]);
    this.pushOrphanRate(t);
  }

  private pushOrphanRate(t: number): void {
    push(this.orphanRate, t, this.produced.size === 0 ? 0 : this.orphaned.size / this.produced.size);
  }

  private onHead(t: number, height: number): void {
    if (height <= this.reachedHeight) return;
    if (this.attachedLate && !this.seenHead) {
      // Attached mid-run: this head is the baseline, not a block we saw being made.
      this.seenHead = true;
      this.reachedHeight = height;
      this.reachedAtMs = t;
      this.sendsSinceHeight = 0;
      return;
    }
    // A head change that reaches several heights at once (a sync) has no per-block timing: the
    // first new height takes the whole gap and the rest 0, so the mean still counts it once.
    const gained = height - this.reachedHeight;
    for (let h = this.reachedHeight + 1; h <= height; h++) {
      push(this.blockInterval, t, h === this.reachedHeight + 1 ? t - this.reachedAtMs : 0, h);
      push(this.messages, t, this.sendsSinceHeight / gained, h);
    }
    this.reachedHeight = height;
    this.reachedAtMs = t;
    this.sendsSinceHeight = 0;
  }

  private onFinalize(t: number, height: number, hash: string): void {
    if (height <= this.finalHeight) return;
    if (this.attachedLate && !this.seenFinal) {
      this.seenFinal = true;
      this.finalHeight = height;
      return;
    }
    let txs = 0;
    for (let h = this.finalHeight + 1; h <= height; h++) {
      const block = this.finalizedBlockAt(h, h === height ? hash : undefined);
      if (!block) continue; // proposed before the collector was attached
      txs += block.txs;
      push(this.finality, t, t - block.t, h);
    }
    this.finalHeight = height;
    this.committed += txs;
    this.lastFinalMs = t;
    this.finalTxs.push([t, txs]);
    this.windowTxs += txs;
    while (this.windowStart < this.finalTxs.length && this.finalTxs[this.windowStart]![0] <= t - this.windowMs) {
      this.windowTxs -= this.finalTxs[this.windowStart]![1];
      this.windowStart++;
    }
    if (this.windowStart > 1_024) {
      this.finalTxs.splice(0, this.windowStart);
      this.windowStart = 0;
    }
    const span = Math.min(this.windowMs, t);
    push(this.throughput, t, span > 0 ? (this.windowTxs * 1000) / span : 0);
  }

  private finalizedBlockAt(height: number, named: string | undefined): Proposal | undefined {
    const list = this.proposals.get(height);
    if (!list) return undefined;
    if (named !== undefined) return list.find((p) => p.hash === named);
    return list.find((p) => !this.orphaned.has(p.hash)) ?? list[0];
  }

  /** Totals so far. */
  totals(): MetricsTotals {
    const byType: Record<string, number> = {};
    for (const key of [...this.byType.keys()].sort()) byType[key] = this.byType.get(key)!;
    const produced = this.produced.size;
    return {
      fromEvent: Math.max(0, this.firstIndex),
      partial: this.attachedLate,
      events: this.count,
      nowMs: this.nowMs,
      height: this.reachedHeight,
      finalizedHeight: this.finalHeight,
      blocksProduced: produced,
      blocksOrphaned: this.orphaned.size,
      orphanRate: produced === 0 ? 0 : this.orphaned.size / produced,
      messagesSent: this.sent,
      messagesDelivered: this.delivered,
      messagesDropped: this.dropped,
      messagesByType: byType,
      txsSubmitted: this.submitted.size,
      txsCommitted: this.committed,
      meanBlockIntervalMs: mean(this.blockInterval.value),
      meanFinalityMs: mean(this.finality.value),
      meanMessagesPerBlock: mean(this.messages.value),
      meanThroughputTps: this.lastFinalMs > this.startMs ? (this.committed * 1000) / (this.lastFinalMs - this.startMs) : null,
    };
  }

  /** Every series (newest `maxPoints` points of each) and the totals, as plain data. */
  report(maxPoints = Number.POSITIVE_INFINITY): MetricsReport {
    return {
      blockIntervalMs: tail(this.blockInterval, maxPoints),
      finalityMs: tail(this.finality, maxPoints),
      messagesPerBlock: tail(this.messages, maxPoints),
      throughputTps: tail(this.throughput, maxPoints),
      orphanRate: tail(this.orphanRate, maxPoints),
      totals: this.totals(),
    };
  }
}

/** What a collector needs of a trace (engine/sim/trace.ts's Trace). */
export interface TraceSource {
  events(): readonly TraceEvent[];
  subscribe(listener: (event: TraceEvent) => void): () => void;
}

/**
 * A collector fed everything the trace still holds, then every new event as it is appended.
 * Returns it with the function that stops it listening.
 */
export function attachMetrics(trace: TraceSource, options: MetricsOptions = {}): { collector: MetricsCollector; detach: () => void } {
  const collector = new MetricsCollector(options).addAll(trace.events());
  const detach = trace.subscribe((event) => collector.add(event));
  return { collector, detach };
}

/** Metrics of a recorded trace. */
export function metricsOf(events: Iterable<TraceEvent>, options: MetricsOptions = {}): MetricsReport {
  return new MetricsCollector(options).addAll(events).report();
}

function ms(value: number | null): string {
  if (value === null) return 'n/a';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** A few lines for the CLI (`ledgerlab run --metrics`). */
export function formatMetrics(totals: MetricsTotals): string {
  const types = Object.entries(totals.messagesByType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  return [
    `Metrics${totals.partial ? ` (from trace event ${totals.fromEvent}; earlier events were not seen)` : ''}:`,
    `  blocks: ${totals.blocksProduced} produced, height ${totals.height}, final ${totals.finalizedHeight}, ${totals.blocksOrphaned} orphaned (orphan rate ${(totals.orphanRate * 100).toFixed(1)} %)`,
    `  block interval: mean ${ms(totals.meanBlockIntervalMs)}`,
    `  time to finality: mean ${ms(totals.meanFinalityMs)}`,
    `  messages: ${totals.messagesSent} sent, ${totals.messagesDelivered} delivered, ${totals.messagesDropped} dropped; ${totals.meanMessagesPerBlock === null ? 'n/a' : totals.meanMessagesPerBlock.toFixed(1)} per block`,
    `  by type: ${types || 'none'}`,
    `  throughput: ${totals.txsCommitted} of ${totals.txsSubmitted} submitted transactions final, ${totals.meanThroughputTps === null ? 'n/a' : totals.meanThroughputTps.toFixed(2)} tx/s`,
  ].join('\n');
}
