/**
 * The append-only trace: every observable thing that happens in a run, in order.
 *
 * Each event is fed, in canonical encoding, into one running sha256; the trace hash therefore
 * covers every event ever appended even when only the newest `retain` events are kept in memory
 * (large headless runs). Listeners receive events as they are appended (the UI batches them).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { CLONE } from '../core/clone.ts';
import { canonicalJson } from '../core/encoding.ts';
import type { TraceEvent, TraceEventInput } from './events.ts';

export type TraceListener = (event: TraceEvent) => void;

/** Events are held in chunks of this many; full chunks are frozen, so forks share them. */
const CHUNK_EVENTS = 1_024;

export class Trace {
  private readonly hasher = sha256.create();
  /** Older events in frozen chunks (the first may be shorter after a trim), then the open tail. */
  private readonly sealed: (readonly TraceEvent[])[] = [];
  private tail: TraceEvent[] = [];
  private first = 0;
  private count = 0;
  private readonly listeners = new Set<TraceListener>();

  /** @param retain keep at most this many newest events in memory (the hash still covers all). */
  constructor(private readonly retain: number = Number.POSITIVE_INFINITY) {}

  append(t: number, input: TraceEventInput): TraceEvent {
    const event = { i: this.count, t, ...input } as TraceEvent;
    this.count++;
    this.hasher.update(utf8ToBytes(canonicalJson(event) + '\n'));
    this.tail.push(event);
    if (this.tail.length >= CHUNK_EVENTS) {
      this.sealed.push(Object.freeze(this.tail));
      this.tail = [];
    }
    if (this.count - this.first > this.retain) {
      // amortised trim: drop the oldest half of the overflow at once
      this.dropOldest(Math.max(1, Math.floor(this.retain / 2)));
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

  /** Events held in memory, oldest first (a copy: later events are not added to it). */
  events(): readonly TraceEvent[] {
    return this.since(this.first);
  }

  /** Events with index >= from that are still in memory. */
  since(from: number): TraceEvent[] {
    const wanted = this.count - Math.max(from, this.first);
    if (wanted <= 0) return [];
    if (wanted <= this.tail.length) return this.tail.slice(this.tail.length - wanted);
    const parts: (readonly TraceEvent[])[] = [this.tail];
    let held = this.tail.length;
    for (let i = this.sealed.length - 1; held < wanted; i--) {
      parts.push(this.sealed[i]!);
      held += this.sealed[i]!.length;
    }
    const out: TraceEvent[] = [];
    let skip = held - wanted;
    for (let p = parts.length - 1; p >= 0; p--) {
      const part = parts[p]!;
      for (let j = skip; j < part.length; j++) out.push(part[j]!);
      skip = Math.max(0, skip - part.length);
    }
    return out;
  }

  private dropOldest(count: number): void {
    this.first += count;
    let left = count;
    while (left > 0 && this.sealed.length > 0) {
      const oldest = this.sealed[0]!;
      if (oldest.length <= left) {
        this.sealed.shift();
        left -= oldest.length;
      } else {
        this.sealed[0] = Object.freeze(oldest.slice(left));
        left = 0;
      }
    }
    if (left > 0) this.tail.splice(0, left);
  }

  /** sha256 over the canonical encoding of every event so far, one per line. */
  hash(): string {
    return bytesToHex(this.hasher.clone().digest());
  }

  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A copy for a forked run: the same events (full chunks shared: events never change once appended)
   * and the same running hash, continuing independently. Listeners are not copied: they belong
   * to whoever watches this run, and subscribe to the copy if they want it.
   */
  [CLONE](): Trace {
    const copy = new Trace(this.retain);
    Object.assign(copy, { hasher: this.hasher.clone(), sealed: this.sealed.slice(), tail: this.tail.slice(), first: this.first, count: this.count });
    return copy;
  }

  /** JSON lines, one event per line (the `--trace FILE` format). */
  static toJsonLine(event: TraceEvent): string {
    return canonicalJson(event);
  }
}
