/** Binary min-heap of scheduled events ordered by (time, sequence): equal times run in scheduling order. */
import { invariant } from '../core/assert.ts';

export interface Scheduled {
  readonly atMs: number;
  readonly seq: number;
}

export class EventQueue<T extends Scheduled> {
  private readonly heap: T[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    invariant(this.heap.length < this.capacity, `event queue is full (${this.capacity} events): the simulation is generating events faster than it runs them`);
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  /** Remove every item matching the predicate (used when a crashed node's timers are discarded). */
  removeWhere(predicate: (item: T) => boolean): number {
    const kept = this.heap.filter((item) => !predicate(item));
    const removed = this.heap.length - kept.length;
    if (removed > 0) {
      this.heap.length = 0;
      for (const item of kept.sort((a, b) => (before(a, b) ? -1 : 1))) this.heap.push(item);
    }
    return removed;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
