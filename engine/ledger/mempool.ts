/**
 * A node's pool of pending transactions, with admission checks.
 *
 * Admission rejects, with a reason that goes into the trace: malformed, bad hash, bad signature,
 * wrong chain (via checkTx); stale nonce (already used: a replay); a nonce too far ahead;
 * a balance that cannot pay value + fee; a duplicate; a second transaction for a taken nonce;
 * a full pool. Transactions with future nonces wait until the gap is filled.
 */
import type { Hash } from '../core/hash.ts';
import type { LedgerState } from './state.ts';
import { checkTx, valueOf } from './tx.ts';
import { LEDGER_LIMITS, type Address, type SignedTx } from './types.ts';

export type AdmitResult = { ok: true } | { ok: false; reason: string; detail: string };

interface Entry {
  tx: SignedTx;
  arrival: number;
}

export class Mempool {
  private readonly byHash = new Map<Hash, Entry>();
  private readonly bySender = new Map<Address, Map<number, Entry>>();
  private arrivals = 0;

  constructor(
    private readonly chainId: string,
    readonly capacity = 10_000,
  ) {}

  get size(): number {
    return this.byHash.size;
  }

  has(hash: Hash): boolean {
    return this.byHash.has(hash);
  }

  get(hash: Hash): SignedTx | undefined {
    return this.byHash.get(hash)?.tx;
  }

  /** Pending transactions in arrival order. */
  list(): SignedTx[] {
    return [...this.byHash.values()].sort((a, b) => a.arrival - b.arrival).map((e) => e.tx);
  }

  add(tx: SignedTx, state: LedgerState): AdmitResult {
    const problem = checkTx(tx, this.chainId);
    if (problem) return { ok: false, ...problem };
    if (this.byHash.has(tx.hash)) return { ok: false, reason: 'duplicate', detail: 'already in the pool' };
    const { from, nonce, fee } = tx.body;
    const account = state.account(from);
    if (nonce < account.nonce) {
      return { ok: false, reason: 'stale-nonce', detail: `nonce ${nonce} was already used (next is ${account.nonce}): a replayed or duplicate transaction` };
    }
    if (nonce >= account.nonce + LEDGER_LIMITS.maxNonceGap) {
      return { ok: false, reason: 'nonce-gap', detail: `nonce ${nonce} is more than ${LEDGER_LIMITS.maxNonceGap} ahead of the next nonce ${account.nonce}` };
    }
    const pending = this.bySender.get(from);
    if (pending?.has(nonce)) return { ok: false, reason: 'nonce-taken', detail: `another pending transaction already uses nonce ${nonce}` };
    let committed = fee + valueOf(tx.body.payload);
    for (const entry of pending?.values() ?? []) committed += entry.tx.body.fee + valueOf(entry.tx.body.payload);
    if (committed > account.balance) {
      return { ok: false, reason: 'insufficient-balance', detail: `${from} has ${account.balance}, pending transactions need ${committed}` };
    }
    if (this.byHash.size >= this.capacity) return { ok: false, reason: 'mempool-full', detail: `the pool holds its limit of ${this.capacity} transactions` };
    const entry = { tx, arrival: this.arrivals++ };
    this.byHash.set(tx.hash, entry);
    if (pending) pending.set(nonce, entry);
    else this.bySender.set(from, new Map([[nonce, entry]]));
    return { ok: true };
  }

  remove(hash: Hash): void {
    const entry = this.byHash.get(hash);
    if (!entry) return;
    this.byHash.delete(hash);
    const pending = this.bySender.get(entry.tx.body.from)!;
    pending.delete(entry.tx.body.nonce);
    if (pending.size === 0) this.bySender.delete(entry.tx.body.from);
  }

  /** Drop everything the state has made stale (nonces already used). */
  prune(state: LedgerState): SignedTx[] {
    const dropped: SignedTx[] = [];
    for (const [sender, pending] of [...this.bySender]) {
      const next = state.account(sender).nonce;
      for (const [nonce, entry] of [...pending]) {
        if (nonce < next) {
          dropped.push(entry.tx);
          this.remove(entry.tx.hash);
        }
      }
    }
    return dropped;
  }

  /**
   * Candidates for the next block: for each sender, the run of consecutive nonces starting at
   * the state's next nonce; senders interleaved by arrival order.
   */
  select(state: LedgerState, max: number): SignedTx[] {
    const heads: Array<{ sender: Address; nonce: number; entry: Entry }> = [];
    for (const [sender, pending] of this.bySender) {
      const nonce = state.account(sender).nonce;
      const entry = pending.get(nonce);
      if (entry) heads.push({ sender, nonce, entry });
    }
    const out: SignedTx[] = [];
    while (heads.length > 0 && out.length < max) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) if (heads[i]!.entry.arrival < heads[best]!.entry.arrival) best = i;
      const head = heads[best]!;
      out.push(head.entry.tx);
      const following = this.bySender.get(head.sender)!.get(head.nonce + 1);
      if (following) heads[best] = { sender: head.sender, nonce: head.nonce + 1, entry: following };
      else heads.splice(best, 1);
    }
    return out;
  }
}
