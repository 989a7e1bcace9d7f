/** Building, signing and statically checking transactions. */
import { canonicalJson } from '../core/encoding.ts';
import { hashCanonical } from '../core/hash.ts';
import { addressOf, isAddress, signDigest, verifyOnce, type KeyPair } from '../core/keys.ts';
import { LEDGER_LIMITS, NATIVE_GAS, type SignedTx, type TxBody, type TxPayload } from './types.ts';

export interface TxOptions {
  chainId: string;
  nonce: number;
  payload: TxPayload;
  fee?: number;
  gasLimit?: number;
}

export function txHash(body: TxBody): string {
  return hashCanonical('tx', body);
}

/** Build and sign a transaction. The result is frozen: it is shared by reference between nodes. */
export function signTx(key: KeyPair, options: TxOptions): SignedTx {
  const body: TxBody = {
    chainId: options.chainId,
    nonce: options.nonce,
    publicKey: key.publicKey,
    from: key.address,
    payload: options.payload,
    fee: options.fee ?? 0,
    gasLimit: options.gasLimit ?? defaultGasLimit(options.payload),
  };
  const hash = txHash(body);
  return deepFreeze({ body, hash, signature: signDigest(hash, key.secretKey) });
}

export function defaultGasLimit(payload: TxPayload): number {
  switch (payload.type) {
    case 'contract.deploy':
    case 'contract.call':
      return 10_000_000;
    default:
      return NATIVE_GAS[payload.type];
  }
}

/** Why a transaction can never be valid, whatever the state: a code and a sentence. */
export interface TxProblem {
  reason: 'malformed' | 'bad-hash' | 'bad-signature' | 'wrong-chain' | 'gas-limit';
  detail: string;
}

const checked = new WeakMap<SignedTx, TxProblem | null>();

/**
 * State-independent checks: shape, hash, sender address, signature, chain. Memoised per frozen
 * transaction object, and the signature per content hash ({@link verifyOnce}), so each is done
 * once in the process however many nodes see the transaction.
 */
export function checkTx(tx: SignedTx, chainId: string): TxProblem | undefined {
  let problem = checked.get(tx);
  if (problem === undefined) {
    problem = checkUncached(tx) ?? null;
    if (Object.isFrozen(tx)) checked.set(tx, problem);
  }
  if (problem) return problem;
  if (tx.body.chainId !== chainId) return { reason: 'wrong-chain', detail: `transaction is for chain "${tx.body.chainId}", this ledger is "${chainId}"` };
  return undefined;
}

function checkUncached(tx: SignedTx): TxProblem | undefined {
  const body = tx?.body;
  if (!body || typeof body !== 'object') return { reason: 'malformed', detail: 'transaction has no body' };
  const shape = payloadProblem(body.payload);
  if (shape) return { reason: 'malformed', detail: shape };
  if (!Number.isSafeInteger(body.nonce) || body.nonce < 0) return { reason: 'malformed', detail: 'nonce must be a non-negative integer' };
  if (!Number.isSafeInteger(body.fee) || body.fee < 0) return { reason: 'malformed', detail: 'fee must be a non-negative integer' };
  if (!Number.isSafeInteger(body.gasLimit) || body.gasLimit <= 0 || body.gasLimit > LEDGER_LIMITS.maxGasLimit) {
    return { reason: 'gas-limit', detail: `gasLimit must be an integer in 1..${LEDGER_LIMITS.maxGasLimit}` };
  }
  const native = body.payload.type in NATIVE_GAS ? NATIVE_GAS[body.payload.type as keyof typeof NATIVE_GAS] : 0;
  if (body.gasLimit < native) return { reason: 'gas-limit', detail: `a ${body.payload.type} needs gasLimit >= ${native}` };
  if (typeof body.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(body.publicKey)) return { reason: 'malformed', detail: 'publicKey must be 64 hex digits' };
  if (body.from !== addressOf(body.publicKey)) return { reason: 'malformed', detail: 'from is not the address of publicKey' };
  let hash: string;
  try {
    hash = txHash(body);
  } catch (error) {
    return { reason: 'malformed', detail: `body cannot be encoded canonically: ${(error as Error).message}` };
  }
  if (hash !== tx.hash) return { reason: 'bad-hash', detail: `hash ${short(tx.hash)} does not match the content (${short(hash)}): the transaction was altered` };
  if (!verifyOnce(tx.signature, hash, body.publicKey)) return { reason: 'bad-signature', detail: `signature does not verify against ${body.from}` };
  return undefined;
}

function payloadProblem(payload: TxPayload | undefined): string | undefined {
  if (!payload || typeof payload !== 'object') return 'payload is missing';
  switch (payload.type) {
    case 'transfer':
      if (!isAddress(payload.to)) return 'transfer.to must be an address (0x + 40 hex digits)';
      if (!Number.isSafeInteger(payload.amount) || payload.amount <= 0) return 'transfer.amount must be a positive integer';
      return undefined;
    case 'identity.register':
      if (typeof payload.name !== 'string' || payload.name.length === 0 || payload.name.length > LEDGER_LIMITS.maxNameLength) {
        return `identity name must be 1 to ${LEDGER_LIMITS.maxNameLength} characters`;
      }
      if (!['person', 'organisation', 'device'].includes(payload.kind)) return 'identity kind must be person, organisation or device';
      return undefined;
    case 'credential.issue':
      if (!isAddress(payload.subject)) return 'credential subject must be an address';
      if (typeof payload.credentialType !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(payload.credentialType) || payload.credentialType.length > LEDGER_LIMITS.maxCredentialTypeLength) {
        return 'credential type must be lower-case letters, digits and dashes (e.g. "resident")';
      }
      try {
        if (canonicalJson(payload.claims ?? {}).length > LEDGER_LIMITS.maxClaimsBytes) return `claims must encode to at most ${LEDGER_LIMITS.maxClaimsBytes} bytes`;
      } catch (error) {
        return `claims must be plain JSON without fractional numbers: ${(error as Error).message}`;
      }
      return undefined;
    case 'credential.revoke':
      if (typeof payload.credentialId !== 'string' || !/^[0-9a-f]{64}$/.test(payload.credentialId)) return 'credentialId must be 64 hex digits';
      return undefined;
    case 'private.record':
      if (typeof payload.commitment !== 'string' || !/^[0-9a-f]{64}$/.test(payload.commitment)) return 'a private record\'s commitment must be 64 hex digits (a sha256)';
      return undefined;
    case 'contract.deploy':
      if (typeof payload.source !== 'string' || payload.source.length === 0) return 'contract source is empty';
      if (payload.source.length > LEDGER_LIMITS.maxContractSourceBytes) return `contract source exceeds ${LEDGER_LIMITS.maxContractSourceBytes} bytes`;
      if (!Number.isSafeInteger(payload.value) || payload.value < 0) return 'deploy value must be a non-negative integer';
      if (payload.name !== undefined && (typeof payload.name !== 'string' || payload.name.length === 0 || payload.name.length > LEDGER_LIMITS.maxContractNameLength)) {
        return `contract name must be 1 to ${LEDGER_LIMITS.maxContractNameLength} characters (e.g. "token")`;
      }
      return undefined;
    case 'contract.call':
      if (!isAddress(payload.contract)) return 'call.contract must be an address';
      if (typeof payload.method !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(payload.method)) return 'call.method must be a function name';
      if (!Number.isSafeInteger(payload.value) || payload.value < 0) return 'call value must be a non-negative integer';
      return undefined;
    default:
      return `unknown transaction type "${(payload as { type?: unknown }).type}"`;
  }
}

function short(hash: string): string {
  return typeof hash === 'string' ? hash.slice(0, 10) : String(hash);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Amount a transaction moves out of the sender besides the fee. */
export function valueOf(payload: TxPayload): number {
  switch (payload.type) {
    case 'transfer':
      return payload.amount;
    case 'contract.deploy':
    case 'contract.call':
      return payload.value;
    default:
      return 0;
  }
}
