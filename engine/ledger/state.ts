/**
 * Typed, immutable access to the ledger state held in the Merkle trie.
 *
 * Key layout (one trie, so one state root covers everything, contract storage included):
 *   acct:<address>                 {balance, nonce}
 *   id:<address>                   identity record
 *   cred:<subject>:<credential id> credential record
 *   credix:<credential id>         subject (to find a credential by id)
 *   code:<address>                 contract code record
 *   store:<address>:<key>          contract storage value (canonical JSON text)
 *   priv:<author>:<commitment>     a sealed private record: who recorded it, at which height, in which tx
 */
import { registerImmutableClass } from '../core/clone.ts';
import { canonicalJson } from '../core/encoding.ts';
import type { Hash } from '../core/hash.ts';
import type { ContractCode, ContractStateView, Credential, Identity } from '../vm/host-interface.ts';
import { Trie } from './trie.ts';
import type { Account, Address, CredentialRecord, IdentityRecord, PrivateRecordEntry } from './types.ts';

const EMPTY_ACCOUNT: Account = Object.freeze({ balance: 0, nonce: 0 });

export class LedgerState implements ContractStateView {
  static readonly EMPTY = new LedgerState(Trie.EMPTY);

  private constructor(readonly trie: Trie) {}

  static fromTrie(trie: Trie): LedgerState {
    return new LedgerState(trie);
  }

  get root(): Hash {
    return this.trie.rootHash();
  }

  account(address: Address): Account {
    const raw = this.trie.get(`acct:${address}`);
    return raw === undefined ? EMPTY_ACCOUNT : (JSON.parse(raw) as Account);
  }

  withAccount(address: Address, account: Account): LedgerState {
    return this.put(`acct:${address}`, account);
  }

  balanceOf(address: Address): number {
    return this.account(address).balance;
  }

  identity(address: Address): IdentityRecord | undefined {
    return this.read<IdentityRecord>(`id:${address}`);
  }

  withIdentity(address: Address, record: IdentityRecord): LedgerState {
    return this.put(`id:${address}`, record);
  }

  identityOf(address: Address): Identity | undefined {
    const record = this.identity(address);
    return record && { address, name: record.name, kind: record.kind, publicKey: record.publicKey };
  }

  credential(id: Hash): CredentialRecord | undefined {
    const subject = this.trie.get(`credix:${id}`);
    return subject === undefined ? undefined : this.read<CredentialRecord>(`cred:${JSON.parse(subject) as string}:${id}`);
  }

  withCredential(record: CredentialRecord): LedgerState {
    return this.put(`cred:${record.subject}:${record.id}`, record).put(`credix:${record.id}`, record.subject);
  }

  credentialsOf(subject: Address): Credential[] {
    return this.trie.scan(`cred:${subject}:`).map(([, raw]) => {
      const r = JSON.parse(raw) as CredentialRecord;
      return { id: r.id, issuer: r.issuer, subject: r.subject, type: r.type, claims: r.claims, issuedAtHeight: r.issuedAtHeight, revoked: r.revoked };
    });
  }

  codeOf(contract: Address): ContractCode | undefined {
    return this.read<ContractCode>(`code:${contract}`);
  }

  withCode(code: ContractCode): LedgerState {
    return this.put(`code:${code.address}`, code);
  }

  storageGet(contract: Address, key: string): string | undefined {
    return this.trie.get(`store:${contract}:${key}`);
  }

  storageScan(contract: Address, prefix: string, startAfter: string | undefined, limit: number): Array<[string, string]> {
    const base = `store:${contract}:`;
    return this.trie
      .scan(base + prefix, startAfter === undefined ? undefined : base + startAfter, limit)
      .map(([key, value]) => [key.slice(base.length), value]);
  }

  withStorage(contract: Address, key: string, value: string | null): LedgerState {
    const full = `store:${contract}:${key}`;
    return new LedgerState(value === null ? this.trie.delete(full) : this.trie.set(full, value));
  }

  /** The on-ledger trace of a private record (ledger/private-data.ts): never its content. */
  /**
   * Keyed by author as well as commitment: copying someone's commitment from the mempool
   * records nothing of theirs, so it cannot block their record or stand in for it.
   */
  privateRecord(author: Address, commitment: Hash): PrivateRecordEntry | undefined {
    return this.read<PrivateRecordEntry>(`priv:${author}:${commitment}`);
  }

  withPrivateRecord(commitment: Hash, entry: PrivateRecordEntry): LedgerState {
    return this.put(`priv:${entry.by}:${commitment}`, entry);
  }

  /** Every account with a balance or nonce, in address order (for explorers and reports). */
  accounts(): Array<{ address: Address } & Account> {
    return this.trie.scan('acct:').map(([key, raw]) => ({ address: key.slice(5), ...(JSON.parse(raw) as Account) }));
  }

  private read<T>(key: string): T | undefined {
    const raw = this.trie.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  private put(key: string, value: unknown): LedgerState {
    return new LedgerState(this.trie.set(key, canonicalJson(value)));
  }
}

// A version never changes (updates return a new one): snapshots and forked timelines share it.
registerImmutableClass(LedgerState);
