/**
 * An in-memory ledger for running contracts without a network: a ContractStateView that
 * applies execution results, and request builders. Used by tests and benches, and meant for
 * the CLI and the contract workbench. Deterministic: fixed clock, sequential hashes.
 */
import type {
  Address,
  BlockContext,
  ContractCode,
  ContractStateView,
  Credential,
  ExecutionRequest,
  ExecutionResult,
  Identity,
} from './host-interface.ts';
import { ContractVM, type ContractVMOptions } from './vm.ts';

export class MemoryState implements ContractStateView {
  /** contract -> key -> canonical JSON text */
  storage = new Map<Address, Map<string, string>>();
  balances = new Map<Address, number>();
  code = new Map<Address, ContractCode>();
  identities = new Map<Address, Identity>();
  credentials = new Map<Address, Credential[]>();
  height = 1;
  chainId = 'ledgerlab-test';
  /** 2026-11-24T09:30:00Z */
  timeMs = 1_795_512_600_000;

  storageGet(contract: Address, key: string): string | undefined {
    return this.storage.get(contract)?.get(key);
  }
  storageScan(contract: Address, prefix: string, startAfter: string | undefined, limit: number): Array<[string, string]> {
    const rows: Array<[string, string]> = [];
    for (const [key, value] of this.storage.get(contract) ?? []) {
      if (key.startsWith(prefix) && (startAfter === undefined || key > startAfter)) rows.push([key, value]);
    }
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return rows.slice(0, limit);
  }
  balanceOf(a: Address): number {
    return this.balances.get(a) ?? 0;
  }
  codeOf(c: Address): ContractCode | undefined {
    return this.code.get(c);
  }
  identityOf(a: Address): Identity | undefined {
    return this.identities.get(a);
  }
  credentialsOf(s: Address): Credential[] {
    return this.credentials.get(s) ?? [];
  }

  apply(result: ExecutionResult): void {
    if (result.status !== 'ok') return;
    for (const w of result.delta.storageWrites) {
      let contract = this.storage.get(w.contract);
      if (!contract) this.storage.set(w.contract, (contract = new Map()));
      if (w.value === null) contract.delete(w.key);
      else contract.set(w.key, w.value);
    }
    for (const t of result.delta.transfers) {
      this.balances.set(t.from, this.balanceOf(t.from) - t.amount);
      this.balances.set(t.to, this.balanceOf(t.to) + t.amount);
    }
    for (const c of result.delta.deployed) this.code.set(c.address, c);
  }

  block(): BlockContext {
    return { height: this.height, timeMs: this.timeMs, parentHash: 'ab'.repeat(32), chainId: this.chainId };
  }
}

/**
 * A VM plus an in-memory state: deploy/call/query that apply their results like a ledger
 * would. For tests, benches, the CLI and the contract workbench (no network needed).
 */
export class Sandbox {
  txCounter = 0;
  /** Sender when a request does not name one. */
  defaultSender: Address = `0x${'a1'.repeat(20)}`;
  private addressCounter = 0;
  constructor(public vm: ContractVM, public state = new MemoryState()) {}

  /** A fresh contract address (sequential, deterministic). */
  nextAddress(): Address {
    return `0x${'c0'}${(++this.addressCounter).toString(16).padStart(38, '0')}`;
  }

  static async create(options?: ContractVMOptions): Promise<Sandbox> {
    return new Sandbox(await ContractVM.create(options));
  }

  txHash(): string {
    return (++this.txCounter).toString(16).padStart(64, '0');
  }

  deployRequest(source: string, opts: { contract?: Address; sender?: Address; initArgs?: unknown; value?: number; gasLimit?: number; name?: string } = {}): ExecutionRequest {
    return {
      kind: 'deploy',
      sender: opts.sender ?? this.defaultSender,
      contract: opts.contract ?? this.nextAddress(),
      source,
      initArgs: opts.initArgs,
      value: opts.value ?? 0,
      gasLimit: opts.gasLimit ?? 50_000_000,
      txHash: this.txHash(),
      block: this.state.block(),
      ...(opts.name !== undefined ? { name: opts.name } : {}),
    };
  }

  deploy(source: string, opts: Parameters<Sandbox['deployRequest']>[1] = {}): { address: Address; result: ExecutionResult } {
    const request = this.deployRequest(source, opts);
    const result = this.vm.execute(request, this.state);
    this.state.apply(result);
    return { address: request.contract, result };
  }

  callRequest(contract: Address, method: string, args?: unknown, opts: { sender?: Address; value?: number; gasLimit?: number; txHash?: string } = {}): ExecutionRequest {
    return {
      kind: 'call',
      sender: opts.sender ?? this.defaultSender,
      contract,
      method,
      args,
      value: opts.value ?? 0,
      gasLimit: opts.gasLimit ?? 50_000_000,
      txHash: opts.txHash ?? this.txHash(),
      block: this.state.block(),
    };
  }

  call(contract: Address, method: string, args?: unknown, opts: Parameters<Sandbox['callRequest']>[3] = {}): ExecutionResult {
    const result = this.vm.execute(this.callRequest(contract, method, args, opts), this.state);
    this.state.apply(result);
    return result;
  }

  query(contract: Address, method: string, args?: unknown, opts: { sender?: Address; gasLimit?: number } = {}): ExecutionResult {
    return this.vm.execute(
      { kind: 'query', sender: opts.sender ?? this.defaultSender, contract, method, args, gasLimit: opts.gasLimit ?? 50_000_000, block: this.state.block() },
      this.state,
    );
  }
}
