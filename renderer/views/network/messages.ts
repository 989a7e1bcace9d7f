/**
 * Messages on the wire, for the graph's animation: built from msg.send / msg.deliver / msg.drop
 * trace events, asked "what is in flight at virtual time t, and how far along its link". Events
 * arrive in batches ahead of the time being drawn (the display interpolates between frames), so
 * a message is kept until the drawing time passes its delivery, not removed when its deliver
 * event arrives. Everything is bounded: the number tracked, the drops remembered, the number
 * drawn.
 */
import type { TraceEvent } from '../../../engine/api/inspect.ts';

export interface FlyingMessage {
  id: number;
  from: number;
  to: number;
  msg: string;
  sentAt: number;
  deliverAt: number;
  /** Virtual time it left the wire early (dropped in flight), if it did. */
  endAt?: number;
}

export interface DropMark {
  from: number;
  to: number;
  msg: string;
  at: number;
  reason: string;
  /** Where along the link it was lost: near the sender when refused at once, else where it was. */
  progress: number;
}

export interface InFlight {
  message: FlyingMessage;
  /** 0 at the sender, 1 at the receiver. */
  progress: number;
}

/** At most this many messages are tracked; beyond it the oldest are forgotten. */
export const MAX_TRACKED = 50_000;
const MAX_DROPS = 2_000;
/** Where a message refused at send time (partition, loss, full queue) is marked. */
const REFUSED_AT = 0.15;

type MsgEvent = Extract<TraceEvent, { type: 'msg.send' | 'msg.deliver' | 'msg.drop' }>;

export class MessageTracker {
  private readonly flying = new Map<number, FlyingMessage>();
  private drops: DropMark[] = [];
  /** msg.send events taken in since the last reset. */
  sent = 0;
  dropped = 0;

  reset(): void {
    this.flying.clear();
    this.drops = [];
    this.sent = 0;
    this.dropped = 0;
  }

  get tracked(): number {
    return this.flying.size;
  }

  ingest(events: readonly TraceEvent[]): void {
    for (const event of events) {
      if (event.type !== 'msg.send' && event.type !== 'msg.deliver' && event.type !== 'msg.drop') continue;
      this.take(event);
    }
  }

  private take(event: MsgEvent): void {
    if (event.type === 'msg.send') {
      this.sent++;
      this.flying.set(event.id, { id: event.id, from: event.from, to: event.to, msg: event.msg, sentAt: event.t, deliverAt: Math.max(event.t, event.deliverAtMs) });
      if (this.flying.size > MAX_TRACKED) {
        const oldest = this.flying.keys().next();
        if (!oldest.done) this.flying.delete(oldest.value);
      }
      return;
    }
    const message = this.flying.get(event.id);
    if (event.type === 'msg.deliver') {
      if (message) message.endAt = Math.min(message.deliverAt, event.t);
      return;
    }
    this.dropped++;
    let progress = REFUSED_AT;
    if (message) {
      message.endAt = event.t;
      progress = progressAt(message, event.t);
    }
    this.drops.push({ from: event.from, to: event.to, msg: event.msg, at: event.t, reason: event.reason, progress });
    if (this.drops.length > MAX_DROPS) this.drops.splice(0, this.drops.length - MAX_DROPS);
  }

  /** Forget messages that have arrived (or been lost) by time t, and drops older than `lingerMs`. */
  prune(t: number, lingerMs: number): void {
    for (const [id, m] of this.flying) if ((m.endAt ?? m.deliverAt) <= t) this.flying.delete(id);
    if (this.drops.length > 0 && this.drops[0]!.at < t - lingerMs) this.drops = this.drops.filter((d) => d.at >= t - lingerMs);
  }

  /**
   * Messages on the wire at time t: the newest `cap` of them, and how many there are in all.
   * Messages sent after t (already known, not yet drawn) are not included.
   */
  inFlight(t: number, cap: number): { drawn: InFlight[]; total: number } {
    const visible: FlyingMessage[] = [];
    for (const m of this.flying.values()) if (m.sentAt <= t && (m.endAt ?? m.deliverAt) > t) visible.push(m);
    const total = visible.length;
    const kept = total > cap ? visible.slice(total - cap) : visible;
    return { drawn: kept.map((message) => ({ message, progress: progressAt(message, t) })), total };
  }

  /** Drops that happened in (t - lingerMs, t], newest last, at most `cap`. */
  recentDrops(t: number, lingerMs: number, cap: number): DropMark[] {
    const out = this.drops.filter((d) => d.at <= t && d.at > t - lingerMs);
    return out.length > cap ? out.slice(out.length - cap) : out;
  }
}

export function progressAt(message: FlyingMessage, t: number): number {
  const span = message.deliverAt - message.sentAt;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (t - message.sentAt) / span));
}
