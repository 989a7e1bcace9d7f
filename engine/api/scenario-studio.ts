/**
 * The scenario player as the studio sees it: the story library, one story being played, and
 * after every move a {@link StoryView} — plain data that crosses the Worker boundary — with the
 * played steps (transactions, receipts, plain-language changes, checks), an actor card per
 * actor (balance, credentials, what the actor can see) and the network's state.
 *
 * This module adapts engine/scenario's ScenarioPlayer and adds only presentation facts that
 * need the engine (names for addresses, the story's actions in words, balances per position).
 * The CLI and tests can use it as the worker does.
 */
import { LedgerlabError } from '../core/assert.ts';
import type { ProtocolName } from '../consensus/protocol.ts';
import type { ContractExecutor } from '../ledger/execute.ts';
import type { TxPayload } from '../ledger/types.ts';
import type { Scenario, ScenarioAction } from '../scenario/format.ts';
import { loadScenario, type ScenarioProblem } from '../scenario/load.ts';
import { ScenarioPlayer, type CheckResult, type StepRecord, type TxRecord } from '../scenario/player.ts';
import { parseFaults, type FaultAction } from './faults.ts';
import { sharedContractVm } from './lab.ts';

export type { CheckResult, ScenarioProblem };

/** A story of the library, as the picker shows it. */
export interface StoryListing {
  /** Path of the file, e.g. "contracts/scenarios/taxi-journey.yaml". */
  file: string;
  /** The file name without extension, e.g. "taxi-journey". */
  id: string;
  title: string;
  summary: string;
  audience?: string;
  /** The protocol the story names first, and every protocol it may run on. */
  protocol: ProtocolName;
  protocols: ProtocolName[];
  nodes: number;
  seed: number;
  visibility: 'public' | 'private';
  actors: { id: string; name: string; kind: string }[];
  steps: { title: string; narration: string; actions: number; checks: number }[];
  /** Why the file does not load (located), when it does not. */
  problems?: ScenarioProblem[];
}

export interface TxView {
  /** The name the story gives it ("fare"), if any. */
  name?: string;
  kind: TxRecord['kind'];
  /** Actor id and display name of the signer. */
  by: string;
  byName: string;
  /** What it does, in words: "Amira Haddad pays Autonomous taxi AX-1 300". */
  summary: string;
  /** Actor ids the transaction concerns (signer, recipient, named private parties). */
  parties: string[];
  /** Sealed: only its commitment is on the ledger. */
  private: boolean;
  status: TxRecord['status'];
  hash: string;
  height?: number;
  blockHash?: string;
  gasUsed?: number;
  fee?: number;
  error?: string;
  rejection?: string;
  events: { name: string; data: string }[];
  /** JSON text of a contract call's return value. */
  returnValue?: string;
  logs: string[];
}

export interface StepView {
  index: number;
  title: string;
  narration: string;
  transactions: TxView[];
  /** The step's other actions in words: faults, waits, tampering. */
  happenings: string[];
  changes: string[];
  checks: CheckResult[];
  failedChecks: number;
  trace: { from: number; to: number; events: number; counts: Record<string, number> };
  timeMs: number;
  height: number;
}

export interface VisibleTx {
  step: number;
  label: string;
  /** The actor signed it or is party to it. */
  involved: boolean;
  /** The payload is readable by this actor (otherwise only its commitment). */
  readable: boolean;
}

export interface ActorCard {
  id: string;
  name: string;
  kind: string;
  about?: string;
  address: string;
  balance: number;
  /** Change since the previous position, when known. */
  balanceChange?: number;
  credentials: { type: string; issuer: string; revoked: boolean; claims: string }[];
  signed: number;
  sees: { mode: 'public' | 'private'; summary: string; items: VisibleTx[] };
}

export interface StoryView {
  story: StoryListing;
  /** The protocol and seed this run uses. */
  protocol: ProtocolName;
  seed: number;
  /** Steps played so far (0: before the first). */
  position: number;
  stepCount: number;
  records: StepView[];
  actors: ActorCard[];
  checks: { passed: number; failed: number; total: number };
  network: {
    timeMs: number;
    height: number;
    stateRoot: string;
    traceEvents: number;
    nodes: { node: number; alive: boolean; role: string; height: number }[];
  };
}

export interface StoryOptions {
  protocol?: ProtocolName;
  seed?: number;
  /** The contract VM; the shared one by default (created on first need). */
  contracts?: ContractExecutor;
}

/** The library order: the flagship first, then by title. */
const FLAGSHIP = 'taxi-journey';

/** Resolve `relative` against the folder of `from` ("contracts/scenarios/x.yaml", "../token.js" → "contracts/token.js"). */
export function resolveRelative(from: string, relative: string): string {
  if (relative.startsWith('/')) return relative.replace(/^\/+/, '');
  const parts = from.split('/').slice(0, -1);
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function fileId(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.ya?ml$/, '');
}

function listingOf(file: string, scenario: Scenario): StoryListing {
  const n = scenario.network;
  return {
    file,
    id: fileId(file),
    title: scenario.title,
    summary: scenario.summary.trim(),
    ...(scenario.audience ? { audience: scenario.audience.trim() } : {}),
    protocol: n.protocol,
    protocols: n.protocols && n.protocols.length > 0 ? [...n.protocols] : [n.protocol],
    nodes: n.nodes,
    seed: n.seed ?? 1,
    visibility: n.visibility ?? 'public',
    actors: scenario.actors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
    steps: scenario.steps.map((s) => ({ title: s.title, narration: s.narration, actions: s.actions?.length ?? 0, checks: s.expect?.length ?? 0 })),
  };
}

/** Every story among `files` (path → text), loaded and checked; broken ones carry their located problems. */
export function listStories(files: Readonly<Record<string, string>>): StoryListing[] {
  const stories = Object.keys(files)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file): StoryListing => {
      try {
        return listingOf(file, loadScenario(files[file]!, file));
      } catch (error) {
        const problems = problemsOf(error, file);
        return { file, id: fileId(file), title: fileId(file), summary: 'This story does not load.', protocol: 'poa', protocols: [], nodes: 0, seed: 0, visibility: 'public', actors: [], steps: [], problems };
      }
    });
  return stories.sort((a, b) => Number(b.id === FLAGSHIP) - Number(a.id === FLAGSHIP) || a.title.localeCompare(b.title));
}

/** A loader error as located problems (a non-scenario error becomes one problem at the file's start). */
export function problemsOf(error: unknown, file: string): ScenarioProblem[] {
  const problems = (error as { problems?: ScenarioProblem[] } | null)?.problems;
  if (Array.isArray(problems)) return problems;
  return [{ file, line: 1, column: 1, message: error instanceof Error ? error.message : String(error) }];
}

/**
 * The parts of the player's `viewOf(actor)` (engine/scenario/privacy.ts) this module reads.
 * Feature-detected and read field by field, so a player without it (or with more) still works.
 */
interface ActorViewLike {
  visibility?: unknown;
  transactions?: Array<{ step?: unknown; hash?: unknown; signer?: unknown; readable?: unknown; private?: unknown; parties?: unknown; summary?: unknown }>;
}

interface PlayerWithViews {
  viewOf?: (actor: string) => ActorViewLike;
}

/** One story being played, with the facts the studio shows after each move. */
export class ScenarioStudio {
  readonly listing: StoryListing;
  private readonly actorNames: Map<string, string>;
  private readonly views = new WeakMap<StepRecord, StepView>();
  /** Each actor's balance after N steps, as far as this run has seen them. */
  private readonly balancesAt = new Map<number, Record<string, number>>();
  private actorIds: Map<string, string> | undefined;
  private addressNames: Map<string, string> | undefined;

  private constructor(
    readonly scenario: Scenario,
    readonly file: string,
    readonly player: ScenarioPlayer,
  ) {
    this.listing = listingOf(file, scenario);
    this.actorNames = new Map(scenario.actors.map((a) => [a.id, a.name]));
    this.balancesAt.set(0, this.balances());
  }

  /**
   * Load a story and set it up (credentials issued, contracts deployed). `files` holds the
   * contract sources by path; a contract's path is resolved against `baseDir` (default: the
   * story's own folder). Throws ScenarioError (located problems) for a malformed story.
   */
  static async open(file: string, text: string, files: Readonly<Record<string, string>>, options: StoryOptions = {}, baseDir?: string): Promise<ScenarioStudio> {
    const scenario = loadScenario(text, file);
    const allowed = scenario.network.protocols && scenario.network.protocols.length > 0 ? scenario.network.protocols : [scenario.network.protocol];
    if (options.protocol !== undefined && !allowed.includes(options.protocol)) {
      throw new LedgerlabError('scenario-protocol', `"${scenario.title}" is not written for ${options.protocol}.`, `Pick one of the protocols it lists: ${allowed.join(', ')}.`);
    }
    const base = baseDir !== undefined ? `${baseDir.replace(/\/+$/, '')}/story.yaml` : file;
    const sources: Record<string, string> = {};
    for (const contract of scenario.contracts ?? []) {
      const path = resolveRelative(base, contract.path);
      const source = files[path];
      if (source === undefined) {
        throw new LedgerlabError('scenario-missing-contract', `${file}: contract "${contract.id}" points to ${contract.path} (${path}), which is not in the contract library.`, 'Paths are relative to the scenarios folder, e.g. ../token.js.');
      }
      sources[contract.path] = source;
    }
    const needsVm = (scenario.contracts?.length ?? 0) > 0;
    const contracts = options.contracts ?? (needsVm ? await sharedContractVm() : undefined);
    const player = new ScenarioPlayer(scenario, {
      ...(options.protocol ? { protocol: options.protocol } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(contracts ? { contracts } : {}),
      sources,
    });
    return new ScenarioStudio(scenario, file, player);
  }

  get position(): number {
    return this.player.position;
  }

  next(): StoryView {
    this.playNext();
    return this.view();
  }

  private playNext(): void {
    this.player.next();
    this.balancesAt.set(this.player.position, this.balances());
  }

  prev(): StoryView {
    this.player.prev();
    return this.view();
  }

  /** Go to just after step `position` (0: before the first step). */
  goTo(position: number): StoryView {
    if (position > this.player.position && Number.isInteger(position) && position <= this.player.stepCount) {
      // Forward: play on from here, remembering balances on the way.
      while (this.player.position < position) this.playNext();
      return this.view();
    }
    this.player.goTo(position);
    return this.view();
  }

  playAll(): StoryView {
    return this.goTo(this.player.stepCount);
  }

  view(): StoryView {
    const records = this.player.history().map((r) => this.stepView(r));
    const checks = records.flatMap((r) => r.checks);
    const failed = checks.filter((c) => !c.passed).length;
    const net = this.player.net;
    const status = net.status();
    const live = status.find((s) => s.alive) ?? status[0]!;
    return {
      story: this.listing,
      protocol: this.player.protocol,
      seed: this.player.seed,
      position: this.player.position,
      stepCount: this.player.stepCount,
      records,
      actors: this.actorCards(records),
      checks: { passed: checks.length - failed, failed, total: checks.length },
      network: {
        timeMs: net.now,
        height: live.headHeight,
        stateRoot: live.stateRoot,
        traceEvents: net.trace.length,
        nodes: status.map((s) => ({ node: s.node, alive: s.alive, role: s.role, height: s.headHeight })),
      },
    };
  }

  private name(actor: string): string {
    return this.actorNames.get(actor) ?? actor;
  }

  private balances(): Record<string, number> {
    const state = this.player.state();
    return Object.fromEntries(this.scenario.actors.map((a) => [a.id, state.balanceOf(this.player.addressOf(a.id))]));
  }

  private stepView(record: StepRecord): StepView {
    const cached = this.views.get(record);
    if (cached) return cached;
    const actions = this.scenario.steps[record.index]?.actions ?? [];
    const counts: Record<string, number> = {};
    let events = 0;
    for (const [type, n] of Object.entries(record.trace.counts)) {
      counts[type] = n ?? 0;
      events += n ?? 0;
    }
    const view: StepView = {
      index: record.index,
      title: record.title,
      narration: record.narration,
      transactions: record.transactions.map((tx) => this.txView(tx, actions)),
      happenings: actions.flatMap((a) => this.happening(a)),
      changes: record.changes.map((c) => this.readable(c)),
      checks: record.checks.map((c) => ({ check: this.readable(c.check), passed: c.passed, detail: this.readable(c.detail) })),
      failedChecks: record.checks.filter((c) => !c.passed).length,
      trace: { from: record.trace.from, to: record.trace.to, events, counts },
      timeMs: record.timeMs,
      height: record.height,
    };
    this.views.set(record, view);
    return view;
  }

  private txView(tx: TxRecord, actions: readonly ScenarioAction[]): TxView {
    const { summary, parties } = this.describeTx(tx, this.payloadOf(tx), actions);
    const receipt = tx.receipt;
    let blockHash: string | undefined;
    if (tx.height !== undefined) {
      const live = this.player.net.status().find((s) => s.alive)?.node ?? 0;
      blockHash = this.player.net.blockAt(live, tx.height)?.block.hash;
    }
    return {
      ...(tx.name ? { name: tx.name } : {}),
      kind: tx.kind,
      by: tx.by,
      byName: this.name(tx.by),
      summary,
      parties,
      private: tx.kind === 'private.record',
      status: tx.status,
      hash: tx.hash,
      ...(tx.height !== undefined ? { height: tx.height } : {}),
      ...(blockHash ? { blockHash } : {}),
      ...(receipt ? { gasUsed: receipt.gasUsed, fee: receipt.fee } : {}),
      ...(receipt?.error ? { error: receipt.error } : {}),
      ...(tx.rejection ? { rejection: tx.rejection } : {}),
      events: (receipt?.events ?? []).map((e) => ({ name: e.name, data: this.readable(JSON.stringify(e.data)) })),
      ...(receipt && receipt.returnValue !== null && receipt.returnValue !== undefined ? { returnValue: this.readable(JSON.stringify(receipt.returnValue)) } : {}),
      logs: [...(receipt?.logs ?? [])],
    };
  }

  /** Addresses in JSON text replaced by the names of actors and contracts. */
  private readable(text: string): string {
    if (!this.addressNames) {
      // Addresses are fixed by the seed and the story, so this map never goes stale.
      this.addressNames = new Map<string, string>();
      for (const a of this.scenario.actors) this.addressNames.set(this.player.addressOf(a.id), a.name);
      for (const c of this.scenario.contracts ?? []) this.addressNames.set(this.player.addressOf(c.id), c.id);
    }
    const names = this.addressNames;
    return text.replace(/0x[0-9a-f]{40}/g, (address) => names.get(address) ?? address);
  }

  /**
   * What a transaction does, in words, from its payload on the chain (or, while it is not in a
   * block, from the story's action of the same name).
   */
  private describeTx(tx: TxRecord, payload: TxPayload | undefined, actions: readonly ScenarioAction[]): { summary: string; parties: string[] } {
    const by = this.name(tx.by);
    const idOf = (address: string) => this.idByAddress().get(address);
    const party = (address: string) => (idOf(address) !== undefined ? [idOf(address)!] : []);
    if (payload) {
      switch (payload.type) {
        case 'transfer':
          return { summary: `${by} pays ${this.readable(payload.to)} ${payload.amount}`, parties: [tx.by, ...party(payload.to)] };
        case 'contract.call': {
          const args = this.readable(argsInWords(payload.args));
          const action = actions.find((a) => 'call' in a && a.call.by === tx.by && a.call.method === payload.method);
          const privateTo = action && 'call' in action ? (action.call.private ?? []) : [];
          return { summary: `${by} calls ${this.readable(payload.contract)}.${payload.method}(${args})${payload.value ? ` with ${payload.value} attached` : ''}`, parties: [tx.by, ...privateTo] };
        }
        case 'credential.issue':
          return { summary: `${by} issues ${this.readable(payload.subject)} a "${payload.credentialType}" credential`, parties: [tx.by, ...party(payload.subject)] };
        case 'credential.revoke': {
          const revoked = this.credentialById(payload.credentialId);
          if (revoked) return { summary: `${by} revokes ${this.name(revoked.subject)}'s "${revoked.type}" credential`, parties: [tx.by, revoked.subject] };
          return { summary: `${by} revokes a credential`, parties: [tx.by] };
        }
        case 'contract.deploy':
          return { summary: `${by} deploys ${payload.name ?? 'a contract'}`, parties: [tx.by] };
        case 'identity.register':
          return { summary: `${by} registers an identity`, parties: [tx.by] };
        case 'private.record': {
          // The presenter sees what the author wrote; each actor's card says who else can.
          const sealed = this.viewOf(tx.by)?.transactions?.find((t) => t.hash === tx.hash);
          const parties = Array.isArray(sealed?.parties) ? (sealed.parties as unknown[]).filter((p): p is string => typeof p === 'string') : [];
          const summary = typeof sealed?.summary === 'string' ? this.readable(sealed.summary) : `${by} records private data (only its fingerprint is on the ledger)`;
          return { summary, parties: [tx.by, ...parties.filter((p) => p !== tx.by)] };
        }
      }
    }
    const named = (fields: unknown, key: string) => tx.name !== undefined && fields !== null && typeof fields === 'object' && (fields as Record<string, unknown>)[key] === tx.name;
    const action = actions.find((a) => Object.values(a).some((fields) => named(fields, 'as') || named(fields, 'conflictAs')));
    if (action && 'doubleSpend' in action) {
      const spend = (action as { doubleSpend: Record<string, unknown> }).doubleSpend;
      const conflict = named(spend, 'conflictAs');
      const to = conflict ? (spend.instead === undefined ? 'another wallet' : this.name(String(spend.instead))) : this.name(String(spend.to));
      return { summary: `${by} pays ${to} ${String(spend.amount)}${conflict ? ' (the conflicting spend)' : ''}`, parties: [tx.by, ...[conflict ? spend.instead : spend.to].filter((p): p is string => typeof p === 'string')] };
    }
    if (action && 'transfer' in action) return { summary: `${by} pays ${this.name(action.transfer.to)} ${action.transfer.amount}`, parties: [tx.by, action.transfer.to] };
    if (action && 'call' in action) return { summary: `${by} calls ${action.call.contract}.${action.call.method}`, parties: [tx.by, ...(action.call.private ?? [])] };
    if (action && 'issue' in action) return { summary: `${by} issues ${this.name(action.issue.to)} a "${action.issue.type}" credential`, parties: [tx.by, action.issue.to] };
    return { summary: `${tx.kind} by ${by}`, parties: [tx.by] };
  }

  /** The actor holding a credential, and its type. */
  private credentialById(id: string): { subject: string; type: string } | undefined {
    const state = this.player.state();
    for (const actor of this.scenario.actors) {
      const found = state.credentialsOf(this.player.addressOf(actor.id)).find((c) => c.id === id);
      if (found) return { subject: actor.id, type: found.type };
    }
    return undefined;
  }

  private idByAddress(): Map<string, string> {
    this.actorIds ??= new Map(this.scenario.actors.map((a) => [this.player.addressOf(a.id), a.id]));
    return this.actorIds;
  }

  /** The signed transaction as the chain holds it, once it is in a block. */
  private payloadOf(tx: TxRecord): TxPayload | undefined {
    if (tx.height === undefined) return undefined;
    const live = this.player.net.status().find((s) => s.alive)?.node ?? 0;
    return this.player.net.blockAt(live, tx.height)?.block.txs.find((t) => t.hash === tx.hash)?.body.payload;
  }

  private happening(action: ScenarioAction): string[] {
    if ('wait' in action) return [describeWait(action.wait as Record<string, unknown>)];
    if ('tamper' in action) return [`Someone edits block ${action.tamper.height} in node ${action.tamper.node}'s copy of the ledger`];
    if ('fault' in action) {
      try {
        return parseFaults(`@0s ${action.fault}`, this.scenario.network.nodes).map((f) => describeFault(f.action));
      } catch {
        return [`Fault: ${action.fault}`];
      }
    }
    const [kind] = Object.keys(action);
    const fields = (Object.values(action)[0] ?? {}) as Record<string, unknown>;
    if (kind === 'doubleSpend') {
      const n = Number(fields.confirmations ?? 0);
      return [
        `${this.name(String(fields.by))} pays ${this.name(String(fields.to))} ${String(fields.amount)} while secretly mining, on node ${String(fields.miner)}, a block that sends the same coins to ${fields.instead ? this.name(String(fields.instead)) : 'someone else'}; ${this.name(String(fields.to))} hands over the goods after ${n === 0 ? 'seeing the payment (no confirmations)' : `${n} confirmation${n === 1 ? '' : 's'}`}`,
      ];
    }
    return kind && !['transfer', 'call', 'issue', 'revoke'].includes(kind) ? [`${kind}: ${this.readable(JSON.stringify(fields))}`] : [];
  }

  private actorCards(records: StepView[]): ActorCard[] {
    const state = this.player.state();
    const position = this.player.position;
    const before = position > 0 ? this.balancesAt.get(position - 1) : undefined;
    const txs = records.flatMap((r) => r.transactions.map((tx) => ({ step: r.index, tx })));
    return this.scenario.actors.map((actor): ActorCard => {
      const address = this.player.addressOf(actor.id);
      const balance = state.balanceOf(address);
      const credentials = state.credentialsOf(address).map((c) => ({
        type: c.type,
        issuer: this.readable(c.issuer),
        revoked: c.revoked,
        claims: Object.entries(c.claims ?? {})
          .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(', '),
      }));
      const previous = before?.[actor.id];
      return {
        id: actor.id,
        name: actor.name,
        kind: actor.kind,
        ...(actor.about ? { about: actor.about } : {}),
        address,
        balance,
        ...(previous !== undefined ? { balanceChange: balance - previous } : {}),
        credentials,
        signed: txs.filter(({ tx }) => tx.by === actor.id).length,
        sees: this.visibility(actor.id, txs),
      };
    });
  }

  /** Our own wording for what everyone can read; the player's for private records; short for sealed ones. */
  private visibleLabel(t: NonNullable<ActorViewLike['transactions']>[number], own: TxView | undefined): string {
    if (t.readable === false) return `a private record signed by ${this.name(String(t.signer ?? own?.by ?? ''))}: only its fingerprint`;
    if (own && t.private !== true) return own.summary;
    return typeof t.summary === 'string' ? this.readable(t.summary) : (own?.summary ?? String(t.hash));
  }

  /** The player's answer to "what can this actor see now", if it has one. */
  private viewOf(actor: string): ActorViewLike | undefined {
    const viewOf = (this.player as unknown as PlayerWithViews).viewOf;
    if (typeof viewOf !== 'function') return undefined;
    const view = viewOf.call(this.player, actor);
    return view && Array.isArray(view.transactions) ? view : undefined;
  }

  /**
   * What an actor can see: from the player's `viewOf` (which knows private data) when it has one,
   * else every transaction (a public ledger).
   */
  private visibility(actor: string, txs: { step: number; tx: TxView }[]): ActorCard['sees'] {
    const view = this.viewOf(actor);
    if (view?.transactions) {
      const items = view.transactions.map((t): VisibleTx => {
        const own = txs.find(({ tx }) => tx.hash === t.hash);
        const parties = Array.isArray(t.parties) ? (t.parties as unknown[]) : [];
        return {
          step: typeof t.step === 'number' ? t.step - 1 : (own?.step ?? 0),
          label: this.visibleLabel(t, own?.tx),
          involved: t.signer === actor || parties.includes(actor) || (own?.tx.parties.includes(actor) ?? false),
          readable: t.readable !== false,
        };
      });
      const readable = items.filter((i) => i.readable).length;
      if (view.visibility === 'private') {
        const sealed = items.length - readable;
        return { mode: 'private', summary: sealed === 0 ? `all ${items.length} transaction${items.length === 1 ? '' : 's'} in full` : `${readable} of ${items.length} transactions in full; ${sealed} only as a sealed fingerprint`, items };
      }
      return { mode: 'public', summary: publicSummary(items.length), items };
    }
    const items = txs.map(({ step, tx }): VisibleTx => ({ step, label: tx.summary, involved: tx.parties.includes(actor), readable: true }));
    return { mode: 'public', summary: publicSummary(items.length), items };
  }
}

function publicSummary(count: number): string {
  return count === 0 ? 'everything on the ledger (public); nothing yet' : `everything on the ledger (public): all ${count} transaction${count === 1 ? '' : 's'}`;
}

/** Call arguments as a reader would write them: `plate: AX 1, minutes: 60`. */
export function argsInWords(args: unknown): string {
  if (args === null || args === undefined) return '';
  if (typeof args === 'object' && !Array.isArray(args)) {
    return Object.entries(args as Record<string, unknown>)
      .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  }
  return JSON.stringify(args);
}

/** A wait action in words, whatever its form ({ ms }, { blocks }, { height }, { confirmations, tx }, ...). */
export function describeWait(wait: Record<string, unknown>): string {
  const n = (key: string) => (typeof wait[key] === 'number' ? (wait[key] as number) : undefined);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (n('ms') !== undefined) return `Time passes: ${formatSeconds(n('ms')!)}`;
  if (n('blocks') !== undefined) return `The network adds ${plural(n('blocks')!, 'more block')}`;
  if (n('height') !== undefined) return `The network runs until the chain is ${n('height')} blocks long`;
  if (n('confirmations') !== undefined) return `Wait until "${String(wait.tx)}" is ${plural(n('confirmations')!, 'block')} deep`;
  if (n('forks') !== undefined) return `Wait until ${plural(n('forks')!, 'competing block')} ${n('forks') === 1 ? 'is' : 'are'} orphaned`;
  return `Wait: ${JSON.stringify(wait)}`;
}

function formatSeconds(ms: number): string {
  if (ms >= 60_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return `${minutes} min${seconds ? ` ${seconds} s` : ''}`;
  }
  return `${Math.round(ms / 100) / 10} s`;
}

export function describeFault(action: FaultAction): string {
  switch (action.kind) {
    case 'crash':
      return `Node ${action.node} crashes`;
    case 'restart':
      return `Node ${action.node} restarts from its disk`;
    case 'partition':
      return `The network splits: ${action.groups.map((g) => `nodes ${g.join(', ')}`).join(' | ')} cannot reach each other`;
    case 'cut':
      return `The link ${action.from} ${action.oneWay ? '→' : '↔'} ${action.to} is cut`;
    case 'heal':
      return 'The network is repaired: every link works again';
    case 'latency':
      return `Messages take ${action.latencyMs} ms (±${action.jitterMs})${action.link ? ` between nodes ${action.link.join(' and ')}` : ''}`;
    case 'drop':
      return `${Math.round(action.rate * 100)}% of messages are lost${action.link ? ` between nodes ${action.link.join(' and ')}` : ''}`;
    case 'dup':
      return `${Math.round(action.rate * 100)}% of messages arrive twice${action.link ? ` between nodes ${action.link.join(' and ')}` : ''}`;
    case 'byzantine':
      return `Node ${action.node} turns dishonest (${action.behaviour})`;
    case 'honest':
      return `Node ${action.node} behaves honestly again`;
  }
}
