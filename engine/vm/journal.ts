/**
 * Everything a transaction has changed so far, on top of the read-only state view, with
 * savepoints so that a failed cross-contract call undoes exactly its own writes, transfers
 * and events (and those of the calls it made).
 */
import type { Address, ContractEvent, ContractStateView, StateDelta } from './host-interface.ts';
import { compareUtf16 } from './canonical-json.ts';

type UndoEntry =
  | { kind: 'write'; contract: Address; key: string; previous: string | null | undefined }
  | { kind: 'transfer'; from: Address; to: Address; amount: number }
  | { kind: 'event' };

export interface Savepoint {
  readonly undoLength: number;
}

export class Journal {
  /** contract -> key -> canonical JSON text, or null for a deletion. */
  private readonly storage = new Map<Address, Map<string, string | null>>();
  private readonly balanceDelta = new Map<Address, number>();
  private readonly transfers: Array<{ from: Address; to: Address; amount: number }> = [];
  private readonly events: ContractEvent[] = [];
  private readonly undo: UndoEntry[] = [];
  private writeCount = 0;

  constructor(private readonly view: ContractStateView) {}

  savepoint(): Savepoint {
    return { undoLength: this.undo.length };
  }

  rollback(savepoint: Savepoint): void {
    while (this.undo.length > savepoint.undoLength) {
      const entry = this.undo.pop()!;
      switch (entry.kind) {
        case 'write': {
          const overlay = this.storage.get(entry.contract)!;
          if (entry.previous === undefined) {
            overlay.delete(entry.key);
            this.writeCount--;
          } else overlay.set(entry.key, entry.previous);
          break;
        }
        case 'transfer':
          this.transfers.pop();
          this.addBalance(entry.from, entry.amount);
          this.addBalance(entry.to, -entry.amount);
          break;
        case 'event':
          this.events.pop();
          break;
      }
    }
  }

  // ---------------------------------------------------------------- storage

  /** Current text of a key (overlay first, then the view); undefined when absent. */
  read(contract: Address, key: string): string | undefined {
    const overlay = this.storage.get(contract);
    if (overlay?.has(key)) {
      const value = overlay.get(key)!;
      return value === null ? undefined : value;
    }
    return this.view.storageGet(contract, key);
  }

  /** Number of distinct keys written in the transaction so far. */
  get distinctWrites(): number {
    return this.writeCount;
  }

  write(contract: Address, key: string, value: string | null): void {
    let overlay = this.storage.get(contract);
    if (!overlay) {
      overlay = new Map();
      this.storage.set(contract, overlay);
    }
    const previous = overlay.has(key) ? overlay.get(key)! : undefined;
    if (previous === undefined) this.writeCount++;
    this.undo.push({ kind: 'write', contract, key, previous });
    overlay.set(key, value);
  }

  /** Entries with `prefix`, strictly after `after`, in key order, merging overlay and view. */
  scan(contract: Address, prefix: string, after: string | undefined, limit: number): Array<[string, string]> {
    const overlay = this.storage.get(contract);
    const overlayKeys: string[] = [];
    if (overlay) {
      for (const key of overlay.keys()) {
        if (key.startsWith(prefix) && (after === undefined || key > after)) overlayKeys.push(key);
      }
      overlayKeys.sort(compareUtf16);
    }
    const out: Array<[string, string]> = [];
    let oi = 0;
    let viewRows: Array<[string, string]> = [];
    let vi = 0;
    let viewCursor = after;
    let viewDone = false;
    while (out.length < limit) {
      if (vi >= viewRows.length && !viewDone) {
        viewRows = this.view.storageScan(contract, prefix, viewCursor, limit);
        vi = 0;
        if (viewRows.length < limit) viewDone = true;
        if (viewRows.length > 0) viewCursor = viewRows[viewRows.length - 1]![0];
      }
      const viewRow = vi < viewRows.length ? viewRows[vi] : undefined;
      const overlayKey = oi < overlayKeys.length ? overlayKeys[oi] : undefined;
      if (viewRow === undefined && overlayKey === undefined) break;
      if (overlayKey !== undefined && (viewRow === undefined || overlayKey <= viewRow[0])) {
        if (viewRow !== undefined && overlayKey === viewRow[0]) vi++;
        oi++;
        const value = overlay!.get(overlayKey)!;
        if (value !== null) out.push([overlayKey, value]);
      } else {
        vi++;
        out.push(viewRow!);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- value

  balanceOf(address: Address): number {
    return this.view.balanceOf(address) + (this.balanceDelta.get(address) ?? 0);
  }

  /** Moves value; false (and nothing recorded) when `from` cannot afford it. */
  transfer(from: Address, to: Address, amount: number): boolean {
    if (this.balanceOf(from) < amount) return false;
    this.addBalance(from, -amount);
    this.addBalance(to, amount);
    this.transfers.push({ from, to, amount });
    this.undo.push({ kind: 'transfer', from, to, amount });
    return true;
  }

  private addBalance(address: Address, amount: number): void {
    const next = (this.balanceDelta.get(address) ?? 0) + amount;
    if (next === 0) this.balanceDelta.delete(address);
    else this.balanceDelta.set(address, next);
  }

  // ---------------------------------------------------------------- events

  emit(event: ContractEvent): void {
    this.events.push(event);
    this.undo.push({ kind: 'event' });
  }

  get eventCount(): number {
    return this.events.length;
  }

  // ---------------------------------------------------------------- result

  delta(): StateDelta {
    const storageWrites: StateDelta['storageWrites'] = [];
    const contracts = [...this.storage.keys()].sort(compareUtf16);
    for (const contract of contracts) {
      const overlay = this.storage.get(contract)!;
      const keys = [...overlay.keys()].sort(compareUtf16);
      for (const key of keys) {
        const value = overlay.get(key)!;
        const before = this.view.storageGet(contract, key);
        if ((before ?? null) === value) continue; // net no-op
        storageWrites.push({ contract, key, value });
      }
    }
    return { storageWrites, transfers: this.transfers.map((t) => ({ ...t })), deployed: [] };
  }

  eventList(): ContractEvent[] {
    return this.events.slice();
  }
}
