/**
 * The memory pages a contract's top-level evaluation changed, cached per contract so the
 * transaction's own frame can replay them instead of compiling the module again. Sound because
 * top-level code cannot reach the ledger and sees a fixed clock: its effect on memory is a pure
 * function of (source, filename) applied to the VM's snapshot. See README.md, "Instances".
 */
import type { MemoryDiff } from './quickjs-instance.ts';

export interface ModuleCacheEntry {
  filename: string;
  diff: MemoryDiff;
  gas: number;
  logs: string[];
  namespace: number;
}

/**
 * Least-recently-used cache of evaluated contract modules, keyed by source text (V8 caches a
 * string's hash, so a view that hands back the same string costs no rehashing).
 */
export class ModuleCache {
  private readonly entries = new Map<string, ModuleCacheEntry>();
  hits = 0;
  misses = 0;
  constructor(private readonly capacity: number) {}

  get(source: string, filename: string): ModuleCacheEntry | undefined {
    const entry = this.entries.get(source);
    if (entry === undefined || entry.filename !== filename) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(source);
    this.entries.set(source, entry);
    return entry;
  }

  set(source: string, entry: ModuleCacheEntry): void {
    this.entries.delete(source);
    this.entries.set(source, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.diff.bytes;
    return total;
  }

  get size(): number {
    return this.entries.size;
  }
}
