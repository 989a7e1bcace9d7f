/**
 * The scenario player: plays a service story on a simulated network, one step at a time,
 * and records what each step did — its transactions with receipts, contract events, a
 * plain-language state diff, the slice of the consensus trace it caused, and its checks.
 *
 * Going back (`prev`, `goTo`) copies the nearest snapshot kept while playing and replays the
 * few steps after it, deterministically: the same scenario and seed always give the same
 * records, block hashes and trace hash. `branchAt` changes the story at a step and continues on
 * a new timeline, keeping the original reachable (`timelines`, `switchTo`); see timeline.ts.
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
import { describeStateChanges } from '../ledger/describe.ts';
import type { Receipt, SignedTx, TxPayload } from '../ledger/types.ts';
import type { TraceEventType } from '../sim/events.ts';
import type { Scenario, ScenarioAction, ScenarioExpect, ScenarioStep } from './format.ts';
import { checkCurrency, describeChain, miningNetworkOptions, playDoubleSpend, waitOnChain, type DoubleSpendOutcome } from './mining.ts';
import { actorView, commitmentCheck, PrivateStores, seesCheck, type ActorView, type ViewSource, type Visibility } from './privacy.ts';
import { playAtSpeed, TimelineTree, type PlaybackOptions, type SnapshotPolicy, type TimelineChange, type TimelineInfo } from './timeline.ts';

export interface PlayerOptions {
  /** Run on another protocol than the file names. */
  protocol?: ProtocolName;
  seed?: number;
  /** The contract VM (needed when the scenario has contracts). */
  contracts?: ContractExecutor;
  /** Contract sources by the path written in the scenario. */
  sources?: Record<string, string>;
  /** How often to keep a snapshot for going back (default: DEFAULT_SNAPSHOT_POLICY in timeline.ts). */
  snapshots?: Partial<SnapshotPolicy>;
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
  /** For a payment made with doubleSpend: how the race against the merchant went (mining.ts). */
  doubleSpend?: DoubleSpendOutcome;
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
  /** The timeline the step was played on ("main" unless the story was changed with branchAt). */
  timeline: string;
}

const WAIT_LIMIT_MS = 120_000;

export class ScenarioPlayer {
  private network!: Network;
  private records: StepRecord[] = [];
  private readonly txs = new Map<string, TxRecord>();
  private readonly contractAddresses = new Map<string, Address>();
  private readonly names = new Map<Address, string>();
  /** The parties' private stores (visibility: private). Plain data keyed by tx hash: snapshots copy it. */
  private readonly privateData = new PrivateStores();
  /** Snapshots and timelines. Not part of the state it snapshots (nor are scenario and options). */
  private readonly tree: TimelineTree;

  constructor(
    readonly scenario: Scenario,
    private readonly options: PlayerOptions = {},
  ) {
    if ((scenario.contracts?.length ?? 0) > 0 && !options.contracts) {
      throw new LedgerlabError('scenario-no-vm', 'this scenario deploys contracts, but the player was started without the contract VM.', 'Pass the VM (the CLI does this for you).');
    }
    this.reset();
    this.tree = new TimelineTree(this, ['scenario', 'options', 'tree'], options.contracts ? [options.contracts] : [], options.snapshots);
  }

  get protocol(): ProtocolName {
    return this.options.protocol ?? this.scenario.network.protocol;
  }

  get seed(): number {
    return this.options.seed ?? this.scenario.network.seed ?? 1;
  }

  /** Steps in the current timeline's story (the scenario's, unless a change added one). */
  get stepCount(): number {
    return this.tree.steps().length;
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
    const step = this.tree.steps()[index];
    if (!step) throw new LedgerlabError('scenario-end', `the story has ${this.stepCount} steps and all have been played.`, 'Use goTo(0) to start again.');
    this.tree.stepping();
    const record = this.play(index, step);
    this.records.push(record);
    this.tree.stepped(record);
    return record;
  }

  /** Go to just after step `count` (0 = before the first step): the nearest snapshot, then replay. */
  goTo(count: number): readonly StepRecord[] {
    this.tree.goTo(count);
    return this.records;
  }

  /** The timeline being played ("main" until branchAt). */
  get timeline(): string {
    return this.tree.id;
  }

  timelines(): TimelineInfo[] {
    return this.tree.list();
  }

  /** The records of a timeline up to its cursor, without switching to it. */
  recordsOf(timeline: string): readonly StepRecord[] {
    return timeline === this.tree.id ? this.records : (this.tree.fieldAt(timeline, 'records') as readonly StepRecord[]).slice();
  }

  /**
   * What if: at `position` (0 = before the first step), change the story — extra actions such
   * as `{ fault: 'crash 1' }` at the start of the next step, or one of its actions replaced —
   * and continue on a new timeline, which becomes current at `position`. The timeline left
   * behind stays as it was; `switchTo` goes back to it.
   */
  branchAt(position: number, change: TimelineChange): TimelineInfo {
    return this.tree.branchAt(position, change);
  }

  /** Make another timeline current, where it was left. */
  switchTo(timeline: string): readonly StepRecord[] {
    this.tree.switchTo(timeline);
    return this.records;
  }

  /** Play on at a speed, yielding each record as it is played (for a play button; the host gives the sleep). */
  playAtSpeed(options: PlaybackOptions): AsyncGenerator<StepRecord, void, undefined> {
    return playAtSpeed(this, options);
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

  /** Who can read what: public (everyone, everything) or private data (see privacy.ts). */
  get visibility(): Visibility {
    return this.scenario.network.visibility ?? 'public';
  }

  /**
   * What `actor` can see after `step` steps (default: now): each transaction in full or as a
   * sealed commitment, and the actor's balance and credentials at that point.
   */
  viewOf(actor: string, step = this.records.length): ActorView {
    return actorView(this.privacySource(), actor, step);
  }

  private privacySource(): ViewSource {
    const live = () => this.network.status().find((s) => s.alive)?.node ?? 0;
    return {
      scenario: this.scenario,
      visibility: this.visibility,
      network: this.network,
      stores: this.privateData,
      records: this.records,
      txNamed: (name) => this.txs.get(name),
      stateAfter: (step) => (step >= this.records.length ? this.state() : (this.network.blockAt(live(), this.records[step - 1]!.height)?.state ?? this.state())),
      idOf: (address) => [...this.contractAddresses].find(([, a]) => a === address)?.[0] ?? this.scenario.actors.find((a) => this.network.addressOf(a.id) === address)?.id,
      resolveRefs: (value) => this.resolveRefs(value),
    };
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
      ...miningNetworkOptions(scenario, this.protocol, this.seed),
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
      if (!contract.later) pending.push({ submitted: this.deploy(contract) });
    }
    if (pending.length === 0) return;
    const records = pending.map(({ submitted, name }) => this.track(submitted, 'setup', name));
    this.waitFor(records);
    const failed = records.filter((r) => r.status !== 'ok');
    if (failed.length > 0) {
      throw new LedgerlabError('scenario-setup-failed', `setting up the story failed: ${failed.map((r) => `${r.kind} by ${r.by}: ${r.status}${r.receipt?.error ? ` (${r.receipt.error})` : ''}`).join('; ')}.`, 'Check the contracts and their init arguments.');
    }
  }

  /** Sign and send a contract's deployment; its id names the address from now on. */
  private deploy(contract: NonNullable<Scenario['contracts']>[number]): { tx: SignedTx; admit: AdmitResult } {
    const source = this.options.sources?.[contract.path];
    if (source === undefined) throw new LedgerlabError('scenario-missing-contract', `no source for contract "${contract.id}" (${contract.path}).`, 'Check the path: it is relative to the scenario file.');
    const deployer = this.network.actor(contract.deployer);
    const address = contractAddress(deployer.key.address, deployer.nextNonce);
    const submitted = this.submit(contract.deployer, { type: 'contract.deploy', source, initArgs: this.resolveRefs(contract.init ?? null), value: 0, name: contract.path.split('/').pop()! });
    this.contractAddresses.set(contract.id, address);
    this.names.set(address, contract.id);
    return submitted;
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
      if (record) transactions.push(...[record].flat());
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
      changes: [...describeChain(this.network, this.scenario, this.network.trace.since(traceFrom), transactions), ...this.describeChanges(before, after)],
      trace: { from: traceFrom, to: traceTo, counts },
      checks: (step.expect ?? []).map((check) => this.check(check, traceFrom)),
      timeMs: this.network.now,
      height: this.network.chainOf(live).headHeight,
      timeline: this.tree.id,
    };
  }

  private perform(action: ScenarioAction): TxRecord | TxRecord[] | undefined {
    if ('transfer' in action) {
      const { from, to, amount, as } = action.transfer;
      if (action.transfer.private && this.visibility === 'private') {
        // Sealed: the ledger gets the commitment, the parties the payment (privacy.ts).
        const payload = { kind: 'transfer' as const, from: this.addressOf(from), to: this.addressOf(to), amount };
        return this.track(this.privateData.seal(this.network, from, action.transfer.private, payload, (sealed) => this.submit(from, sealed)), from, as);
      }
      return this.track(this.submit(from, { type: 'transfer', to: this.addressOf(to), amount }), from, as);
    }
    if ('call' in action) {
      const { by, contract, method, args, value, as } = action.call;
      if (action.call.private && this.visibility === 'private') {
        if ((value ?? 0) > 0) throw new LedgerlabError('scenario-private-value', `the private call to ${contract}.${method} sends value, which would show the amount to everyone.`, 'Leave value out and settle with a public transfer.');
        const payload = { kind: 'call' as const, from: this.addressOf(by), contract: this.addressOf(contract), method, args: this.resolveRefs(args ?? null) };
        return this.track(this.privateData.seal(this.network, by, action.call.private, payload, (sealed) => this.submit(by, sealed)), by, as);
      }
      return this.track(this.submit(by, { type: 'contract.call', contract: this.addressOf(contract), method, args: this.resolveRefs(args ?? null), value: value ?? 0 }), by, as);
    }
    if ('deploy' in action) {
      const contract = this.scenario.contracts?.find((c) => c.id === action.deploy.contract);
      if (!contract) throw new LedgerlabError('scenario-unknown-contract', `no contract "${action.deploy.contract}" to deploy.`, 'Define it under contracts with later: true.');
      return this.track(this.deploy(contract), contract.deployer, action.deploy.as);
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
    if ('doubleSpend' in action) {
      const records = playDoubleSpend(this.network, this.scenario, action.doubleSpend);
      for (const record of records) if (record.name) this.txs.set(record.name, record);
      return records;
    }
    if ('wait' in action) {
      if ('ms' in action.wait) this.network.runFor(action.wait.ms);
      else if ('blocks' in action.wait) {
        const target = this.network.commonHeight() + action.wait.blocks;
        this.network.runUntilHeight(target, { maxTimeMs: this.network.now + WAIT_LIMIT_MS });
      } else waitOnChain(this.network, action.wait, this.txs);
    }
    return undefined;
  }

  private check(check: ScenarioExpect, stepTraceFrom = this.network.trace.length): CheckResult {
    if ('supply' in check || 'reward' in check || 'forks' in check || 'confirmations' in check || 'doubleSpend' in check) {
      return checkCurrency(this.network, this.scenario, check, this.txs, this.network.trace.since(stepTraceFrom));
    }
    const state = this.state();
    if ('balance' in check) {
      const { actor, equals, atLeast, atMost } = check.balance;
      const balance = state.balanceOf(this.addressOf(actor));
      const passed = (equals === undefined || balance === equals) && (atLeast === undefined || balance >= atLeast) && (atMost === undefined || balance <= atMost);
      const want = [equals !== undefined ? `= ${equals}` : '', atLeast !== undefined ? `≥ ${atLeast}` : '', atMost !== undefined ? `≤ ${atMost}` : ''].filter(Boolean).join(' and ');
      return { check: `balance of ${actor} ${want}`, passed, detail: `${actor} holds ${balance}` };
    }
    if ('status' in check) {
      const record = this.txs.get(check.status.tx);
      // A timeline changed with branchAt may leave out the transaction a check names.
      if (!record) return { check: `transaction "${check.status.tx}" is ${check.status.is}`, passed: false, detail: `no transaction named "${check.status.tx}" was made` };
      return { check: `transaction "${check.status.tx}" is ${check.status.is}`, passed: record.status === check.status.is, detail: `it is ${record.status}${record.receipt?.error ? ` (${record.receipt.error})` : record.rejection ? ` (${record.rejection})` : ''}` };
    }
    if ('event' in check) {
      const record = this.txs.get(check.event.tx);
      const events = record?.receipt?.events ?? [];
      const want = check.event.data === undefined ? undefined : this.resolveRefs(check.event.data);
      const passed = events.some((e) => e.name === check.event.name && (want === undefined || sameJson(e.data, want)));
      const shown = (e: { name: string; data: unknown }) => (want === undefined ? e.name : `${e.name} ${JSON.stringify(e.data)}`);
      return { check: `"${check.event.tx}" emitted ${check.event.name}${want === undefined ? '' : ` with ${JSON.stringify(want)}`}`, passed, detail: !record ? `no transaction named "${check.event.tx}" was made` : events.length ? `events: ${events.map(shown).join(', ')}` : 'no events' };
    }
    if ('credential' in check) {
      const { actor, type, valid } = check.credential;
      const held = state.credentialsOf(this.addressOf(actor)).filter((c) => c.type === type);
      const hasValid = held.some((c) => !c.revoked);
      return { check: `${actor} ${valid ? 'holds' : 'does not hold'} a valid "${type}" credential`, passed: hasValid === valid, detail: held.length ? held.map((c) => (c.revoked ? 'revoked' : 'valid')).join(', ') : 'none issued' };
    }
    if ('sees' in check) return seesCheck(this.privacySource(), check.sees);
    if ('commitment' in check) return commitmentCheck(this.privacySource(), check.commitment);
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
      (equals === undefined || sameJson(value, this.resolveRefs(equals))) &&
      (matches === undefined || (value !== null && typeof value === 'object' && Object.entries(this.resolveRefs(matches) as Record<string, unknown>).every(([k, v]) => sameJson(value[k], v))));
    return { check: `${contract}.${method}(${JSON.stringify(args ?? null)}) ${equals !== undefined ? `= ${JSON.stringify(equals)}` : `has ${JSON.stringify(matches)}`}`, passed, detail: result.status === 'ok' ? `it is ${JSON.stringify(result.returnValue)}` : `${result.status}: ${result.error ?? ''}` };
  }

  /** The state diff in words a policy audience can read. */
  private describeChanges(before: LedgerState, after: LedgerState): string[] {
    return describeStateChanges(before, after, (address) => this.names.get(address) ?? `${address.slice(0, 10)}…`);
  }
}

/** JSON equality that ignores the order of object keys (a contract may build objects in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
