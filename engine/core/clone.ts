/**
 * Deep copies of running simulation state, for snapshots, time travel and forked timelines.
 *
 * {@link deepClone} copies an object graph and keeps its shape: prototypes (so class instances
 * stay instances), aliasing and cycles (one memo map: an object reached twice is copied once),
 * arrays, Maps, Sets, typed arrays, ArrayBuffers and DataViews. What makes snapshots cheap is
 * what it does *not* copy:
 * - values that are immutable by construction are shared: frozen objects (blocks, signed
 *   transactions), objects registered with {@link markImmutable} (stored blocks, finished step
 *   records), and instances of classes registered with {@link registerImmutableClass}
 *   (persistent state-trie versions);
 * - shared services (the contract VM) are shared: {@link markShared}, or `options.share`;
 * - an object may copy itself by defining a {@link CLONE} method (the trace does: it forks its
 *   running hash and leaves its listeners behind).
 *
 * Functions are never copied: a closure in simulated state cannot be copied faithfully (what it
 * captured is invisible), so one is a bug, reported as a {@link SnapshotError} that names the
 * path to it (e.g. `sim.queue.heap[3].run`). Keep state as data and behaviour in methods.
 * For the same reason a class with `#private` fields needs a {@link CLONE} method: only own
 * properties are copied.
 */
import { LedgerlabError } from './assert.ts';

/** Method name of a custom copy: `[CLONE](copy)` returns the copy, using `copy` for any children. */
export const CLONE: unique symbol = Symbol('ledgerlab.clone');

/** Copies one value inside a deep clone (memo and sharing rules included). */
export type CloneChild = <V>(value: V) => V;

export interface CustomClone {
  [CLONE](copy: CloneChild): unknown;
}

export interface CloneOptions {
  /** Objects to share by reference instead of copying (e.g. an external service). */
  share?: Iterable<object>;
  /** What the root is called in error paths (default "state"). */
  rootName?: string;
}

/** Raised when the state holds something that cannot be copied; `path` says where. */
export class SnapshotError extends LedgerlabError {
  override name = 'SnapshotError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super('snapshot-uncopyable', `cannot copy the simulation state: ${problem} at ${path || '(root)'}.`, 'Keep simulated state as plain data: store a scheduled action or a hook as data (a kind and its arguments) that a method carries out, not as a function.');
  }

  /** The same error one level further out. */
  within(segment: string): SnapshotError {
    return new SnapshotError(segment + this.path, this.problem);
  }
}

const immutableObjects = new WeakSet<object>();
const immutablePrototypes = new WeakSet<object>();
const sharedObjects = new WeakSet<object>();

/** Declare a value immutable from now on: deep clones share it. Returns the value. */
export function markImmutable<T extends object>(value: T): T {
  immutableObjects.add(value);
  return value;
}

/** Every instance of this class is immutable (e.g. a persistent trie version): deep clones share them. */
export function registerImmutableClass(constructor: { readonly prototype: unknown }): void {
  immutablePrototypes.add(constructor.prototype as object);
}

/** A service shared by every copy (e.g. the contract VM): deep clones keep the reference. */
export function markShared<T extends object>(service: T): T {
  sharedObjects.add(service);
  return service;
}

/** Whether deep clones share this value instead of copying it. */
export function isShareable(value: object): boolean {
  return immutableObjects.has(value) || sharedObjects.has(value) || Object.isFrozen(value) || immutablePrototypes.has(Object.getPrototypeOf(value) as object);
}

/** A deep, independent copy of `value` (see the file comment for what is shared). */
export function deepClone<T>(value: T, options: CloneOptions = {}): T {
  try {
    return new Cloner(options.share).copy(value);
  } catch (error) {
    throw error instanceof SnapshotError ? error.within(options.rootName ?? 'state') : error;
  }
}

const PLAIN_PROTOTYPES = new Set<unknown>([Object.prototype, null]);

class Cloner {
  private readonly memo = new Map<object, unknown>();
  private readonly extraShared: Set<object>;
  private readonly child: CloneChild = <V>(value: V): V => this.copy(value);

  constructor(share: Iterable<object> | undefined) {
    this.extraShared = new Set(share ?? []);
  }

  copy<V>(value: V): V {
    if (typeof value === 'function') throw new SnapshotError('', `a function (${describeFunction(value)})`);
    if (value === null || typeof value !== 'object') return value;
    const source = value as object;
    if (isShareable(source) || this.extraShared.has(source)) return value;
    const seen = this.memo.get(source);
    if (seen !== undefined) return seen as V;
    return this.copyObject(source) as V;
  }

  private copyObject(source: object): unknown {
    if (typeof (source as Partial<CustomClone>)[CLONE] === 'function') {
      const copy = (source as CustomClone)[CLONE](this.child);
      this.memo.set(source, copy);
      return copy;
    }
    if (Array.isArray(source)) {
      const out: unknown[] = new Array(source.length);
      this.memo.set(source, out);
      for (let i = 0; i < source.length; i++) out[i] = this.at(`[${i}]`, source[i]);
      return out;
    }
    if (source instanceof Map) {
      const out = new Map<unknown, unknown>();
      this.memo.set(source, out);
      for (const [key, entry] of source) {
        const label = typeof key === 'object' && key !== null ? '<object key>' : String(key);
        out.set(this.at(`.get(${label})`, key), this.at(`.get(${label})`, entry));
      }
      return out;
    }
    if (source instanceof Set) {
      const out = new Set<unknown>();
      this.memo.set(source, out);
      let i = 0;
      for (const entry of source) out.add(this.at(`.<entry ${i++}>`, entry));
      return out;
    }
    if (ArrayBuffer.isView(source)) {
      // Through the (memoised) buffer, so views that share memory still do in the copy.
      const buffer = this.copy(source.buffer);
      const View = source.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;
      const length = source instanceof DataView ? source.byteLength : (source as unknown as { length: number }).length;
      const out = new View(buffer, source.byteOffset, length);
      this.memo.set(source, out);
      return out;
    }
    if (source instanceof ArrayBuffer) {
      const out = source.slice(0);
      this.memo.set(source, out);
      return out;
    }
    const proto = Object.getPrototypeOf(source) as object | null;
    if (!PLAIN_PROTOTYPES.has(proto) && isBuiltIn(source)) {
      throw new SnapshotError('', `a ${Object.prototype.toString.call(source).slice(8, -1)}, which cannot be copied`);
    }
    const out = Object.create(proto) as Record<string, unknown>;
    this.memo.set(source, out);
    const record = source as Record<string, unknown>;
    for (const key of Object.keys(record)) out[key] = this.at(`.${key}`, record[key]);
    return out;
  }

  private at(segment: string, value: unknown): unknown {
    if (typeof value === 'function') throw new SnapshotError(segment, `a function (${describeFunction(value)})`);
    if (value === null || typeof value !== 'object') return value;
    try {
      return this.copy(value);
    } catch (error) {
      throw error instanceof SnapshotError ? error.within(segment) : error;
    }
  }
}

function describeFunction(fn: unknown): string {
  const name = (fn as { name?: string }).name;
  return name ? `"${name}"` : 'an anonymous closure';
}

/** Host objects whose state is not in own properties (WeakMap, Promise, ...). */
function isBuiltIn(value: object): boolean {
  return value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise || value instanceof RegExp || value instanceof Date || value instanceof Error || (typeof WeakRef !== 'undefined' && value instanceof WeakRef);
}
