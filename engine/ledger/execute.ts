/**
 * Executing transactions and blocks against the state.
 *
 * A transaction is either *invalid* (it can never be in a block: bad nonce, cannot pay, bad
 * signature) or it is *applied* and gets a receipt: native operations and contract calls that
 * fail still consume the nonce and pay the fee, with the failure in the receipt, as on Ethereum.
 *
 * Block execution results are shared between in-process nodes through a cache keyed by content
 * (parent state root + everything in the block that execution reads), so with 16 nodes a block
 * is executed once, not 16 times. `setExecutionSharing(false)` turns that off; tests prove both
 * give identical results.
 */
import { invariant } from '../core/assert.ts';
import { hashCanonical, merkleRoot, type Hash } from '../core/hash.ts';
import type { BlockContext, ExecutionRequest, ExecutionResult } from '../vm/host-interface.ts';
import { LedgerState } from './state.ts';
import { checkTx, valueOf } from './tx.ts';
import { NATIVE_GAS, type Address, type BlockHeader, type GenesisSpec, type Receipt, type SignedTx } from './types.ts';

/** What execution reads from the block around it. */
export interface BlockEnv {
  chainId: string;
  height: number;
  timestampMs: number;
  parentHash: Hash;
  proposer: Address;
  /** New coins the block creates (proof-of-work's coinbase), credited after its transactions. */
  reward?: BlockReward;
}

/**
 * Coins a block creates by the protocol's rule, for whoever it names (a miner's payout address).
 * Applied after the block's transactions, so they cannot be spent in the block that creates them;
 * part of the state, so the state root covers it and every node that re-executes the block checks it.
 */
export interface BlockReward {
  to: Address;
  amount: number;
}

/** The contract VM as the ledger sees it (engine/vm implements this). */
export interface ContractExecutor {
  execute(request: ExecutionRequest, view: LedgerState): ExecutionResult;
}

export interface InvalidTx {
  reason: string;
  detail: string;
}

export type TxOutcome = { ok: true; state: LedgerState; receipt: Receipt } | { ok: false; invalid: InvalidTx };

export function genesisState(spec: GenesisSpec): LedgerState {
  let state = LedgerState.EMPTY;
  for (const { address, balance } of spec.accounts) {
    invariant(Number.isSafeInteger(balance) && balance >= 0, `genesis balance of ${address} must be a non-negative integer`);
    state = state.withAccount(address, { balance: state.balanceOf(address) + balance, nonce: 0 });
  }
  for (const identity of spec.identities) {
    state = state.withIdentity(identity.address, { name: identity.name, kind: identity.kind, publicKey: identity.publicKey, registeredAtHeight: 0 });
  }
  return state;
}

export function genesisHeader(spec: GenesisSpec, stateRoot: Hash): BlockHeader {
  return {
    chainId: spec.chainId,
    height: 0,
    parentHash: hashCanonical('genesis', spec),
    proposer: '0x' + '0'.repeat(40),
    timestampMs: spec.timestampMs,
    txRoot: merkleRoot([]),
    stateRoot,
    receiptsRoot: merkleRoot([]),
    consensus: spec.consensus,
  };
}

/** Check that a transaction can be applied now, and apply it. */
export function applyTx(state: LedgerState, tx: SignedTx, env: BlockEnv, contracts?: ContractExecutor): TxOutcome {
  const problem = checkTx(tx, env.chainId);
  if (problem) return { ok: false, invalid: problem };
  const { body } = tx;
  const sender = state.account(body.from);
  if (body.nonce !== sender.nonce) {
    return {
      ok: false,
      invalid: body.nonce < sender.nonce
        ? { reason: 'stale-nonce', detail: `nonce ${body.nonce} was already used (next is ${sender.nonce}): a replayed or duplicate transaction` }
        : { reason: 'nonce-gap', detail: `nonce ${body.nonce} is ahead of the next nonce ${sender.nonce}` },
    };
  }
  const value = valueOf(body.payload);
  if (sender.balance < body.fee + value) {
    return { ok: false, invalid: { reason: 'insufficient-balance', detail: `${body.from} has ${sender.balance}, needs ${body.fee + value} (fee ${body.fee} + value ${value})` } };
  }
  // Nonce and fee are taken first: they stand even if the operation then fails.
  let next = state.withAccount(body.from, { balance: sender.balance - body.fee, nonce: sender.nonce + 1 });
  if (body.fee > 0) next = credit(next, env.proposer, body.fee);
  const base: Receipt = { txHash: tx.hash, status: 'ok', gasUsed: 0, fee: body.fee, returnValue: null, events: [], logs: [] };
  const payload = body.payload;
  switch (payload.type) {
    case 'transfer': {
      next = credit(debit(next, body.from, payload.amount), payload.to, payload.amount);
      return { ok: true, state: next, receipt: { ...base, gasUsed: NATIVE_GAS.transfer } };
    }
    case 'identity.register': {
      const gasUsed = NATIVE_GAS['identity.register'];
      if (next.identity(body.from)) return failed(next, base, gasUsed, `${body.from} already has an identity; identities cannot be re-registered`);
      next = next.withIdentity(body.from, { name: payload.name, kind: payload.kind, publicKey: body.publicKey, registeredAtHeight: env.height });
      return { ok: true, state: next, receipt: { ...base, gasUsed } };
    }
    case 'credential.issue': {
      const gasUsed = NATIVE_GAS['credential.issue'];
      if (!next.identity(body.from)) return failed(next, base, gasUsed, 'only a registered identity can issue credentials: register the issuer first');
      const id = hashCanonical('credential', { issuer: body.from, subject: payload.subject, type: payload.credentialType, claims: payload.claims ?? {}, tx: tx.hash });
      next = next.withCredential({ id, issuer: body.from, subject: payload.subject, type: payload.credentialType, claims: payload.claims ?? {}, issuedAtHeight: env.height, revoked: false });
      return { ok: true, state: next, receipt: { ...base, gasUsed, returnValue: id } };
    }
    case 'credential.revoke': {
      const gasUsed = NATIVE_GAS['credential.revoke'];
      const credential = next.credential(payload.credentialId);
      if (!credential) return failed(next, base, gasUsed, `no credential ${payload.credentialId.slice(0, 10)}`);
      if (credential.issuer !== body.from) return failed(next, base, gasUsed, 'only the issuer can revoke a credential');
      if (credential.revoked) return failed(next, base, gasUsed, 'credential is already revoked');
      next = next.withCredential({ ...credential, revoked: true, revokedAtHeight: env.height });
      return { ok: true, state: next, receipt: { ...base, gasUsed } };
    }
    case 'private.record': {
      // Only the commitment: the content stays with the parties (see private-data.ts).
      const gasUsed = NATIVE_GAS['private.record'];
      if (next.privateRecord(body.from, payload.commitment)) return failed(next, base, gasUsed, 'you already put this commitment on the ledger: a private record needs its own salt');
      next = next.withPrivateRecord(payload.commitment, { by: body.from, height: env.height, tx: tx.hash });
      return { ok: true, state: next, receipt: { ...base, gasUsed } };
    }
    case 'contract.deploy':
    case 'contract.call':
      return applyContractTx(next, tx, env, base, contracts);
  }
}

function applyContractTx(afterFee: LedgerState, tx: SignedTx, env: BlockEnv, base: Receipt, contracts?: ContractExecutor): TxOutcome {
  if (!contracts) return { ok: false, invalid: { reason: 'contracts-unavailable', detail: 'this network was started without the contract VM' } };
  const { body } = tx;
  const payload = body.payload;
  const block: BlockContext = { height: env.height, timeMs: env.timestampMs, parentHash: env.parentHash, chainId: env.chainId };
  let request: ExecutionRequest;
  let deployedAt: Address | undefined;
  if (payload.type === 'contract.deploy') {
    deployedAt = contractAddress(body.from, body.nonce);
    request = { kind: 'deploy', sender: body.from, contract: deployedAt, source: payload.source, initArgs: payload.initArgs ?? null, value: payload.value, gasLimit: body.gasLimit, txHash: tx.hash, block, ...(payload.name !== undefined ? { name: payload.name } : {}) };
  } else if (payload.type === 'contract.call') {
    request = { kind: 'call', sender: body.from, contract: payload.contract, method: payload.method, args: payload.args ?? null, value: payload.value, gasLimit: body.gasLimit, txHash: tx.hash, block };
  } else {
    throw new Error('not a contract transaction');
  }
  const result = contracts.execute(request, afterFee);
  const receipt: Receipt = {
    ...base,
    status: result.status,
    gasUsed: result.gasUsed,
    returnValue: result.returnValue ?? null,
    events: result.status === 'ok' ? result.events : [],
    logs: result.logs,
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(deployedAt && result.status === 'ok' ? { contract: deployedAt } : {}),
  };
  if (result.status !== 'ok') return { ok: true, state: afterFee, receipt };
  let next = afterFee;
  for (const code of result.delta.deployed) next = next.withCode(code);
  for (const { from, to, amount } of result.delta.transfers) {
    invariant(next.balanceOf(from) >= amount, `VM transferred ${amount} from ${from}, which holds only ${next.balanceOf(from)}`);
    next = credit(debit(next, from, amount), to, amount);
  }
  for (const write of result.delta.storageWrites) next = next.withStorage(write.contract, write.key, write.value);
  return { ok: true, state: next, receipt };
}

/** Contract addresses are derived from (deployer, nonce), like Ethereum's CREATE. */
export function contractAddress(deployer: Address, nonce: number): Address {
  return '0x' + hashCanonical('contract-address', { deployer, nonce }).slice(0, 40);
}

function failed(state: LedgerState, base: Receipt, gasUsed: number, error: string): TxOutcome {
  return { ok: true, state, receipt: { ...base, status: 'reverted', gasUsed, error } };
}

function credit(state: LedgerState, address: Address, amount: number): LedgerState {
  const account = state.account(address);
  const balance = account.balance + amount;
  invariant(Number.isSafeInteger(balance), `balance of ${address} overflowed`);
  return state.withAccount(address, { ...account, balance });
}

function debit(state: LedgerState, address: Address, amount: number): LedgerState {
  const account = state.account(address);
  invariant(account.balance >= amount, `balance of ${address} would go negative`);
  return state.withAccount(address, { ...account, balance: account.balance - amount });
}

function applyReward(state: LedgerState, reward: BlockReward): LedgerState {
  invariant(Number.isSafeInteger(reward.amount) && reward.amount >= 0, `block reward must be a non-negative integer, got ${reward.amount}`);
  return reward.amount === 0 ? state : credit(state, reward.to, reward.amount);
}

export interface BlockExecution {
  state: LedgerState;
  receipts: Receipt[];
  receiptsRoot: Hash;
}

export type BlockExecutionOutcome = { ok: true; result: BlockExecution } | { ok: false; index: number; invalid: InvalidTx };

let sharing = true;
const CACHE_MAX = 4_096;
const executionCache = new Map<string, BlockExecutionOutcome>();
let executionsRun = 0;

/** Share block execution results between in-process nodes (default on). */
export function setExecutionSharing(enabled: boolean): void {
  sharing = enabled;
  executionCache.clear();
}

export function executionSharing(): boolean {
  return sharing;
}

/** Blocks actually executed (not answered from the shared cache), for benches and tests. */
export function blockExecutions(): number {
  return executionsRun;
}

export function receiptHash(receipt: Receipt): Hash {
  return hashCanonical('receipt', receipt);
}

/** Execute every transaction of a block in order; any invalid one makes the whole block invalid. */
export function executeBlock(parent: LedgerState, env: BlockEnv, txs: readonly SignedTx[], contracts?: ContractExecutor): BlockExecutionOutcome {
  const key = sharing ? executionKey(parent.root, env, txs) : undefined;
  if (key) {
    const cached = executionCache.get(key);
    if (cached) return cached;
  }
  executionsRun++;
  let state = parent;
  const receipts: Receipt[] = [];
  let outcome: BlockExecutionOutcome | undefined;
  for (let i = 0; i < txs.length; i++) {
    const applied = applyTx(state, txs[i]!, env, contracts);
    if (!applied.ok) {
      outcome = { ok: false, index: i, invalid: applied.invalid };
      break;
    }
    state = applied.state;
    receipts.push(applied.receipt);
  }
  if (!outcome && env.reward) state = applyReward(state, env.reward);
  outcome ??= { ok: true, result: { state, receipts, receiptsRoot: merkleRoot(receipts.map(receiptHash)) } };
  if (key) {
    if (executionCache.size >= CACHE_MAX) executionCache.delete(executionCache.keys().next().value!);
    executionCache.set(key, outcome);
  }
  return outcome;
}

function executionKey(parentRoot: Hash, env: BlockEnv, txs: readonly SignedTx[]): string {
  return hashCanonical('execution', { parentRoot, env: { ...env }, txs: txs.map((tx) => tx.hash) });
}

export interface BuiltBlock {
  txs: SignedTx[];
  execution: BlockExecution;
  skipped: Array<{ tx: SignedTx; invalid: InvalidTx }>;
}

/**
 * Assemble a block from candidates in order, leaving out any that are invalid at that point.
 * The result is remembered in the shared cache, so validators that import it reuse it.
 */
export function buildBlock(parent: LedgerState, env: BlockEnv, candidates: readonly SignedTx[], maxTxs: number, contracts?: ContractExecutor): BuiltBlock {
  let state = parent;
  const txs: SignedTx[] = [];
  const receipts: Receipt[] = [];
  const skipped: BuiltBlock['skipped'] = [];
  for (const tx of candidates) {
    if (txs.length >= maxTxs) break;
    const applied = applyTx(state, tx, env, contracts);
    if (!applied.ok) {
      skipped.push({ tx, invalid: applied.invalid });
      continue;
    }
    txs.push(tx);
    state = applied.state;
    receipts.push(applied.receipt);
  }
  if (env.reward) state = applyReward(state, env.reward);
  const execution = { state, receipts, receiptsRoot: merkleRoot(receipts.map(receiptHash)) };
  if (sharing) {
    executionsRun++;
    executionCache.set(executionKey(parent.root, env, txs), { ok: true, result: execution });
  }
  return { txs, execution, skipped };
}
