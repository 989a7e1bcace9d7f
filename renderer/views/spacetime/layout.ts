/**
 * The space-time diagram without a DOM: which trace events become arrows and lane marks (a send
 * paired with its delivery or drop by message id), and the geometry that puts them on a canvas
 * (time → x, node → lane → y, hit testing, time ticks). SpaceTime.svelte only draws what this
 * returns; test/renderer/spacetime-layout.test.ts checks it.
 */
import type { DropReason, NodeId, TraceEvent } from '../../../engine/api/metrics.ts';

export type ArrowStatus = 'flight' | 'delivered' | 'dropped';

/** One message on the wire: from the sender's lane at `sentAt` to the receiver's lane at `endAt`. */
export interface MessageArrow {
  id: number;
  msg: string;
  from: NodeId;
  to: NodeId;
  sentAt: number;
  /** Scheduled delivery time while in flight; then when it was delivered or dropped. */
  endAt: number;
  status: ArrowStatus;
  reason?: DropReason;
  /** Trace index of the send (of the drop, for a message dropped as it was sent). */
  sendIndex: number;
  /** Trace index of the delivery or drop; -1 while in flight. */
  endIndex: number;
  /** Dropped before it left the sender (loss, partition at send, full queue, Byzantine). */
  droppedAtSend: boolean;
}

export type MarkKind = 'propose' | 'finalize' | 'orphan' | 'reorg' | 'role' | 'crash' | 'restart';

/** Something that happened on one node, drawn on its lane. */
export interface LaneMark {
  kind: MarkKind;
  node: NodeId;
  t: number;
  index: number;
  label: string;
}

/**
 * Arrows and marks of the recent trace, kept in trace order (so sorted by time) and bounded.
 * Feed it batches with `ingest`; a batch that starts at or before an index already seen (a new
 * session, or a rewind) first drops everything from that index on.
 */
export class SpaceTimeModel {
  readonly arrows: MessageArrow[] = [];
  readonly marks: LaneMark[] = [];
  /** Message types seen, in first-seen order. */
  readonly types = new Set<string>();
  /** Longest time any arrow spans, for windowed lookups. */
  maxSpanMs = 0;
  lastIndex = -1;
  private readonly pending = new Map<number, MessageArrow[]>();
  private readonly roles = new Map<NodeId, string>();

  constructor(private readonly limit = 20_000) {}

  reset(): void {
    this.arrows.length = 0;
    this.marks.length = 0;
    this.types.clear();
    this.pending.clear();
    this.roles.clear();
    this.maxSpanMs = 0;
    this.lastIndex = -1;
  }

  ingest(events: readonly TraceEvent[]): void {
    for (const event of events) {
      if (event.i <= this.lastIndex) this.truncate(event.i);
      this.lastIndex = event.i;
      this.add(event);
    }
    this.trim();
  }

  /** Forget everything that happened at trace index `from` or later. */
  truncate(from: number): void {
    while (this.arrows.length > 0 && this.arrows.at(-1)!.sendIndex >= from) this.arrows.pop();
    while (this.marks.length > 0 && this.marks.at(-1)!.index >= from) this.marks.pop();
    this.pending.clear();
    for (const arrow of this.arrows) {
      if (arrow.endIndex >= from) {
        arrow.status = 'flight';
        arrow.endIndex = -1;
        delete arrow.reason;
      }
      if (arrow.status === 'flight' && !arrow.droppedAtSend) this.queue(arrow);
    }
    // Roles are rebuilt from the marks still held (a role mark is kept only on a change).
    this.roles.clear();
    for (const mark of this.marks) if (mark.kind === 'role') this.roles.set(mark.node, mark.label);
    this.lastIndex = from - 1;
  }

  private queue(arrow: MessageArrow): void {
    const list = this.pending.get(arrow.id);
    if (list) list.push(arrow);
    else this.pending.set(arrow.id, [arrow]);
  }

  /** The in-flight arrow a delivery or drop of message `id` at time `t` ends (a duplicate may share the id). */
  private resolve(id: number, t: number): MessageArrow | undefined {
    const list = this.pending.get(id);
    if (!list) return undefined;
    let at = list.findIndex((a) => a.endAt === t);
    if (at < 0) at = 0;
    const [arrow] = list.splice(at, 1);
    if (list.length === 0) this.pending.delete(id);
    return arrow;
  }

  private add(event: TraceEvent): void {
    switch (event.type) {
      case 'msg.send': {
        const arrow: MessageArrow = { id: event.id, msg: event.msg, from: event.from, to: event.to, sentAt: event.t, endAt: event.deliverAtMs, status: 'flight', sendIndex: event.i, endIndex: -1, droppedAtSend: false };
        this.arrows.push(arrow);
        this.queue(arrow);
        this.types.add(event.msg);
        this.maxSpanMs = Math.max(this.maxSpanMs, event.deliverAtMs - event.t);
        return;
      }
      case 'msg.deliver':
      case 'msg.drop': {
        const arrow = this.resolve(event.id, event.t);
        if (arrow) {
          arrow.endAt = event.t;
          arrow.endIndex = event.i;
          arrow.status = event.type === 'msg.deliver' ? 'delivered' : 'dropped';
          if (event.type === 'msg.drop') arrow.reason = event.reason;
          this.maxSpanMs = Math.max(this.maxSpanMs, event.t - arrow.sentAt);
        } else if (event.type === 'msg.drop') {
          this.arrows.push({ id: event.id, msg: event.msg, from: event.from, to: event.to, sentAt: event.t, endAt: event.t, status: 'dropped', reason: event.reason, sendIndex: event.i, endIndex: event.i, droppedAtSend: true });
          this.types.add(event.msg);
        }
        return;
      }
      case 'block.propose':
        this.mark('propose', event.node, event, `#${event.height}`);
        return;
      case 'block.finalize':
        this.mark('finalize', event.node, event, `final #${event.height}`);
        return;
      case 'block.orphan':
        this.mark('orphan', event.node, event, `orphaned #${event.height}`);
        return;
      case 'block.head':
        if (event.reorgDepth > 0) this.mark('reorg', event.node, event, `reorg ${event.reorgDepth} → #${event.height}`);
        return;
      case 'node.role': {
        const label = roleLabel(event.role);
        if (this.roles.get(event.node) === label) return;
        this.roles.set(event.node, label);
        this.mark('role', event.node, event, label);
        return;
      }
      case 'node.crash':
        this.roles.delete(event.node);
        this.mark('crash', event.node, event, 'crashed');
        return;
      case 'node.restart':
        this.mark('restart', event.node, event, 'restarted');
        return;
      default:
        return;
    }
  }

  private mark(kind: MarkKind, node: NodeId, event: TraceEvent, label: string): void {
    this.marks.push({ kind, node, t: event.t, index: event.i, label });
  }

  /** Keep at most `limit` arrows and marks: the oldest quarter goes at once. */
  private trim(): void {
    if (this.arrows.length > this.limit) {
      const gone = this.arrows.splice(0, Math.max(1, Math.floor(this.limit / 4)) + this.arrows.length - this.limit);
      for (const arrow of gone) if (arrow.status === 'flight') this.pending.delete(arrow.id);
    }
    if (this.marks.length > this.limit) this.marks.splice(0, Math.max(1, Math.floor(this.limit / 4)) + this.marks.length - this.limit);
  }

  /** Earliest time held (where scrolling back stops). */
  earliestMs(): number {
    const a = this.arrows[0]?.sentAt ?? Number.POSITIVE_INFINITY;
    const m = this.marks[0]?.t ?? Number.POSITIVE_INFINITY;
    const earliest = Math.min(a, m);
    return Number.isFinite(earliest) ? earliest : 0;
  }

  /** Arrows that cross the time window [t0, t1] and had been sent by `nowMs`, in send order. */
  arrowsIn(t0: number, t1: number, nowMs: number = Number.POSITIVE_INFINITY): MessageArrow[] {
    const out: MessageArrow[] = [];
    const last = Math.min(t1, nowMs);
    for (let k = firstAtOrAfter(this.arrows, t0 - this.maxSpanMs, (a) => a.sentAt); k < this.arrows.length; k++) {
      const arrow = this.arrows[k]!;
      if (arrow.sentAt > last) break;
      if (arrow.endAt >= t0) out.push(arrow);
    }
    return out;
  }

  marksIn(t0: number, t1: number, nowMs: number = Number.POSITIVE_INFINITY): LaneMark[] {
    const out: LaneMark[] = [];
    const last = Math.min(t1, nowMs);
    for (let k = firstAtOrAfter(this.marks, t0, (m) => m.t); k < this.marks.length; k++) {
      const mark = this.marks[k]!;
      if (mark.t > last) break;
      out.push(mark);
    }
    return out;
  }

  /** Periods each node was down (crash → restart, or → `nowMs`) that overlap [t0, t1]. */
  downtime(t0: number, t1: number, nowMs: number): { node: NodeId; from: number; to: number }[] {
    const open = new Map<NodeId, number>();
    const out: { node: NodeId; from: number; to: number }[] = [];
    for (const mark of this.marks) {
      if (mark.t > nowMs) break;
      if (mark.kind === 'crash') open.set(mark.node, mark.t);
      else if (mark.kind === 'restart') {
        const from = open.get(mark.node);
        if (from !== undefined) {
          if (mark.t >= t0 && from <= t1) out.push({ node: mark.node, from, to: mark.t });
          open.delete(mark.node);
        }
      }
    }
    for (const [node, from] of open) if (from <= t1) out.push({ node, from, to: nowMs });
    return out.sort((a, b) => a.node - b.node || a.from - b.from);
  }
}

/** 'byzantine:equivocate' → 'byzantine (equivocate)'. */
export function roleLabel(role: string): string {
  const [head, detail] = role.split(':', 2);
  return detail ? `${head} (${detail})` : role;
}

/** Index of the first item whose key is >= `value` in a list sorted by that key. */
export function firstAtOrAfter<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where the diagram is looking: a window of `spanMs` ending at `endMs`, drawn into a plot area. */
export interface Viewport {
  /** Plot area in CSS pixels (the lane labels are left of `left`). */
  left: number;
  top: number;
  width: number;
  laneHeight: number;
  lanes: number;
  endMs: number;
  spanMs: number;
}

export const SPAN_MIN_MS = 50;
export const SPAN_MAX_MS = 600_000;

export function clampSpan(spanMs: number): number {
  return Math.min(SPAN_MAX_MS, Math.max(SPAN_MIN_MS, spanMs));
}

export function startMs(vp: Viewport): number {
  return vp.endMs - vp.spanMs;
}

export function msPerPx(vp: Viewport): number {
  return vp.spanMs / Math.max(1, vp.width);
}

export function timeToX(vp: Viewport, t: number): number {
  return vp.left + (t - startMs(vp)) / msPerPx(vp);
}

export function xToTime(vp: Viewport, x: number): number {
  return startMs(vp) + (x - vp.left) * msPerPx(vp);
}

export function laneY(vp: Viewport, lane: number): number {
  return vp.top + (lane + 0.5) * vp.laneHeight;
}

/** The lane under y, or -1. */
export function laneAt(vp: Viewport, y: number): number {
  const lane = Math.floor((y - vp.top) / vp.laneHeight);
  return lane >= 0 && lane < vp.lanes ? lane : -1;
}

/** Lane height for `lanes` nodes: roomy for a classroom network, compressed for fifty. */
export function laneHeightFor(lanes: number, presenting: boolean, maxPlotHeight = 420): number {
  const roomy = presenting ? 46 : 34;
  if (lanes <= 0) return roomy;
  return Math.max(6, Math.min(roomy, Math.floor(maxPlotHeight / lanes)));
}

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The message has arrived (or been dropped) by now: draw its head or its cross. */
  ended: boolean;
}

/** Length in px of the stub drawn for a message dropped as it was sent. */
export const DROP_STUB_PX = 14;

/**
 * Where an arrow is at virtual time `nowMs`: from the sender's lane at the send time towards the
 * receiver's lane, as far as the message has got (a message in flight is a growing line).
 * Null before it was sent.
 */
export function arrowSegment(vp: Viewport, arrow: MessageArrow, nowMs: number): Segment | null {
  if (arrow.sentAt > nowMs) return null;
  const x1 = timeToX(vp, arrow.sentAt);
  const y1 = laneY(vp, arrow.from);
  const yTo = laneY(vp, arrow.to);
  if (arrow.droppedAtSend) return { x1, y1, x2: x1 + DROP_STUB_PX, y2: y1 + (yTo - y1) * 0.3, ended: true };
  const span = arrow.endAt - arrow.sentAt;
  const reached = Math.min(arrow.endAt, nowMs);
  const fraction = span <= 0 ? 1 : (reached - arrow.sentAt) / span;
  return { x1, y1, x2: timeToX(vp, reached), y2: y1 + (yTo - y1) * fraction, ended: nowMs >= arrow.endAt && arrow.status !== 'flight' };
}

/** Distance from (px, py) to the segment (x1, y1)–(x2, y2). */
export function distanceToSegment(px: number, py: number, s: Segment): number {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const length2 = dx * dx + dy * dy;
  const u = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - s.x1) * dx + (py - s.y1) * dy) / length2));
  return Math.hypot(px - (s.x1 + u * dx), py - (s.y1 + u * dy));
}

/** The arrow nearest (x, y) within `tolerancePx`, or null. Later arrows win ties (drawn on top). */
export function hitArrow(vp: Viewport, arrows: readonly MessageArrow[], nowMs: number, x: number, y: number, tolerancePx = 6): MessageArrow | null {
  let best: MessageArrow | null = null;
  let bestDistance = tolerancePx;
  for (const arrow of arrows) {
    const segment = arrowSegment(vp, arrow, nowMs);
    if (!segment) continue;
    const d = distanceToSegment(x, y, segment);
    if (d <= bestDistance) {
      best = arrow;
      bestDistance = d;
    }
  }
  return best;
}

/** Round tick times (1, 2 or 5 × a power of ten ms) across [t0, t1], at most about `count`. */
export function timeTicks(t0: number, t1: number, count: number): { step: number; ticks: number[] } {
  const span = Math.max(1e-9, t1 - t0);
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) ticks.push(Number(t.toFixed(6)));
  return { step, ticks };
}

/** A virtual time for a tick or a tooltip: seconds with as many decimals as the step needs. */
export function formatTime(t: number, stepMs = 1): string {
  const decimals = stepMs >= 1000 ? 0 : stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
  return `${(t / 1000).toFixed(decimals)} s`;
}

/** Plain words for one arrow: what the tooltip, the detail panel and screen readers say. */
export function describeArrow(arrow: MessageArrow, label: string): string {
  const sent = `sent ${formatTime(arrow.sentAt)}`;
  const what = `${label} from node ${arrow.from} to node ${arrow.to}`;
  if (arrow.droppedAtSend) return `${what}, dropped as it was sent at ${formatTime(arrow.sentAt)} (${dropWords(arrow.reason)})`;
  if (arrow.status === 'flight') return `${what}, ${sent}, in flight (due ${formatTime(arrow.endAt)})`;
  const latency = `${Math.round(arrow.endAt - arrow.sentAt)} ms`;
  if (arrow.status === 'dropped') return `${what}, ${sent}, dropped at ${formatTime(arrow.endAt)} after ${latency} (${dropWords(arrow.reason)})`;
  return `${what}, ${sent}, delivered ${formatTime(arrow.endAt)} (${latency})`;
}

export function dropWords(reason: DropReason | undefined): string {
  switch (reason) {
    case 'loss':
      return 'lost on the link';
    case 'partition':
      return 'the link is cut by a partition';
    case 'crashed':
      return 'the receiver was down';
    case 'queue-full':
      return 'the link queue was full';
    case 'byzantine':
      return 'withheld by a Byzantine sender';
    default:
      return 'dropped';
  }
}
