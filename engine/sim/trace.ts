/**
 * The append-only trace: every observable thing that happens in a run, in order.
 *
 * Each event is fed, in canonical encoding, into one running sha256; the trace hash therefore
 * covers every event ever appended even when only the newest `retain` events are kept in memory
 * (large headless runs). Listeners receive events as they are appended (the UI batches them).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../core/encoding.ts';
import type { TraceEvent, TraceEventInput } from './events.ts';

export type TraceListener = (event: TraceEvent) => void;

export class Trace {
  private readonly hasher = sha256.create();
  private readonly kept: TraceEvent[] = [];
  private first = 0;
  private count = 0;
  private readonly listeners = new Set<TraceListener>();

  /** @param retain keep at most this many newest events in memory (the hash still covers all). */
  constructor(private readonly retain: number = Number.POSITIVE_INFINITY) {}

  append(t: number, input: TraceEventInput): TraceEvent {
    const event = { i: this.count, t, ...input } as TraceEvent;
    this.count++;
    this.hasher.update(utf8ToBytes(canonicalJson(event) + '\n'));
    this.kept.push(event);
    if (this.kept.length > this.retain) {
      // amortised trim: drop the oldest half of the overflow at once
      const drop = Math.max(1, Math.floor(this.retain / 2));
      this.kept.splice(0, drop);
      this.first += drop;
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Number of events ever appended. */
  get length(): number {
    return this.count;
  }

  /** Index of the oldest event still held in memory. */
  get firstRetained(): number {
    return this.first;
  }

  /** Events held in memory, oldest first. */
  events(): readonly TraceEvent[] {
    return this.kept;
  }

  /** Events with index >= from that are still in memory. */
  since(from: number): TraceEvent[] {
    const start = Math.max(0, from - this.first);
    return this.kept.slice(start);
  }

  /** sha256 over the canonical encoding of every event so far, one per line. */
  hash(): string {
    return bytesToHex(this.hasher.clone().digest());
  }

  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** JSON lines, one event per line (the `--trace FILE` format). */
  static toJsonLine(event: TraceEvent): string {
    return canonicalJson(event);
  }
}
