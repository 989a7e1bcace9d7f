/**
 * The boundary between the ledger and the contract VM.
 *
 * The VM is a pure function of (request, state view): it reads ledger state through
 * {@link ContractStateView} and returns an {@link ExecutionResult} holding everything the
 * ledger must apply (storage writes, value transfers, new contracts) when the status is "ok".
 * The ledger applies nothing of a reverted call except the fee. The VM never mutates the view.
 */

/** Lower-case hex address, "0x" + 40 hex digits. */
export type Address = string;

export type IdentityKind = 'person' | 'organisation' | 'device';

export interface Identity {
  address: Address;
  name: string;
  kind: IdentityKind;
  /** ed25519 public key, hex. */
  publicKey: string;
}

export interface Credential {
  /** Content-derived id, hex. */
  id: string;
  issuer: Address;
  subject: Address;
  /** e.g. "resident", "licensed-taxi". */
  type: string;
  /** Free-form claims, JSON values without floats. */
  claims: Record<string, unknown>;
  issuedAtHeight: number;
  revoked: boolean;
}

export interface ContractCode {
  address: Address;
  /** Optional human name (e.g. "token"); the VM reports errors as "token.js:14:7". Added by engine/vm. */
  name?: string;
  /** ES module source of the contract. */
  source: string;
  deployer: Address;
  deployedAtHeight: number;
}

/** Read-only view of the ledger state at the start of the transaction. */
export interface ContractStateView {
  /** Canonical JSON text of a stored value, or undefined. */
  storageGet(contract: Address, key: string): string | undefined;
  /** Entries whose key starts with prefix, in ascending key order (UTF-16 code unit order), after `startAfter`, at most `limit`. */
  storageScan(contract: Address, prefix: string, startAfter: string | undefined, limit: number): Array<[key: string, value: string]>;
  balanceOf(address: Address): number;
  codeOf(contract: Address): ContractCode | undefined;
  identityOf(address: Address): Identity | undefined;
  credentialsOf(subject: Address): Credential[];
}

export interface BlockContext {
  height: number;
  timeMs: number;
  /** Hash of the parent block, hex; seeds deterministic randomness with the tx hash. */
  parentHash: string;
  chainId: string;
}

export type ExecutionRequest =
  | { kind: 'deploy'; sender: Address; contract: Address; source: string; initArgs: unknown; value: number; gasLimit: number; txHash: string; block: BlockContext; /** Optional contract name, copied to ContractCode.name. Added by engine/vm. */ name?: string }
  | { kind: 'call'; sender: Address; contract: Address; method: string; args: unknown; value: number; gasLimit: number; txHash: string; block: BlockContext }
  | { kind: 'query'; sender: Address; contract: Address; method: string; args: unknown; gasLimit: number; block: BlockContext };

export type ExecutionStatus = 'ok' | 'reverted' | 'out_of_gas' | 'out_of_memory' | 'invalid';

export interface ContractEvent {
  contract: Address;
  name: string;
  /** JSON value. */
  data: unknown;
}

/** Everything the ledger applies when status is "ok". Empty otherwise. */
export interface StateDelta {
  /** value undefined (null in JSON) deletes the key. Ordered by (contract, key). */
  storageWrites: Array<{ contract: Address; key: string; value: string | null }>;
  /** Net value moved, in order of occurrence; includes the call's own `value` from sender to contract. */
  transfers: Array<{ from: Address; to: Address; amount: number }>;
  deployed: ContractCode[];
}

export interface ExecutionResult {
  status: ExecutionStatus;
  gasUsed: number;
  /** JSON value returned by the method (undefined → null). */
  returnValue: unknown;
  /** Human-readable, with the contract's line and column when known. */
  error?: string;
  events: ContractEvent[];
  logs: string[];
  delta: StateDelta;
}
