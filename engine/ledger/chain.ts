/**
 * A node's block store: every valid block it has seen (forks included) with the state after it,
 * and the canonical chain chosen by the protocol's fork choice. It lives on the node's disk, so
 * it survives a crash; the mempool and unconnected blocks do not.
 */
import { invariant } from '../core/assert.ts';
import { markImmutable } from '../core/clone.ts';
import type { Hash } from '../core/hash.ts';
import type { LedgerState } from './state.ts';
import type { Block, Receipt } from './types.ts';

/** Never changed once stored (a new certificate makes a new StoredBlock), so snapshots share it. */
export interface StoredBlock {
  readonly block: Block;
  readonly height: number;
  /** State after this block. */
  readonly state: LedgerState;
  readonly receipts: readonly Receipt[];
}

export interface HeadChange {
  /** Canonical blocks that left the chain, highest first. */
  removed: StoredBlock[];
  /** Canonical blocks that joined the chain, lowest first. */
  added: StoredBlock[];
}

export class ChainStore {
  private readonly byHash = new Map<Hash, StoredBlock>();
  private readonly canonical: Hash[] = [];
  private finalized = 0;
  /**
   * 'final' (PoA, Raft, BFT): nothing at or below the finalized height is ever reverted.
   * 'probabilistic' (PoW's k confirmations): the finalized height is a confidence mark; a heavier
   * fork may still revert it, and setHead then lowers it to the fork point.
   */
  finality: 'final' | 'probabilistic' = 'final';

  constructor(readonly genesis: StoredBlock) {
    this.byHash.set(genesis.block.hash, markImmutable(genesis));
    this.canonical.push(genesis.block.hash);
  }

  get size(): number {
    return this.byHash.size;
  }

  get(hash: Hash): StoredBlock | undefined {
    return this.byHash.get(hash);
  }

  has(hash: Hash): boolean {
    return this.byHash.has(hash);
  }

  /** Every stored block, canonical and fork branches alike, in the order they were stored (for explorers). */
  blocks(): IterableIterator<StoredBlock> {
    return this.byHash.values();
  }

  head(): StoredBlock {
    return this.byHash.get(this.canonical[this.canonical.length - 1]!)!;
  }

  get headHeight(): number {
    return this.canonical.length - 1;
  }

  get finalizedHeight(): number {
    return this.finalized;
  }

  canonicalAt(height: number): StoredBlock | undefined {
    const hash = this.canonical[height];
    return hash === undefined ? undefined : this.byHash.get(hash);
  }

  isCanonical(hash: Hash): boolean {
    const stored = this.byHash.get(hash);
    return stored !== undefined && this.canonical[stored.height] === hash;
  }

  parentOf(stored: StoredBlock): StoredBlock | undefined {
    return stored.height === 0 ? undefined : this.byHash.get(stored.block.header.parentHash);
  }

  insert(stored: StoredBlock): void {
    invariant(this.byHash.has(stored.block.header.parentHash), `block ${stored.block.hash.slice(0, 10)} inserted before its parent`);
    this.byHash.set(stored.block.hash, markImmutable(stored));
  }

  /** Make `hash` the head; returns what left and joined the canonical chain. */
  setHead(hash: Hash): HeadChange {
    const target = this.byHash.get(hash);
    invariant(target !== undefined, `cannot set unknown block ${hash.slice(0, 10)} as head`);
    const added: StoredBlock[] = [];
    let cursor: StoredBlock | undefined = target;
    while (cursor && this.canonical[cursor.height] !== cursor.block.hash) {
      added.push(cursor);
      cursor = this.parentOf(cursor);
    }
    invariant(cursor !== undefined, 'a block does not descend from genesis');
    const forkHeight = cursor.height;
    invariant(forkHeight >= this.finalized || this.finality === 'probabilistic', `head change would revert finalized height ${this.finalized}`);
    if (forkHeight < this.finalized) this.finalized = forkHeight;
    const removed: StoredBlock[] = [];
    for (let h = this.canonical.length - 1; h > forkHeight; h--) removed.push(this.byHash.get(this.canonical[h]!)!);
    this.canonical.length = forkHeight + 1;
    added.reverse();
    for (const stored of added) this.canonical.push(stored.block.hash);
    return { removed, added };
  }

  setFinalized(height: number): void {
    invariant(height >= this.finalized && height <= this.headHeight, `finalized height ${height} out of range`);
    this.finalized = height;
  }

  /**
   * A block locator (as in Bitcoin): canonical hashes at the head, then stepping back 1, 2, 4...
   * down to genesis. A peer finds the highest one it shares and sends what follows.
   */
  locator(): Hash[] {
    const out: Hash[] = [];
    let step = 1;
    for (let h = this.headHeight; h > 0; h -= step) {
      out.push(this.canonical[h]!);
      if (out.length >= 10) step *= 2;
    }
    out.push(this.canonical[0]!);
    return out;
  }

  /** Height of the highest locator entry on our canonical chain (0: only genesis is shared). */
  commonHeight(locator: readonly Hash[]): number {
    for (const hash of locator) {
      if (this.isCanonical(hash)) return this.byHash.get(hash)!.height;
    }
    return 0;
  }

  /**
   * Replace a stored block by the same block with another certificate (the header, and so the
   * hash, are unchanged): BFT attaches the commit certificate once a block is decided.
   */
  attachCertificate(block: Block): void {
    const stored = this.byHash.get(block.hash);
    invariant(stored !== undefined, `cannot certify unknown block ${block.hash.slice(0, 10)}`);
    this.byHash.set(block.hash, markImmutable({ ...stored, block }));
  }

  /** Replace a stored block without any check: only for the tamper demo, which shows what checks then catch. */
  overwriteForDemo(height: number, block: Block): void {
    const old = this.canonicalAt(height);
    invariant(old !== undefined, `no canonical block at height ${height}`);
    this.byHash.delete(old.block.hash);
    this.byHash.set(block.hash, markImmutable({ ...old, block }));
    this.canonical[height] = block.hash;
  }

  /** Walk the canonical chain and report the first block that fails `check` or breaks a hash link (tamper evidence). */
  verifyLinks(check: (block: Block) => string | undefined): { height: number; detail: string } | undefined {
    for (let h = 1; h < this.canonical.length; h++) {
      const stored = this.canonicalAt(h)!;
      const problem = check(stored.block);
      if (problem) return { height: h, detail: `block ${h}: ${problem}` };
      const parent = this.canonicalAt(h - 1)!;
      if (stored.block.header.parentHash !== parent.block.hash) {
        return { height: h, detail: `block ${h} points to parent ${stored.block.header.parentHash.slice(0, 10)}, but block ${h - 1} is now ${parent.block.hash.slice(0, 10)}` };
      }
    }
    return undefined;
  }
}
