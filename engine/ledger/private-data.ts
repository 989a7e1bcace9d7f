/**
 * Private data: a record only its parties can read, whose existence and integrity everyone can
 * check. Modelled on Hyperledger Fabric's private data collections.
 *
 * The model, in five rules:
 * 1. A private record is what a public transaction would have said (a transfer, or a contract
 *    call with its arguments) plus the list of its parties. It never goes on the ledger.
 * 2. The ledger gets a `private.record` transaction, signed by the record's author, carrying only
 *    a commitment: sha256 over a domain tag, a 32-byte salt and the record's canonical encoding.
 *    Every node checks and stores the commitment (`priv:<author>:<commitment>` in the state trie, so the
 *    state root covers it); none of them learns the content. The signer's address is public,
 *    as it is on Fabric: others can see *that* the author recorded something, not *what*.
 * 3. The record and its salt travel off the ledger to the parties, who keep them in their private
 *    stores (Fabric's "side database"); they hold them once the commitment is in a block.
 * 4. Anyone shown a record and its salt can verify it against the commitment on the ledger
 *    ({@link verifyReveal}); change one character of it and the check fails. The salt stops
 *    outsiders confirming a guess ("did Jo spend 8?") by hashing candidates.
 * 5. A private record has no public effect. The ledger cannot check what it cannot see, so a
 *    private payment does not move public balances (a balance that changed would reveal the
 *    amount; Quorum forbids value in private transactions for the same reason). It is a
 *    private promise to pay, which the parties settle later with ordinary public transfers —
 *    in totals, as banks settle card payments. Whatever must be public (money moving, totals
 *    shared with consent) is a separate public transaction that says so. Non-parties therefore
 *    rely on the parties, not on the ledger, for what a private record says — a real
 *    limitation, which systems with zero-knowledge proofs (Zcash) remove at a cost.
 *
 * Salts here are derived from the author's secret key and the transaction's nonce, so that a run
 * replays exactly from its seed; a real system draws them at random. Ledgerlab simulates who
 * may read what: it does not encrypt, and someone with the seed could derive every key.
 */
import { hashCanonical, type Hash } from '../core/hash.ts';
import type { LedgerState } from './state.ts';
import type { Address, PrivateRecordEntry } from './types.ts';

/** What the private record says: the same terms a public transaction would carry. */
export type PrivatePayload =
  | { kind: 'transfer'; from: Address; to: Address; amount: number }
  | { kind: 'call'; from: Address; contract: Address; method: string; args: unknown };

export interface PrivateRecord {
  payload: PrivatePayload;
  /** Who holds the record, in the order the author listed them. */
  parties: Address[];
}

/** A record shown to someone, with the salt that lets them check it. */
export interface Reveal {
  record: PrivateRecord;
  /** 64 hex digits. */
  salt: string;
}

/** The salt of the private record an author makes with the transaction of this nonce. */
export function privateSalt(authorSecretKey: string, chainId: string, nonce: number): string {
  return hashCanonical('private-salt', { chainId, key: authorSecretKey, nonce });
}

/** The commitment the ledger holds: a salted, domain-separated sha256 of the canonical record. */
export function privateCommitment(reveal: Reveal): Hash {
  return hashCanonical('private-data', { record: reveal.record, salt: reveal.salt });
}

export type RevealCheck =
  | { ok: true; commitment: Hash; entry: PrivateRecordEntry }
  | { ok: false; commitment: Hash | undefined; reason: string };

/**
 * Check a revealed record against the ledger: its commitment must be on the ledger (the one
 * expected, if given), put there by the record's own author.
 */
export function verifyReveal(state: LedgerState, reveal: Reveal, expected?: Hash): RevealCheck {
  let commitment: Hash;
  try {
    commitment = privateCommitment(reveal);
  } catch (error) {
    return { ok: false, commitment: undefined, reason: `the record cannot be encoded canonically: ${(error as Error).message}` };
  }
  if (expected !== undefined && commitment !== expected) {
    return { ok: false, commitment, reason: `the revealed record hashes to ${commitment.slice(0, 12)}…, not to the commitment on the ledger (${expected.slice(0, 12)}…): it is not the record that was committed` };
  }
  const entry = state.privateRecord(reveal.record.payload.from, commitment);
  if (!entry) return { ok: false, commitment, reason: `the record's author ${reveal.record.payload.from} put no private record with commitment ${commitment.slice(0, 12)}… on the ledger` };
  return { ok: true, commitment, entry };
}
