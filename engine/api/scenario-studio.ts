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
import type { Scenario, ScenarioAction, ScenarioStep } from '../scenario/format.ts';
import { loadScenario, type ScenarioProblem } from '../scenario/load.ts';
import { ScenarioPlayer, type CheckResult, type StepRecord, type TxRecord } from '../scenario/player.ts';
import type { TimelineChange } from '../scenario/timeline.ts';
import { parseFaults, type FaultAction } from './faults.ts';
import { sharedContractVm } from './lab.ts';

export type { CheckResult, ScenarioProblem, TimelineChange };

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
  /** What a "what if" changed in this step, in words (empty on the story as written). */
  whatIf: string[];
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
  /** The timeline being played ("main": the story as written). */
  timeline: string;
  /** The story as written and every "what if" made from it, in the order they were made. */
  timelines: TimelineView[];
  /** What can be changed at the step on screen (step 1 before the first). */
  whatIf: WhatIfMenu;
  network: {
    timeMs: number;
    height: number;
    stateRoot: string;
    traceEvents: number;
    nodes: { node: number; alive: boolean; role: string; height: number }[];
  };
}

/**
 * A change a policy team can make at a step without writing code. `action` numbers the step's
 * actions from 0 (as WhatIfMenu lists them); `custom` takes any timeline change, written as in a
 * scenario file (a developer's door).
 */
export type WhatIf =
  | { kind: 'crash'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'partition'; groups: number[][] }
  | { kind: 'heal' }
  | { kind: 'amount'; action: number; amount: number }
  | { kind: 'skip'; action: number }
  | { kind: 'custom'; change: TimelineChange };

/** One action of the step a what-if would change. */
export interface WhatIfAction {
  index: number;
  /** The action in words: "Amira Haddad pays Autonomous taxi AX-1 300". */
  summary: string;
  kind: string;
  /** The amount it moves (a transfer) or attaches (a call with value), which a what-if may change. */
  amount?: { value: number; min: number; label: string };
  /** Why it cannot be left out, when it cannot. */
  skipBlocked?: string;
}

/** What can be changed at one step of the current timeline. */
export interface WhatIfMenu {
  /** The position the change applies at: the step changed is step `at + 1`. */
  at: number;
  /** 1-based number and title of that step (undefined title: the story has no such step). */
  step: number;
  stepTitle?: string;
  nodes: { node: number; alive: boolean }[];
  actions: WhatIfAction[];
}

export interface CheckChange {
  /** 1-based step number and its title. */
  step: number;
  stepTitle: string;
  check: string;
  /** What was found in this timeline, and in the one compared with. */
  detail: string;
  before: string;
}

/** A timeline's checks and balances compared with the timeline it forked from. */
export interface TimelineComparison {
  against: string;
  againstLabel: string;
  /** Steps both timelines have played (their checks are compared). */
  steps: number;
  /** Both are known to the end of their stories. */
  complete: boolean;
  nowFailing: CheckChange[];
  nowPassing: CheckChange[];
  /** Balances that differ after `balancesAfter` steps (the furthest both have reached). */
  balances: { actor: string; name: string; before: number; after: number }[];
  balancesAfter: number;
}

export type StepOutcome = 'passed' | 'failed' | 'unplayed';

export interface TimelineView {
  id: string;
  /** "The story as written", or "What if node 1 crashes at step 3". */
  label: string;
  original: boolean;
  current: boolean;
  /** Branches of branches are one deeper. */
  depth: number;
  parent?: string;
  /** The step the change applies to (1-based): where it forked from its parent. */
  forkStep?: number;
  /** The change as the engine plays it (developer detail). */
  changeCode?: string;
  stepCount: number;
  /** Where its cursor is (steps played). */
  position: number;
  /** Per step: how its checks came out, as far as this timeline has been played. */
  steps: StepOutcome[];
  /** Checks over the steps it has played. */
  checks: { passed: number; failed: number; total: number };
  /** A step of it could not be played (e.g. a revocation of a credential a what-if left out). */
  problem?: string;
  comparison?: TimelineComparison;
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
  /** Per timeline: how it was made, and what the studio has seen of it (checks and balances per position). */
  private readonly lines = new Map<string, TimelineFacts>();
  private actorIds: Map<string, string> | undefined;
  private addressNames: Map<string, string> | undefined;

  private constructor(
    readonly scenario: Scenario,
    readonly file: string,
    readonly player: ScenarioPlayer,
  ) {
    this.listing = listingOf(file, scenario);
    this.actorNames = new Map(scenario.actors.map((a) => [a.id, a.name]));
    this.lines.set(player.timeline, { label: 'The story as written', depth: 0, steps: scenario.steps, left: new Map(), outcomes: new Map(), balancesAt: new Map([[0, this.balances()]]) });
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
    const facts = this.facts();
    let record: StepRecord;
    try {
      record = this.player.next();
    } catch (error) {
      const index = this.player.position;
      facts.problem = `Step ${index + 1} ("${facts.steps[index]?.title ?? ''}") could not be played: ${error instanceof Error ? error.message : String(error)}`;
      throw error;
    }
    facts.balancesAt.set(this.player.position, this.balances());
    this.remember(facts, [record]);
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

  /**
   * What if: change step `at + 1` (position `at`) of the current timeline — a node crashes, the
   * network splits or heals, a payment moves another amount, an action is left out — and play
   * the changed step on a new timeline, which becomes current. The timeline left behind keeps
   * its place (switchTimeline goes back to it). To compare outcomes, the timeline left behind is
   * first played to its end, if the studio has not seen its end yet.
   * Throws LedgerlabError, naming the step and action, for a change that does not fit the story.
   */
  whatIf(at: number, whatIf: WhatIf): StoryView {
    const stepCount = this.player.stepCount;
    if (!Number.isInteger(at) || at < 0 || at > stepCount) {
      throw new LedgerlabError('whatif-bad-step', `there is no step ${String(at + 1)} to change: this story has ${stepCount} steps.`, `Pick a step from 1 to ${stepCount}.`);
    }
    const made = this.changeFor(at, whatIf);
    const parentId = this.player.timeline;
    const parent = this.facts();
    this.learnOutcome();
    let info;
    try {
      info = this.player.branchAt(at, made.change);
    } catch (error) {
      if (error instanceof LedgerlabError) throw new LedgerlabError(error.code, `${made.where}: ${error.message}`);
      throw error;
    }
    this.lines.set(info.id, {
      label: info.label,
      depth: parent.depth + 1,
      parent: parentId,
      at,
      words: made.words,
      steps: applyChange(parent.steps, at, made.change),
      left: leftOutAfter(parent.left, at, made.change, made.skipped),
      outcomes: new Map([...parent.outcomes].filter(([index]) => index < at)),
      balancesAt: new Map([...parent.balancesAt].filter(([position]) => position <= at)),
    });
    try {
      this.playNext();
    } catch (error) {
      // The new timeline stays (at the changed step, not played); the message says where it stopped.
      if (error instanceof LedgerlabError) throw new LedgerlabError(error.code, `${made.where}, as changed, could not be played: ${error.message}`);
      throw error;
    }
    return this.view();
  }

  /** Make another timeline current, where it was left ("main" is the story as written). */
  switchTimeline(id: string): StoryView {
    this.player.switchTo(id);
    return this.view();
  }

  /** What the studio knows of a timeline (the current one by default). */
  private facts(id = this.player.timeline): TimelineFacts {
    let facts = this.lines.get(id);
    if (!facts) {
      // A timeline made on the player directly, not through whatIf: told as the story.
      facts = { label: id, depth: 1, steps: this.scenario.steps, left: new Map(), outcomes: new Map(), balancesAt: new Map() };
      this.lines.set(id, facts);
    }
    return facts;
  }

  private remember(facts: TimelineFacts, records: readonly StepRecord[]): void {
    for (const record of records) facts.outcomes.set(record.index, { title: record.title, checks: this.stepView(record).checks });
  }

  /** Play the current timeline to its end once (if not seen yet) and come back, so its outcome can be compared. */
  private learnOutcome(): void {
    const facts = this.facts();
    this.remember(facts, this.player.history());
    const count = this.player.stepCount;
    if (facts.problem !== undefined || facts.outcomes.size >= count) return;
    const back = this.player.position;
    try {
      while (this.player.position < count) this.playNext();
    } catch {
      // Noted in facts.problem: the comparison says where this timeline stops.
    }
    this.player.goTo(back);
  }

  private stepsOf(id: string): readonly ScenarioStep[] {
    return this.lines.get(id)?.steps ?? this.scenario.steps;
  }

  /** The timeline and the ones it came from, itself first. */
  private lineage(id: string): TimelineFacts[] {
    const out: TimelineFacts[] = [];
    for (let facts = this.lines.get(id); facts && out.length < 1_000; facts = facts.parent !== undefined ? this.lines.get(facts.parent) : undefined) out.push(facts);
    return out;
  }

  /** Actions of step `index` that a what-if left out, with what they were. */
  private leftOut(id: string, index: number): ReadonlyMap<number, string> {
    return this.lines.get(id)?.left.get(index) ?? new Map();
  }

  /** The what-ifs that changed step `index` of a timeline, the earliest first. */
  private changesAt(id: string, index: number): string[] {
    return this.lineage(id)
      .filter((facts) => facts.at === index && facts.words !== undefined)
      .map((facts) => facts.words!)
      .reverse();
  }

  private listingOf(id: string): StoryListing {
    const facts = this.lines.get(id);
    if (!facts || facts.parent === undefined) return this.listing;
    facts.listing ??= { ...this.listing, steps: facts.steps.map((s) => ({ title: s.title, narration: s.narration, actions: s.actions?.length ?? 0, checks: s.expect?.length ?? 0 })) };
    return facts.listing;
  }

  private timelineViews(): TimelineView[] {
    return this.player.timelines().map((info): TimelineView => {
      const facts = this.facts(info.id);
      const steps = Array.from({ length: info.stepCount }, (_, index): StepOutcome => {
        const outcome = facts.outcomes.get(index);
        return !outcome ? 'unplayed' : outcome.checks.some((c) => !c.passed) ? 'failed' : 'passed';
      });
      const checks = [...facts.outcomes].filter(([index]) => index < info.stepCount).flatMap(([, o]) => o.checks);
      const failed = checks.filter((c) => !c.passed).length;
      return {
        id: info.id,
        label: facts.label,
        original: info.parent === undefined,
        current: info.current,
        depth: facts.depth,
        ...(info.parent !== undefined ? { parent: info.parent, forkStep: info.branchedAt! + 1, changeCode: JSON.stringify(info.change) } : {}),
        stepCount: info.stepCount,
        position: info.position,
        steps,
        checks: { passed: checks.length - failed, failed, total: checks.length },
        ...(facts.problem !== undefined ? { problem: facts.problem } : {}),
        ...(info.parent !== undefined ? { comparison: this.compare(info.id, info.parent) } : {}),
      };
    });
  }

  /** A timeline's checks and balances against the one it forked from, over what both have played. */
  private compare(id: string, againstId: string): TimelineComparison {
    const mine = this.facts(id);
    const theirs = this.facts(againstId);
    const nowFailing: CheckChange[] = [];
    const nowPassing: CheckChange[] = [];
    let steps = 0;
    for (const [index, outcome] of [...mine.outcomes].sort((a, b) => a[0] - b[0])) {
      const other = theirs.outcomes.get(index);
      if (!other) continue;
      steps++;
      outcome.checks.forEach((check, j) => {
        const before = other.checks[j];
        if (!before || before.passed === check.passed) return;
        const change = { step: index + 1, stepTitle: outcome.title, check: check.check, detail: check.detail, before: before.detail };
        (check.passed ? nowPassing : nowFailing).push(change);
      });
    }
    let balancesAfter = 0;
    for (const position of mine.balancesAt.keys()) if (position > balancesAfter && theirs.balancesAt.has(position)) balancesAfter = position;
    const after = mine.balancesAt.get(balancesAfter) ?? {};
    const before = theirs.balancesAt.get(balancesAfter) ?? {};
    const balances = this.scenario.actors
      .filter((a) => after[a.id] !== undefined && before[a.id] !== undefined && after[a.id] !== before[a.id])
      .map((a) => ({ actor: a.id, name: a.name, before: before[a.id]!, after: after[a.id]! }));
    const known = (facts: TimelineFacts) => facts.problem === undefined && facts.steps.every((_, index) => facts.outcomes.has(index));
    return { against: againstId, againstLabel: theirs.label, steps, complete: known(mine) && known(theirs), nowFailing, nowPassing, balances, balancesAfter };
  }

  /** What can be changed at the step on screen (the first one before any is played). */
  private whatIfMenu(nodes: { node: number; alive: boolean }[]): WhatIfMenu {
    const id = this.player.timeline;
    const at = Math.max(0, this.player.position - 1);
    const steps = this.stepsOf(id);
    const step = steps[at];
    const left = this.leftOut(id, at);
    const actions = (step?.actions ?? []).map((action, index): WhatIfAction => {
      if (left.has(index)) return { index, kind: 'left-out', summary: `Left out in this what-if: ${left.get(index)!}`, skipBlocked: 'it is already left out' };
      const amount = amountOf(action);
      const blocked = skipBlocked(steps, at, action);
      return { index, kind: Object.keys(action)[0] ?? 'action', summary: this.actionSummary(action), ...(amount ? { amount } : {}), ...(blocked ? { skipBlocked: blocked } : {}) };
    });
    return { at, step: at + 1, ...(step ? { stepTitle: step.title } : {}), nodes, actions };
  }

  /** A what-if as the timeline change the player plays, with its label and words; checked against the story first. */
  private changeFor(at: number, whatIf: WhatIf): { change: TimelineChange; where: string; words: string; skipped?: string } {
    const steps = this.stepsOf(this.player.timeline);
    const step = steps[at];
    const n = at + 1;
    const where = step ? `Step ${n} ("${step.title}")` : `After the last step`;
    const nodeCount = this.player.net.nodeCount;
    const checkNode = (node: unknown, what: string): number => {
      if (typeof node !== 'number' || !Number.isInteger(node) || node < 0 || node >= nodeCount) {
        throw new LedgerlabError('whatif-bad-node', `${where}: there is no node ${String(node)} to ${what}.`, `The nodes are numbered 0 to ${nodeCount - 1}.`);
      }
      return node;
    };
    const fault = (text: string, words: string) => ({ change: { kind: 'add-actions' as const, actions: [{ fault: text }], label: `What if ${words} at step ${n}` }, where, words });
    const actionOf = (index: unknown): ScenarioAction => {
      const actions = step?.actions ?? [];
      if (!step) throw new LedgerlabError('whatif-no-step', `${where}: there is no step ${n} whose actions could be changed.`, 'Go to a step of the story first.');
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= actions.length) {
        throw new LedgerlabError('whatif-bad-action', `${where} has ${actions.length} action${actions.length === 1 ? '' : 's'}; there is no action ${typeof index === 'number' ? index + 1 : String(index)}.`, actions.length > 0 ? `Pick one from 1 to ${actions.length}.` : 'Pick a step that does something.');
      }
      if (this.leftOut(this.player.timeline, at).has(index)) throw new LedgerlabError('whatif-left-out', `${where}, action ${index + 1} is already left out in this what-if.`, 'Switch to the story as written to change it.');
      return actions[index]!;
    };
    switch (whatIf?.kind) {
      case 'crash': {
        const node = checkNode(whatIf.node, 'crash');
        return fault(`crash ${node}`, `node ${node} crashes`);
      }
      case 'restart': {
        const node = checkNode(whatIf.node, 'restart');
        return fault(`restart ${node}`, `node ${node} restarts`);
      }
      case 'heal':
        return fault('heal', 'the network is repaired');
      case 'partition': {
        const groups = whatIf.groups;
        if (!Array.isArray(groups) || groups.some((g) => !Array.isArray(g))) {
          throw new LedgerlabError('whatif-bad-split', `${where}: a split is a list of sides, each a list of nodes, e.g. [[0, 1], [2, 3]].`);
        }
        const seen = new Set<number>();
        for (const group of groups) {
          for (const node of group) {
            checkNode(node, 'put on a side of the split');
            if (seen.has(node)) throw new LedgerlabError('whatif-bad-split', `${where}: node ${node} is on both sides of the split.`, 'Put each node on one side only.');
            seen.add(node);
          }
        }
        const rest = Array.from({ length: nodeCount }, (_, node) => node).filter((node) => !seen.has(node));
        const sides = [...groups.filter((g) => g.length > 0).map((g) => [...g].sort((a, b) => a - b)), ...(rest.length > 0 ? [rest] : [])].sort((a, b) => a[0]! - b[0]!);
        if (sides.length < 2) throw new LedgerlabError('whatif-bad-split', `${where}: a split needs nodes on both sides; every node is on one side.`, 'Put at least one node on each side.');
        return fault(`partition ${sides.map((g) => g.join(',')).join('|')}`, `the network splits (${sides.map(nodesInWords).join(' | ')})`);
      }
      case 'amount': {
        const action = actionOf(whatIf.action);
        const amount = amountOf(action);
        const which = `${where}, action ${whatIf.action + 1} (${this.actionSummary(action)})`;
        if (!amount) throw new LedgerlabError('whatif-no-amount', `${which} moves no amount that could be changed.`, 'Pick a payment, or a call that attaches a value.');
        const value = whatIf.amount;
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < amount.min) {
          throw new LedgerlabError('whatif-bad-amount', `${which}: ${String(value)} is not an amount it can move.`, `Type a whole number of ${amount.min} or more, e.g. ${amount.value * 2 || 100}.`);
        }
        if (value === amount.value) throw new LedgerlabError('whatif-same-amount', `${which} already moves ${value}.`, 'Pick another amount to see what changes.');
        let changed: ScenarioAction;
        let words: string;
        if ('transfer' in action) {
          changed = { transfer: { ...action.transfer, amount: value } };
          words = `${this.name(action.transfer.from)} pays ${this.name(action.transfer.to)} ${value} instead of ${amount.value}`;
        } else if ('call' in action) {
          changed = { call: { ...action.call, value } };
          words = `${this.name(action.call.by)} attaches ${value} instead of ${amount.value} to ${action.call.contract}.${action.call.method}`;
        } else throw new LedgerlabError('whatif-no-amount', `${which} moves no amount that could be changed.`);
        return { change: { kind: 'replace-action', index: whatIf.action, action: changed, label: `What if ${words} at step ${n}` }, where, words };
      }
      case 'skip': {
        const action = actionOf(whatIf.action);
        const blocked = skipBlocked(steps, at, action);
        if (blocked) throw new LedgerlabError('whatif-cannot-skip', `${where}, action ${whatIf.action + 1} (${this.actionSummary(action)}) cannot be left out: ${blocked}.`, 'Change its amount instead, or leave out a later action.');
        const summary = this.actionSummary(action);
        const words = this.skipWords(action) ?? `"${summary}" is left out`;
        const label = this.skipWords(action) ? `What if ${words} at step ${n}` : `What if step ${n} goes without: ${summary}`;
        // A moment's wait stands in for the action (a timeline change replaces, it does not delete).
        return { change: { kind: 'replace-action', index: whatIf.action, action: { wait: { ms: 1 } }, label }, where, words, skipped: summary };
      }
      case 'custom': {
        const change = whatIf.change as { kind?: unknown; label?: string; actions?: unknown; index?: unknown; action?: unknown } | undefined;
        if (!change || typeof change !== 'object' || (change.kind !== 'add-actions' && change.kind !== 'replace-action')) {
          throw new LedgerlabError('whatif-bad-change', `${where}: a change is { kind: "add-actions", actions: [...] } or { kind: "replace-action", index, action }.`, 'For example { "kind": "add-actions", "actions": [{ "fault": "crash 1" }] }.');
        }
        const words = change.label ?? (change.kind === 'add-actions' ? `${JSON.stringify(change.actions ?? [])} happens first` : `action ${Number(change.index) + 1} becomes ${JSON.stringify(change.action)}`).replace(/"/g, '');
        return { change: { ...(change as TimelineChange), label: change.label ?? `What if, at step ${n}: ${words}` }, where, words };
      }
      default:
        throw new LedgerlabError('whatif-unknown', `unknown kind of what-if "${String((whatIf as { kind?: unknown } | undefined)?.kind)}".`, 'Use crash, restart, partition, heal, amount, skip or custom.');
    }
  }

  /** A story action in words (as the transactions it makes are told). */
  private actionSummary(action: ScenarioAction): string {
    if ('transfer' in action) return `${this.name(action.transfer.from)} pays ${this.name(action.transfer.to)} ${action.transfer.amount}`;
    if ('call' in action) {
      const { by, contract, method, args, value } = action.call;
      return `${this.name(by)} calls ${contract}.${method}(${argsInWords(args)})${value ? ` with ${value} attached` : ''}`;
    }
    if ('issue' in action) return `${this.name(action.issue.by)} issues ${this.name(action.issue.to)} a "${action.issue.type}" credential`;
    if ('revoke' in action) return `${this.name(action.revoke.by)} revokes the credential "${action.revoke.credential}"`;
    return this.happening(action).join('; ') || (Object.keys(action)[0] ?? 'an action');
  }

  /** "Amira Haddad does not pay Autonomous taxi AX-1": a left-out transaction in words (undefined for other actions). */
  private skipWords(action: ScenarioAction): string | undefined {
    if ('transfer' in action) return `${this.name(action.transfer.from)} does not pay ${this.name(action.transfer.to)}`;
    if ('call' in action) return `${this.name(action.call.by)} does not call ${action.call.contract}.${action.call.method}`;
    if ('issue' in action) return `${this.name(action.issue.by)} does not issue ${this.name(action.issue.to)} a "${action.issue.type}" credential`;
    if ('revoke' in action) return `${this.name(action.revoke.by)} does not revoke the credential "${action.revoke.credential}"`;
    return undefined;
  }

  view(): StoryView {
    const facts = this.facts();
    const played = this.player.history();
    this.remember(facts, played);
    const records = played.map((r) => this.stepView(r));
    const checks = records.flatMap((r) => r.checks);
    const failed = checks.filter((c) => !c.passed).length;
    const net = this.player.net;
    const status = net.status();
    const live = status.find((s) => s.alive) ?? status[0]!;
    return {
      story: this.listingOf(this.player.timeline),
      protocol: this.player.protocol,
      seed: this.player.seed,
      position: this.player.position,
      stepCount: this.player.stepCount,
      records,
      actors: this.actorCards(records),
      checks: { passed: checks.length - failed, failed, total: checks.length },
      timeline: this.player.timeline,
      timelines: this.timelineViews(),
      whatIf: this.whatIfMenu(status.map((s) => ({ node: s.node, alive: s.alive }))),
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
    const actions = this.stepsOf(record.timeline)[record.index]?.actions ?? [];
    const left = this.leftOut(record.timeline, record.index);
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
      happenings: actions.flatMap((a, i) => (left.has(i) ? [`Left out in this what-if: ${left.get(i)!}`] : this.happening(a))),
      changes: record.changes.map((c) => this.readable(c)),
      checks: record.checks.map((c) => ({ check: this.readable(c.check), passed: c.passed, detail: this.readable(c.detail) })),
      failedChecks: record.checks.filter((c) => !c.passed).length,
      whatIf: this.changesAt(record.timeline, record.index),
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
    const before = position > 0 ? this.facts().balancesAt.get(position - 1) : undefined;
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

/** What the studio knows of one timeline. */
interface TimelineFacts {
  label: string;
  depth: number;
  parent?: string;
  /** The position it forked at, and the change there in words. */
  at?: number;
  words?: string;
  /** Its story, as changed. */
  steps: readonly ScenarioStep[];
  /** Step index → action index → the action a what-if left out, in words (a placeholder wait plays instead). */
  left: ReadonlyMap<number, ReadonlyMap<number, string>>;
  /** Step index → its title and checks (readable), for every step played on it so far. */
  outcomes: Map<number, { title: string; checks: CheckResult[] }>;
  /** Each actor's balance after N steps, as far as this timeline has been played forward. */
  balancesAt: Map<number, Record<string, number>>;
  problem?: string;
  listing?: StoryListing;
}

/** A timeline's story after a change at `at`, as engine/scenario/timeline.ts plays it. */
function applyChange(steps: readonly ScenarioStep[], at: number, change: TimelineChange): ScenarioStep[] {
  const out = [...steps];
  const step = steps[at];
  if (change.kind === 'add-actions') {
    if (step) out[at] = { ...step, actions: [...change.actions, ...(step.actions ?? [])] };
    else out.push({ title: change.label ?? 'What if', narration: '', actions: [...change.actions] });
  } else if (step) {
    out[at] = { ...step, actions: (step.actions ?? []).map((a, i) => (i === change.index ? change.action : a)) };
  }
  return out;
}

/** The left-out actions after a change at `at`: added actions push them down; a replaced one is no longer left out, unless `skipped` says it now is. */
function leftOutAfter(before: TimelineFacts['left'], at: number, change: TimelineChange, skipped: string | undefined): TimelineFacts['left'] {
  const left = new Map(before);
  const here = [...(before.get(at) ?? new Map<number, string>())];
  if (change.kind === 'add-actions') left.set(at, new Map(here.map(([index, summary]) => [index + change.actions.length, summary])));
  else {
    const kept = new Map(here.filter(([index]) => index !== change.index));
    if (skipped !== undefined) kept.set(change.index, skipped);
    left.set(at, kept);
  }
  return left;
}

/** The amount an action moves (a payment) or attaches (a call with value), which a what-if may change. */
function amountOf(action: ScenarioAction): WhatIfAction['amount'] {
  if ('transfer' in action) return { value: action.transfer.amount, min: 1, label: 'amount paid' };
  if ('call' in action && action.call.value !== undefined) return { value: action.call.value, min: 0, label: 'value attached' };
  return undefined;
}

/** Why an action cannot be left out: a later revocation needs the credential it issues. */
function skipBlocked(steps: readonly ScenarioStep[], at: number, action: ScenarioAction): string | undefined {
  const name = (Object.values(action)[0] as { as?: unknown } | undefined)?.as;
  if (typeof name !== 'string') return undefined;
  for (let index = at; index < steps.length; index++) {
    if ((steps[index]!.actions ?? []).some((a) => 'revoke' in a && a.revoke.credential === name)) return `step ${index + 1} revokes the credential it issues`;
  }
  return undefined;
}

function nodesInWords(nodes: readonly number[]): string {
  return nodes.length === 1 ? `node ${nodes[0]}` : `nodes ${nodes.join(', ')}`;
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
