/**
 * Ledger data: transactions, blocks, receipts, accounts, identities and credentials.
 * Everything here is plain data, frozen once built, shared by reference between in-process nodes.
 */
import type { Hash } from '../core/hash.ts';
import type { Address } from '../core/keys.ts';
import type { ContractEvent, IdentityKind } from '../vm/host-interface.ts';

export type { Address, Hash, IdentityKind };

export type TxPayload =
  | { type: 'transfer'; to: Address; amount: number }
  | { type: 'identity.register'; name: string; kind: IdentityKind }
  | { type: 'credential.issue'; subject: Address; credentialType: string; claims: Record<string, unknown> }
  | { type: 'credential.revoke'; credentialId: Hash }
  /** `name` (optional, e.g. "token") is how errors refer to the code: "token.js:14:7". */
  | { type: 'contract.deploy'; source: string; initArgs: unknown; value: number; name?: string }
  | { type: 'contract.call'; contract: Address; method: string; args: unknown; value: number }
  /** A sealed private record: only its commitment is on the ledger (see ledger/private-data.ts). */
  | { type: 'private.record'; commitment: Hash };

export type TxType = TxPayload['type'];

/** The signed part of a transaction. */
export interface TxBody {
  chainId: string;
  /** The sender's nonce: its n-th transaction, from 0. */
  nonce: number;
  /** ed25519 public key of the sender, hex; the sender's address is derived from it. */
  publicKey: string;
  from: Address;
  payload: TxPayload;
  /** Paid to the block's proposer, in the ledger's smallest unit. */
  fee: number;
  /** Upper bound on contract gas; native operations use a fixed amount. */
  gasLimit: number;
}

export interface SignedTx {
  readonly body: TxBody;
  /** hashCanonical('tx', body). */
  readonly hash: Hash;
  /** ed25519 signature over the hash, hex. */
  readonly signature: string;
}

export interface BlockHeader {
  chainId: string;
  height: number;
  parentHash: Hash;
  /** Address of the node that built the block. */
  proposer: Address;
  timestampMs: number;
  txRoot: Hash;
  stateRoot: Hash;
  receiptsRoot: Hash;
  /** Protocol-specific header data (slot, term, round, difficulty...). Canonical values only. */
  consensus: Record<string, string | number | boolean>;
}

/** Evidence that the protocol agreed on a block: a proposer seal, a quorum of votes, a proof of work. */
export interface Certificate {
  kind: string;
  signatures: Array<{ signer: Address; publicKey: string; signature: string }>;
  data?: Record<string, string | number | boolean>;
}

export interface Block {
  readonly header: BlockHeader;
  /** hashCanonical('block', header). The certificate is outside the hash, since it signs it. */
  readonly hash: Hash;
  readonly txs: readonly SignedTx[];
  readonly certificate: Certificate;
}

export type ReceiptStatus = 'ok' | 'reverted' | 'out_of_gas' | 'out_of_memory' | 'invalid';

export interface Receipt {
  txHash: Hash;
  status: ReceiptStatus;
  gasUsed: number;
  fee: number;
  /** JSON value returned by a contract call, else null. */
  returnValue: unknown;
  error?: string;
  events: ContractEvent[];
  logs: string[];
  /** Address of a contract this transaction deployed. */
  contract?: Address;
}

export interface Account {
  balance: number;
  nonce: number;
}

export interface IdentityRecord {
  name: string;
  kind: IdentityKind;
  publicKey: string;
  registeredAtHeight: number;
}

export interface CredentialRecord {
  id: Hash;
  issuer: Address;
  subject: Address;
  type: string;
  claims: Record<string, unknown>;
  issuedAtHeight: number;
  revoked: boolean;
  revokedAtHeight?: number;
}

/** What the ledger holds about a private record: who put its commitment on, where. */
export interface PrivateRecordEntry {
  by: Address;
  height: number;
  tx: Hash;
}

/** The chain's starting point, identical on every node. */
export interface GenesisSpec {
  chainId: string;
  timestampMs: number;
  accounts: Array<{ address: Address; balance: number }>;
  identities: Array<{ address: Address; name: string; kind: IdentityKind; publicKey: string }>;
  /** Protocol-specific genesis data (the authority set, the validator set...). */
  consensus: Record<string, string | number | boolean>;
}

/** Fixed costs of native operations, in gas units. */
export const NATIVE_GAS = {
  transfer: 21_000,
  'identity.register': 30_000,
  'credential.issue': 40_000,
  'credential.revoke': 25_000,
  'private.record': 25_000,
} as const;

/** Limits that keep blocks and state bounded. */
export const LEDGER_LIMITS = {
  maxTxsPerBlock: 1_000,
  maxNameLength: 80,
  maxContractNameLength: 64,
  maxCredentialTypeLength: 64,
  maxClaimsBytes: 4_096,
  maxContractSourceBytes: 256 * 1024,
  maxNonceGap: 64,
  maxGasLimit: 100_000_000,
} as const;
