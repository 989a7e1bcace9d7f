/**
 * The scenario player: plays a service story on a simulated network, one step at a time,
 * and records what each step did — its transactions with receipts, contract events, a
 * plain-language state diff, the slice of the consensus trace it caused, and its checks.
 *
 * Going back (`prev`, `goTo`) rebuilds the network and replays deterministically: the same
 * scenario and seed always give the same records, block hashes and trace hash.
 */
import { LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import type { Address } from '../core/keys.ts';
import { parseFaults, applyFault } from '../api/faults.ts';
import { Network } from '../api/network.ts';
import type { ProtocolName } from '../consensus/protocol.ts';
import { contractAddress, type ContractExecutor } from '../ledger/execute.ts';
import type { LedgerState } from '../ledger/state.ts';
import type { AdmitResult } from '../ledger/mempool.ts';
import { Trie } from '../ledger/trie.ts';
import type { Receipt, SignedTx, TxPayload } from '../ledger/types.ts';
import type { TraceEventType } from '../sim/events.ts';
import type { Scenario, ScenarioAction, ScenarioExpect, ScenarioStep } from './format.ts';

export interface PlayerOptions {
  /** Run on another protocol than the file names. */
  protocol?: ProtocolName;
  seed?: number;
  /** The contract VM (needed when the scenario has contracts). */
  contracts?: ContractExecutor;
  /** Contract sources by the path written in the scenario. */
  sources?: Record<string, string>;
}

export interface TxRecord {
  name?: string;
  kind: TxPayload['type'];
  by: string;
  hash: Hash;
  /** ok / reverted / ... once in a block; "rejected" if no node took it. */
  status: Receipt['status'] | 'rejected' | 'pending';
  height?: number;
  receipt?: Receipt;
  rejection?: string;
}

export interface CheckResult {
  check: string;
  passed: boolean;
  detail: string;
}

export interface StepRecord {
  index: number;
  title: string;
  narration: string;
  transactions: TxRecord[];
  /** What changed in the ledger, in words. */
  changes: string[];
  /** Trace events this step caused, counted by type, and their index range. */
  trace: { from: number; to: number; counts: Partial<Record<TraceEventType, number>> };
  checks: CheckResult[];
  timeMs: number;
  height: number;
}

const WAIT_LIMIT_MS = 120_000;

export class ScenarioPlayer {
  private network!: Network;
  private records: StepRecord[] = [];
  private readonly txs = new Map<string, TxRecord>();
  private readonly contractAddresses = new Map<string, Address>();
  private readonly names = new Map<Address, string>();

  constructor(
    readonly scenario: Scenario,
    private readonly options: PlayerOptions = {},
  ) {
    if (scenario.network.visibility === 'private') {
      throw new LedgerlabError('scenario-private', 'private-data visibility is not available yet in this version of the player.', 'Use visibility: public, or leave it out.');
    }
    if ((scenario.contracts?.length ?? 0) > 0 && !options.contracts) {
      throw new LedgerlabError('scenario-no-vm', 'this scenario deploys contracts, but the player was started without the contract VM.', 'Pass the VM (the CLI does this for you).');
    }
    this.reset();
  }

  get protocol(): ProtocolName {
    return this.options.protocol ?? this.scenario.network.protocol;
  }

  get seed(): number {
    return this.options.seed ?? this.scenario.network.seed ?? 1;
  }

  get stepCount(): number {
    return this.scenario.steps.length;
  }

  /** Steps played so far. */
  get position(): number {
    return this.records.length;
  }

  get net(): Network {
    return this.network;
  }

  history(): readonly StepRecord[] {
    return this.records;
  }

  /** Play the next step. */
  next(): StepRecord {
    const index = this.records.length;
    const step = this.scenario.steps[index];
    if (!step) throw new LedgerlabError('scenario-end', `the story has ${this.stepCount} steps and all have been played.`, 'Use goTo(0) to start again.');
    const record = this.play(index, step);
    this.records.push(record);
    return record;
  }

  /** Go to just after step `count` (0 = before the first step), replaying from the start. */
  goTo(count: number): readonly StepRecord[] {
    if (!Number.isInteger(count) || count < 0 || count > this.stepCount) {
      throw new LedgerlabError('scenario-bad-step', `there is no position ${count}: positions go from 0 (the start) to ${this.stepCount}.`);
    }
    this.reset();
    while (this.records.length < count) this.next();
    return this.records;
  }

  prev(): readonly StepRecord[] {
    return this.goTo(Math.max(0, this.records.length - 1));
  }

  playAll(): readonly StepRecord[] {
    while (this.records.length < this.stepCount) this.next();
    return this.records;
  }

  /** The state the checks look at: the first live node's head. */
  state(): LedgerState {
    const live = this.network.status().find((s) => s.alive)?.node ?? 0;
    return this.network.chainOf(live).head().state;
  }

  addressOf(actorOrContract: string): Address {
    return this.contractAddresses.get(actorOrContract) ?? this.network.addressOf(actorOrContract);
  }

  /** "@sam" in contract arguments stands for Sam's address, "@sla" for a contract's. */
  private resolveRefs(value: unknown): unknown {
    if (typeof value === 'string' && /^@[a-z][a-z0-9-]*$/.test(value)) return this.addressOf(value.slice(1));
    if (Array.isArray(value)) return value.map((v) => this.resolveRefs(v));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveRefs(v)]));
    return value;
  }

  private reset(): void {
    const { scenario } = this;
    this.records = [];
    this.txs.clear();
    this.contractAddresses.clear();
    this.names.clear();
    this.network = new Network({
      protocol: this.protocol,
      nodes: scenario.network.nodes,
      seed: this.seed,
      actors: scenario.actors.map((a) => ({ name: a.id, kind: a.kind, balance: a.balance ?? 0 })),
      link: { latencyMs: scenario.network.latencyMs ?? 20, jitterMs: scenario.network.jitterMs ?? 30 },
      ...(this.options.contracts ? { contracts: this.options.contracts } : {}),
    });
    for (const actor of scenario.actors) this.names.set(this.network.addressOf(actor.id), actor.name);
    this.prologue();
  }

  /** Before step 1: credentials the actors already hold, and the contracts in place. */
  private prologue(): void {
    const pending: Array<{ submitted: { tx: SignedTx; admit: AdmitResult }; name?: string }> = [];
    for (const actor of this.scenario.actors) {
      for (const credential of actor.credentials ?? []) {
        const submitted = this.submit(credential.issuer, { type: 'credential.issue', subject: this.network.addressOf(actor.id), credentialType: credential.type, claims: credential.claims ?? {} });
        pending.push({ submitted, ...(credential.as ? { name: credential.as } : {}) });
      }
    }
    for (const contract of this.scenario.contracts ?? []) {
      const source = this.options.sources?.[contract.path];
      if (source === undefined) throw new LedgerlabError('scenario-missing-contract', `no source for contract "${contract.id}" (${contract.path}).`, 'Check the path: it is relative to the scenario file.');
      const deployer = this.network.actor(contract.deployer);
      const address = contractAddress(deployer.key.address, deployer.nextNonce);
      pending.push({ submitted: this.submit(contract.deployer, { type: 'contract.deploy', source, initArgs: this.resolveRefs(contract.init ?? null), value: 0, name: contract.path.split('/').pop()! }) });
      this.contractAddresses.set(contract.id, address);
      this.names.set(address, contract.id);
    }
    if (pending.length === 0) return;
    const records = pending.map(({ submitted, name }) => this.track(submitted, 'setup', name));
    this.waitFor(records);
    const failed = records.filter((r) => r.status !== 'ok');
    if (failed.length > 0) {
      throw new LedgerlabError('scenario-setup-failed', `setting up the story failed: ${failed.map((r) => `${r.kind} by ${r.by}: ${r.status}${r.receipt?.error ? ` (${r.receipt.error})` : ''}`).join('; ')}.`, 'Check the contracts and their init arguments.');
    }
  }

  /** Sign as the actor and hand the transaction to the first live node, as the actor's app would. */
  private submit(actor: string, payload: TxPayload): { tx: SignedTx; admit: AdmitResult } {
    const tx = this.network.sign(actor, payload, payload.type === 'contract.deploy' || payload.type === 'contract.call' ? { gasLimit: 50_000_000 } : {});
    const node = this.network.status().find((s) => s.alive)?.node ?? 0;
    return { tx, admit: this.network.submit(tx, node) };
  }

  private track({ tx, admit }: { tx: SignedTx; admit: AdmitResult }, by: string, name?: string): TxRecord {
    const record: TxRecord = { ...(name ? { name } : {}), kind: tx.body.payload.type, by, hash: tx.hash, status: 'pending' };
    if (!admit.ok) {
      record.status = 'rejected';
      record.rejection = `${admit.reason}: ${admit.detail}`;
    }
    if (name) this.txs.set(name, record);
    return record;
  }

  /** Run until every pending transaction is in a block on every live node (or the time limit). */
  private waitFor(records: TxRecord[]): void {
    const open = () => records.filter((r) => r.status === 'pending');
    if (open().length === 0) return;
    const deadline = this.network.now + WAIT_LIMIT_MS;
    // The predicate runs before every simulator event: look at the chains only when a head moved.
    let heads = '';
    let included = false;
    this.network.runUntil(
      () => {
        let now = '';
        for (let node = 0; node < this.network.nodeCount; node++) now += this.network.sim.isAlive(node) ? this.network.chainOf(node).head().block.hash : '-';
        if (now !== heads) {
          heads = now;
          included = open().every((r) => this.includedEverywhere(r));
        }
        return included;
      },
      { maxTimeMs: deadline },
    );
    for (const record of open()) this.resolve(record);
  }

  private includedEverywhere(record: TxRecord): boolean {
    return this.network.status().every((status) => !status.alive || this.network.receiptOf(record.hash, status.node) !== undefined);
  }

  private resolve(record: TxRecord): void {
    const live = this.network.status().find((s) => s.alive)?.node ?? 0;
    const found = this.network.receiptOf(record.hash, live);
    if (found) {
      record.status = found.receipt.status;
      record.receipt = found.receipt;
      record.height = found.height;
    } else {
      record.status = 'rejected';
      record.rejection ??= `not included within ${WAIT_LIMIT_MS / 1000} s of simulated time`;
    }
  }

  private play(index: number, step: ScenarioStep): StepRecord {
    const traceFrom = this.network.trace.length;
    const before = this.state();
    const transactions: TxRecord[] = [];
    for (const action of step.actions ?? []) {
      // A story is told in order: a transaction is sent once the ones before it are in a block
      // (faults and waits act at once, so a payment can be caught in a network split).
      if (!('fault' in action || 'wait' in action || 'tamper' in action)) this.waitFor(transactions);
      const record = this.perform(action);
      if (record) transactions.push(record);
    }
    this.waitFor(transactions);
    const after = this.state();
    const traceTo = this.network.trace.length;
    const counts: Partial<Record<TraceEventType, number>> = {};
    for (const event of this.network.trace.since(traceFrom)) counts[event.type] = (counts[event.type] ?? 0) + 1;
    const live = this.network.status().find((s) => s.alive)?.node ?? 0;
    return {
      index,
      title: step.title,
      narration: step.narration,
      transactions,
      changes: this.describeChanges(before, after),
      trace: { from: traceFrom, to: traceTo, counts },
      checks: (step.expect ?? []).map((check) => this.check(check)),
      timeMs: this.network.now,
      height: this.network.chainOf(live).headHeight,
    };
  }

  private perform(action: ScenarioAction): TxRecord | undefined {
    if ('transfer' in action) {
      const { from, to, amount, as } = action.transfer;
      return this.track(this.submit(from, { type: 'transfer', to: this.addressOf(to), amount }), from, as);
    }
    if ('call' in action) {
      const { by, contract, method, args, value, as } = action.call;
      return this.track(this.submit(by, { type: 'contract.call', contract: this.addressOf(contract), method, args: this.resolveRefs(args ?? null), value: value ?? 0 }), by, as);
    }
    if ('issue' in action) {
      const { by, to, type, claims, as } = action.issue;
      return this.track(this.submit(by, { type: 'credential.issue', subject: this.addressOf(to), credentialType: type, claims: claims ?? {} }), by, as);
    }
    if ('revoke' in action) {
      const { by, credential, as } = action.revoke;
      const issued = this.txs.get(credential);
      const id = issued?.receipt?.returnValue;
      if (typeof id !== 'string') throw new LedgerlabError('scenario-bad-revoke', `cannot revoke "${credential}": that credential was not issued (its transaction is ${issued?.status ?? 'unknown'}).`);
      return this.track(this.submit(by, { type: 'credential.revoke', credentialId: id }), by, as);
    }
    if ('fault' in action) {
      for (const step of parseFaults(`@0s ${action.fault}`, this.network.nodeCount)) applyFault(this.network, step.action);
      return undefined;
    }
    if ('tamper' in action) {
      const { node, height } = action.tamper;
      if (node >= this.network.nodeCount) throw new LedgerlabError('scenario-bad-node', `there is no node ${node}: nodes are numbered 0 to ${this.network.nodeCount - 1}.`);
      if (height > this.network.chainOf(node).headHeight) throw new LedgerlabError('scenario-bad-height', `node ${node} has no block ${height} yet (its chain is ${this.network.chainOf(node).headHeight} blocks long).`, 'Tamper with an earlier block, or wait for more blocks first.');
      // Someone with access to that machine edits the record: the first payment, or else the block's time.
      this.network.tamper(node, height, (block) => {
        const copy = JSON.parse(JSON.stringify(block)) as { header: { timestampMs: number }; txs: Array<{ body: { payload: { amount?: number } } }> };
        const payment = copy.txs.find((tx) => typeof tx.body.payload.amount === 'number');
        if (payment) payment.body.payload.amount = payment.body.payload.amount! * 10;
        else copy.header.timestampMs += 1;
        return copy as unknown as typeof block;
      });
      return undefined;
    }
    if ('wait' in action) {
      if ('ms' in action.wait) this.network.runFor(action.wait.ms);
      else {
        const target = this.network.commonHeight() + action.wait.blocks;
        this.network.runUntilHeight(target, { maxTimeMs: this.network.now + WAIT_LIMIT_MS });
      }
    }
    return undefined;
  }

  private check(check: ScenarioExpect): CheckResult {
    const state = this.state();
    if ('balance' in check) {
      const { actor, equals, atLeast, atMost } = check.balance;
      const balance = state.balanceOf(this.addressOf(actor));
      const passed = (equals === undefined || balance === equals) && (atLeast === undefined || balance >= atLeast) && (atMost === undefined || balance <= atMost);
      const want = [equals !== undefined ? `= ${equals}` : '', atLeast !== undefined ? `≥ ${atLeast}` : '', atMost !== undefined ? `≤ ${atMost}` : ''].filter(Boolean).join(' and ');
      return { check: `balance of ${actor} ${want}`, passed, detail: `${actor} holds ${balance}` };
    }
    if ('status' in check) {
      const record = this.txs.get(check.status.tx)!;
      return { check: `transaction "${check.status.tx}" is ${check.status.is}`, passed: record.status === check.status.is, detail: `it is ${record.status}${record.receipt?.error ? ` (${record.receipt.error})` : record.rejection ? ` (${record.rejection})` : ''}` };
    }
    if ('event' in check) {
      const record = this.txs.get(check.event.tx)!;
      const events = record.receipt?.events ?? [];
      const passed = events.some((e) => e.name === check.event.name && (check.event.data === undefined || JSON.stringify(e.data) === JSON.stringify(check.event.data)));
      return { check: `"${check.event.tx}" emitted ${check.event.name}`, passed, detail: events.length ? `events: ${events.map((e) => e.name).join(', ')}` : 'no events' };
    }
    if ('credential' in check) {
      const { actor, type, valid } = check.credential;
      const held = state.credentialsOf(this.addressOf(actor)).filter((c) => c.type === type);
      const hasValid = held.some((c) => !c.revoked);
      return { check: `${actor} ${valid ? 'holds' : 'does not hold'} a valid "${type}" credential`, passed: hasValid === valid, detail: held.length ? held.map((c) => (c.revoked ? 'revoked' : 'valid')).join(', ') : 'none issued' };
    }
    if ('sees' in check) {
      // Public ledger: every node, and so every actor, can read every payload.
      const canSee = true;
      return { check: `${check.sees.actor} ${check.sees.can ? 'can' : 'cannot'} see "${check.sees.tx}"`, passed: canSee === check.sees.can, detail: 'on a public ledger every payload is visible to everyone' };
    }
    if ('intact' in check) {
      const broken = this.network.verifyChain(check.intact.node);
      return { check: `node ${check.intact.node}'s chain is ${check.intact.is ? 'intact' : 'broken'}`, passed: (broken === undefined) === check.intact.is, detail: broken ? `first broken link at block ${broken.height}: ${broken.detail}` : 'every hash link holds' };
    }
    const { contract, method, args, equals, matches } = check.query;
    const live = this.network.status().find((s) => s.alive)?.node ?? 0;
    const result = this.network.query(this.addressOf(contract), method, this.resolveRefs(args ?? null), { node: live });
    const value = result.returnValue as Record<string, unknown> | null;
    const passed =
      result.status === 'ok' &&
      (equals === undefined || JSON.stringify(value) === JSON.stringify(this.resolveRefs(equals))) &&
      (matches === undefined || (value !== null && typeof value === 'object' && Object.entries(this.resolveRefs(matches) as Record<string, unknown>).every(([k, v]) => JSON.stringify(value[k]) === JSON.stringify(v))));
    return { check: `${contract}.${method}(${JSON.stringify(args ?? null)}) ${equals !== undefined ? `= ${JSON.stringify(equals)}` : `has ${JSON.stringify(matches)}`}`, passed, detail: result.status === 'ok' ? `it is ${JSON.stringify(result.returnValue)}` : `${result.status}: ${result.error ?? ''}` };
  }

  /** The state diff in words a policy audience can read. */
  private describeChanges(before: LedgerState, after: LedgerState): string[] {
    const name = (address: string) => this.names.get(address) ?? `${address.slice(0, 10)}…`;
    return Trie.diff(before.trie, after.trie).flatMap(({ key, before: was, after: now }) => {
      if (key.startsWith('acct:')) {
        const a = was ? (JSON.parse(was) as { balance: number }).balance : 0;
        const b = now ? (JSON.parse(now) as { balance: number }).balance : 0;
        return a === b ? [] : [`${name(key.slice(5))}'s balance went from ${a} to ${b}`];
      }
      if (key.startsWith('id:')) return [`${name(key.slice(3))} registered an identity`];
      if (key.startsWith('cred:')) {
        const c = JSON.parse(now ?? was!) as { issuer: string; subject: string; type: string; revoked: boolean };
        return [c.revoked ? `${name(c.issuer)} revoked ${name(c.subject)}'s "${c.type}" credential` : `${name(c.issuer)} issued ${name(c.subject)} a "${c.type}" credential`];
      }
      if (key.startsWith('code:')) return [`contract ${name(key.slice(5))} was deployed`];
      if (key.startsWith('store:')) {
        const [, contract, ...rest] = key.split(':');
        const readable = (text: string) => text.replace(/0x[0-9a-f]{40}/g, (address) => name(address));
        return [`${name(contract!)} recorded ${readable(rest.join(':'))} = ${now === undefined ? '(deleted)' : readable(now)}${was === undefined ? '' : ` (was ${readable(was)})`}`];
      }
      return [];
    });
  }
}
