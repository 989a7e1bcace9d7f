/**
 * ContractLab: a small, fresh, in-process network for trying and testing contracts.
 *
 *   const net = await ContractLab.create({ actors: ['council', 'alice'] });
 *   const token = await net.deploy('token.js', { name: 'Civic credits' }, { from: 'council' });
 *   const receipt = net.call(token, 'mint', { to: net.address('alice'), amount: 50 }, { from: 'council' });
 *   net.query(token, 'balanceOf', { owner: net.address('alice') });   // 50
 *
 * It is a real {@link Network} (proof-of-authority, one node by default) running the real VM,
 * driven like a developer chain that mines on demand: each transaction is submitted and the
 * network runs until the transaction is in a block on every node, so `call` returns its
 * receipt. `advance(ms)` moves time on without producing the blocks in between (a month of
 * one-second blocks would take minutes), for contracts with deadlines and periods.
 * Used by `ledgerlab test` and `ledgerlab call` (engine/node/contract-cli.ts); pure, so the
 * studio's worker can use it too. File access is injected (`load`).
 */
import { invariant, LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import { isAddress, type Address } from '../core/keys.ts';
import type { ContractExecutor } from '../ledger/execute.ts';
import type { IdentityKind, Receipt, SignedTx, TxPayload } from '../ledger/types.ts';
import type { ContractVM } from '../vm/vm.ts';
import { Network, type Actor } from './network.ts';

/** An actor: a name, or a name with a kind and an opening balance. */
export type LabActor = string | { name: string; kind?: IdentityKind; balance?: number };

export interface LabOptions {
  /** People, organisations and devices, each with a registered identity. Default: alice, bob, carol. */
  actors?: LabActor[];
  /** Opening balance of actors that do not give one (default 1 000 000). */
  balance?: number;
  /** Ledger nodes (default 1). Every transaction waits until every node has it. */
  nodes?: number;
  seed?: number;
  /** Block period (default 1 000 ms): a transaction lands in the next block, up to this much later. */
  blockPeriodMs?: number;
  /** The contract VM (default: one VM shared by every lab in this process; results never depend on what it ran before). */
  vm?: ContractExecutor;
  /** How `deploy(file)` reads a contract's source (the CLI reads files next to the test file). */
  load?: (file: string) => string | Promise<string>;
}

export interface TxOptions {
  /** Actor name or address of the signer (default: the first actor). */
  from?: string;
  /** Value sent with the call or deploy, from the signer's balance. */
  value?: number;
  gasLimit?: number;
  /** Paid to the block's proposer (default 0, so balances in tests stay round). */
  fee?: number;
}

/** A receipt, plus where and when the transaction landed. */
export interface LabReceipt extends Receipt {
  height: number;
  blockTimeMs: number;
}

export interface DeployedContract {
  readonly address: Address;
  readonly name: string;
  readonly receipt: LabReceipt;
}

/** A contract as `call` and `query` accept it: what `deploy` returned, or an address. */
export type ContractRef = DeployedContract | Address;

const DEFAULT_ACTORS: LabActor[] = ['alice', 'bob', 'carol'];
const DEFAULT_BALANCE = 1_000_000;
/** Blocks a transaction may wait for inclusion before the lab gives up. */
const INCLUSION_BLOCKS_MAX = 30;
const EVENTS_PER_WAIT_MAX = 1_000_000;

/** A deploy that did not succeed: the error says why; the receipt has the details. */
export class LabDeployError extends LedgerlabError {
  override name = 'LabDeployError';
  constructor(
    message: string,
    readonly receipt: LabReceipt,
  ) {
    super('lab-deploy-failed', message);
  }
}

let sharedVm: Promise<ContractVM> | undefined;

/**
 * The VM every lab shares unless given one, created on first use. Loaded lazily so that code
 * importing engine/api for networks alone (the studio's worker) does not load the VM's wasm.
 */
export function sharedContractVm(): Promise<ContractVM> {
  sharedVm ??= import('../vm/vm.ts').then(({ ContractVM }) => ContractVM.create());
  return sharedVm;
}

export class ContractLab {
  readonly network: Network;
  private readonly load: LabOptions['load'];
  private readonly defaultSender: string;

  private constructor(network: Network, options: LabOptions, defaultSender: string) {
    this.network = network;
    this.load = options.load;
    this.defaultSender = defaultSender;
  }

  static async create(options: LabOptions = {}): Promise<ContractLab> {
    const actors = (options.actors ?? DEFAULT_ACTORS).map((a) => (typeof a === 'string' ? { name: a } : a));
    if (actors.length === 0) throw new LedgerlabError('lab-no-actors', 'a lab needs at least one actor to sign transactions.', "Pass actors, e.g. lab({ actors: ['council', 'alice'] }).");
    const balance = options.balance ?? DEFAULT_BALANCE;
    const network = new Network({
      protocol: 'poa',
      nodes: options.nodes ?? 1,
      seed: options.seed ?? 1,
      blockPeriodMs: options.blockPeriodMs ?? 1_000,
      actors: actors.map((a) => ({ name: a.name, kind: a.kind ?? 'person', balance: a.balance ?? balance })),
      contracts: options.vm ?? (await sharedContractVm()),
      traceRetain: 10_000,
      traceMessages: false,
    });
    return new ContractLab(network, options, actors[0]!.name);
  }

  /** Address of an actor (an address is returned as is). */
  address(actor: string): Address {
    return this.network.addressOf(actor);
  }

  /** Native balance of an actor, contract or address, on node 0's head. */
  balanceOf(who: ContractRef): number {
    return this.headState().balanceOf(this.resolve(who));
  }

  /** Time of the newest block, in ms: what the last transaction saw as `ctx.blockTime`. */
  time(): number {
    return this.network.chainOf(0).head().block.header.timestampMs;
  }

  /** Height of the newest block. */
  height(): number {
    return this.network.chainOf(0).headHeight;
  }

  /**
   * Deploy a contract file (read with the `load` option; `ledgerlab test` resolves it next to
   * the test file). Throws if the deploy does not succeed, with the error and the log lines.
   */
  async deploy(file: string, initArgs: unknown = null, options: TxOptions = {}): Promise<DeployedContract> {
    if (!this.load) throw new LedgerlabError('lab-no-loader', `cannot read "${file}": this lab was created without a way to load files.`, 'Use deploySource(source, initArgs, { name }) instead.');
    const source = await this.load(file);
    const name = file.replace(/^.*[\\/]/, '').replace(/\.js$/, '');
    return this.deploySource(source, initArgs, { ...options, name });
  }

  /** Deploy a contract from its source text (`name` is how errors refer to it: "name.js:3:5"). */
  deploySource(source: string, initArgs: unknown = null, options: TxOptions & { name?: string } = {}): DeployedContract {
    const name = options.name ?? 'contract';
    const payload: TxPayload = { type: 'contract.deploy', source, initArgs, value: options.value ?? 0, name };
    const receipt = this.include(payload, options.from ?? this.defaultSender, options, `deploy of ${name}.js`);
    if (receipt.status !== 'ok') {
      throw new LabDeployError(`deploy of ${name}.js failed: ${receipt.error ?? receipt.status}${logsNote(receipt.logs)}`, receipt);
    }
    invariant(receipt.contract !== undefined, 'a successful deploy has a contract address in its receipt');
    return Object.freeze({ address: receipt.contract, name, receipt });
  }

  /**
   * Call a method in a transaction and return its receipt once it is in a block: `status`
   * ("ok", "reverted", "out_of_gas", ...), `returnValue`, `error`, `events`, `logs`, `gasUsed`.
   * A failed call does not throw (check the receipt); a transaction the ledger refuses outright
   * (the signer cannot pay, for example) does.
   */
  call(contract: ContractRef, method: string, args: unknown = null, options: TxOptions = {}): LabReceipt {
    const address = this.resolve(contract);
    return this.include({ type: 'contract.call', contract: address, method, args, value: options.value ?? 0 }, options.from ?? this.defaultSender, options, `call ${this.label(contract)}.${method}()`);
  }

  /**
   * Run a method read-only on the newest state, without a transaction, and return its value.
   * Throws if it fails (with the error and log lines). `from` sets `ctx.sender`.
   */
  query(contract: ContractRef, method: string, args: unknown = null, options: { from?: string; gasLimit?: number } = {}): unknown {
    const result = this.network.query(this.resolve(contract), method, args, {
      sender: options.from ?? this.defaultSender,
      ...(options.gasLimit !== undefined ? { gasLimit: options.gasLimit } : {}),
    });
    if (result.status !== 'ok') {
      throw new LedgerlabError('lab-query-failed', `query ${this.label(contract)}.${method}() failed: ${result.error ?? result.status}${logsNote(result.logs)}`);
    }
    return result.returnValue;
  }

  /** Move native value between actors (or to a contract). */
  transfer(from: string, to: ContractRef, amount: number, options: Omit<TxOptions, 'from' | 'value'> = {}): LabReceipt {
    return this.include({ type: 'transfer', to: this.resolve(to), amount }, from, options, `transfer from ${from}`);
  }

  /**
   * `issuer` (a registered identity: every actor is one) issues a credential about `subject`,
   * e.g. issueCredential('council', 'alice', 'resident', { ward: 'North' }). Returns its id.
   */
  issueCredential(issuer: string, subject: string, type: string, claims: Record<string, unknown> = {}): Hash {
    const receipt = this.include({ type: 'credential.issue', subject: this.address(subject), credentialType: type, claims }, issuer, {}, `credential.issue by ${issuer}`);
    if (receipt.status !== 'ok') throw new LedgerlabError('lab-credential-failed', `${issuer} could not issue "${type}": ${receipt.error}`);
    return receipt.returnValue as Hash;
  }

  /** The issuer revokes a credential; the receipt says whether the ledger allowed it. */
  revokeCredential(issuer: string, credentialId: Hash): LabReceipt {
    return this.include({ type: 'credential.revoke', credentialId }, issuer, {}, `credential.revoke by ${issuer}`);
  }

  /**
   * Let `ms` of time pass. The nodes are paused over the gap (no empty blocks are made, so a
   * month costs no more than a minute), then one block is made at the new time, so queries and
   * the next transaction see it. Heights grow by one: contracts should reason in time.
   */
  advance(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new LedgerlabError('lab-bad-advance', `advance(ms) needs a non-negative whole number of milliseconds, got ${ms}.`);
    const net = this.network;
    const height = net.commonHeight();
    const nodes = Array.from({ length: net.nodeCount }, (_, id) => id);
    // Every transaction the lab sent is already in a block, so the nodes lose nothing in memory.
    for (const id of nodes) net.sim.crash(id);
    net.runUntilTime(net.now + ms);
    for (const id of nodes) net.sim.restart(id);
    const result = net.runUntilHeight(height + 1, { maxTimeMs: net.now + INCLUSION_BLOCKS_MAX * net.blockPeriodMs, maxEvents: EVENTS_PER_WAIT_MAX });
    if (result.reason !== 'reached') throw new LedgerlabError('lab-stalled', `the network made no block after advance(${ms}) (${result.reason}).`);
  }

  /** Raw value stored by a contract under `key` (parsed JSON), or undefined: the record as every node holds it. */
  storage(contract: ContractRef, key: string): unknown {
    const text = this.headState().storageGet(this.resolve(contract), key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  private headState() {
    return this.network.chainOf(0).head().state;
  }

  private resolve(ref: ContractRef): Address {
    if (typeof ref === 'object' && ref !== null && typeof ref.address === 'string') return ref.address;
    if (typeof ref === 'string') {
      if (isAddress(ref)) return ref;
      return this.network.addressOf(ref); // throws a clear error listing the actors
    }
    throw new LedgerlabError('lab-bad-contract', `expected a deployed contract or an address, got ${String(ref)}.`, 'Pass what net.deploy() returned.');
  }

  private label(ref: ContractRef): string {
    return typeof ref === 'object' ? ref.name : ref.slice(0, 10);
  }

  /** The actor that signs for `from` (a name or an actor's address): the lab holds only its actors' keys. */
  private signer(from: string): Actor {
    const actor = this.network.actorList().find((a) => a.name === from || a.key.address === from);
    if (actor) return actor;
    const known = this.network.actorList().map((a) => a.name).join(', ');
    throw new LedgerlabError('unknown-actor', `no actor named "${from}" to sign with.`, `The lab can sign for its actors: ${known}.`);
  }

  /** Sign, submit, and run until the transaction is in a block on every node. */
  private include(payload: TxPayload, from: string, options: Omit<TxOptions, 'from' | 'value'>, what: string): LabReceipt {
    const net = this.network;
    const signer = this.signer(from);
    const tx: SignedTx = net.sign(signer.name, payload, {
      fee: options.fee ?? 0,
      ...(options.gasLimit !== undefined ? { gasLimit: options.gasLimit } : {}),
    });
    const refused = (reason: string, detail: string): never => {
      signer.nextNonce--; // the nonce was not used: the next transaction may take it
      throw new LedgerlabError('lab-tx-rejected', `${what} was refused by the ledger (${reason}): ${detail}.`);
    };
    const admitted = net.submit(tx, 0);
    if (!admitted.ok) refused(admitted.reason, admitted.detail);
    let rejection: { reason: string; detail: string } | undefined;
    const unsubscribe = net.trace.subscribe((event) => {
      if (event.type === 'tx.reject' && event.tx === tx.hash) rejection ??= { reason: event.reason, detail: event.detail };
    });
    const startHeight = net.chainOf(0).headHeight;
    const limits = { maxTimeMs: net.now + INCLUSION_BLOCKS_MAX * net.blockPeriodMs, maxEvents: EVENTS_PER_WAIT_MAX };
    try {
      net.runUntil(() => rejection !== undefined || net.receiptOf(tx.hash, 0, net.chainOf(0).headHeight - startHeight) !== undefined, limits);
    } finally {
      unsubscribe();
    }
    const found = net.receiptOf(tx.hash, 0, net.chainOf(0).headHeight - startHeight);
    if (!found) {
      if (rejection) refused(rejection.reason, rejection.detail);
      throw new LedgerlabError('lab-stalled', `${what} was not included within ${INCLUSION_BLOCKS_MAX} blocks.`);
    }
    net.runUntilHeight(found.height, limits);
    const blockTimeMs = net.blockAt(0, found.height)!.block.header.timestampMs;
    return { ...found.receipt, height: found.height, blockTimeMs };
  }
}

function logsNote(logs: readonly string[]): string {
  return logs.length === 0 ? '' : `\n  logs:\n${logs.map((l) => `    ${l}`).join('\n')}`;
}
