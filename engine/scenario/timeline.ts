/**
 * Time travel and "what if" for the scenario player: snapshots, timelines, timed playback.
 *
 * Snapshots. While a story plays forward, the player's whole state (the network, forked with
 * `Network.fork()`, and its own records and name maps) is copied every few steps; see
 * {@link SnapshotPolicy} for how often. `goTo(k)` copies the nearest snapshot at or before k
 * (the snapshot itself stays pristine) and replays the few steps after it. Replay is
 * deterministic, so the records, state root and trace hash are those of playing straight through.
 *
 * Timelines. `branchAt(k, change)` changes the story from position k on (extra actions such as
 * a fault at the start of step k, or one of step k's actions replaced) and continues on a new
 * timeline. The one it left stays as it was and reachable with `switchTo(id)`. Timelines share
 * their common past: the new one starts with its parent's snapshots up to k. Each step record
 * names the timeline it was played on. The same changes always give the same timelines.
 *
 * The player's state is every own field of the player except its inputs (scenario, options) and
 * this tree; a field added to the player later is snapshotted without further work, as long as
 * it holds data (see engine/core/clone.ts).
 */
import { invariant, LedgerlabError } from '../core/assert.ts';
import { deepClone, markImmutable } from '../core/clone.ts';
import { parseFaults } from '../api/faults.ts';
import { wallClockMs } from '../api/clock.ts';
import type { Network } from '../api/network.ts';
import { ActionSpec, type Scenario, type ScenarioAction, type ScenarioStep } from './format.ts';

/**
 * When to keep a snapshot while playing forward: after `everySteps` steps, or sooner once the
 * simulator has run `everyEvents` events since the last one (replay time grows with events as
 * well as steps, so this bounds the replay behind any goTo). At most `maxPerTimeline` per timeline: past
 * that, every other one is dropped (the interval doubles) so memory stays bounded.
 */
export interface SnapshotPolicy {
  everySteps: number;
  everyEvents: number;
  maxPerTimeline: number;
}

/**
 * Chosen by measurement (bench/scenarios.ts: a 1,000-step PoA story, 4 nodes, pure-JS ed25519,
 * shared 2-core machine). A step replays in 4-10 ms (its signatures dominate); copying a
 * snapshot costs ~1 ms and holds ~110 KB on average (blocks, transactions, state-trie versions
 * and full trace chunks are shared). goTo's worst case over 40-50 random targets: every 16 steps
 * ~330 ms, every 10 ~100-130 ms, every 6 ~75 ms, every 4 ~50 ms. Every 5 gives a median of
 * 7-12 ms and a max of 18-58 ms, for ~22 MB of snapshots over the 1,000 steps (~11 events a
 * step there). Steps that run many events (a long wait, BFT rounds, proof of work) snapshot
 * sooner: BFT with pure-JS signatures replays ~2,500 events a second, so a 250-event budget keeps
 * that replay near the target; a snapshot costs far less than the events it saves.
 */
export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { everySteps: 5, everyEvents: 250, maxPerTimeline: 256 };

/** What to change at a position, starting a new timeline. */
export type TimelineChange =
  | {
      /** Extra actions performed first in step k (e.g. `{ fault: 'crash 1' }`); at the end of the story, a new last step. */
      kind: 'add-actions';
      actions: ScenarioAction[];
      /** What the timeline is called in the UI (default: a description of the change). */
      label?: string;
    }
  | {
      /** Step k's action number `index` (0-based) becomes `action` (e.g. another amount). */
      kind: 'replace-action';
      index: number;
      action: ScenarioAction;
      label?: string;
    };

/** A timeline as plain data, for the UI. */
export interface TimelineInfo {
  id: string;
  label: string;
  /** The timeline this one branched from, and at which position (undefined for the original). */
  parent?: string;
  branchedAt?: number;
  change?: TimelineChange;
  /** Steps in this timeline's story. */
  stepCount: number;
  /** Where this timeline's cursor is (the player's position while it is the current one). */
  position: number;
  /** Positions with a snapshot (a goTo there is a copy, no replay). */
  snapshots: number[];
  current: boolean;
}

/** Options for timed playback: the engine has no timers, so the host passes its own sleep. */
export interface PlaybackOptions {
  stepsPerSecond: number;
  /** Resolve after `ms` milliseconds (e.g. `(ms) => new Promise((r) => setTimeout(r, ms))`). */
  sleep: (ms: number) => Promise<void>;
  /** Stop when aborted (an AbortSignal fits). */
  signal?: { readonly aborted: boolean };
  /** Stop at this position (default: the end of the story). */
  until?: number;
}

/** The part of the player the tree drives (ScenarioPlayer implements it). */
export interface TimelinePlayer {
  readonly scenario: Scenario;
  readonly position: number;
  readonly net: Network;
  next(): unknown;
}

interface Snapshot {
  readonly position: number;
  /** Simulator events run when it was taken (for the event budget). */
  readonly events: number;
  /** The player's fields, copied; never handed out without copying again. */
  readonly state: Readonly<Record<string, unknown>>;
}

interface Timeline {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
  readonly branchedAt?: number;
  readonly change?: TimelineChange;
  readonly steps: readonly ScenarioStep[];
  /** Position → snapshot, shared with the parent for positions up to the branch point. */
  readonly snapshots: Map<number, Snapshot>;
  position: number;
  /** Where the timeline was left (kept as a snapshot, so coming back is a copy): thinning spares it. */
  leftAt?: number;
  /** The policy's intervals times this (doubled each time the snapshots are thinned). */
  spacing: number;
}

const MAIN = 'main';

export class TimelineTree {
  private readonly timelines = new Map<string, Timeline>();
  private currentId = MAIN;
  private readonly policy: SnapshotPolicy;
  /** A step began and did not finish (it threw): the live state is not at any position. */
  private midStep = false;

  /**
   * @param player whose state is snapshotted (taken now, as position 0)
   * @param inputs the player's fields that are not state (its scenario and options, this tree)
   * @param services what snapshots share rather than copy (the contract VM)
   */
  constructor(
    private readonly player: TimelinePlayer,
    private readonly inputs: readonly string[],
    private readonly services: readonly object[],
    policy: Partial<SnapshotPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_SNAPSHOT_POLICY, ...policy };
    if (!(this.policy.everySteps >= 1 && this.policy.everyEvents >= 1 && this.policy.maxPerTimeline >= 2)) {
      throw new LedgerlabError('bad-snapshot-policy', 'snapshots need everySteps >= 1, everyEvents >= 1 and maxPerTimeline >= 2.');
    }
    this.timelines.set(MAIN, { id: MAIN, label: 'as written', steps: player.scenario.steps, snapshots: new Map(), position: 0, spacing: 1 });
    this.keep(this.current);
  }

  /** The timeline being played. */
  get current(): Timeline {
    return this.timelines.get(this.currentId)!;
  }

  get id(): string {
    return this.currentId;
  }

  /** The story of the current timeline. */
  steps(): readonly ScenarioStep[] {
    return this.current.steps;
  }

  /** Called by the player as a step begins. */
  stepping(): void {
    this.midStep = true;
  }

  /** Called by the player after each step: finished records are immutable; keep a snapshot when due. */
  stepped(record: object & { transactions?: readonly object[] }): void {
    this.midStep = false;
    markImmutable(record);
    for (const tx of record.transactions ?? []) markImmutable(tx);
    const timeline = this.current;
    timeline.position = this.player.position;
    if (timeline.snapshots.has(timeline.position)) return;
    const last = this.nearest(timeline, timeline.position);
    const events = this.eventCount();
    const { everySteps, everyEvents } = this.policy;
    if (!last || timeline.position - last.position >= everySteps * timeline.spacing || events - last.events >= everyEvents * timeline.spacing) this.keep(timeline);
  }

  /** Move the current timeline to just after step `count`: copy the nearest snapshot, replay the rest. */
  goTo(count: number, forceRestore = false): void {
    const timeline = this.current;
    if (!Number.isInteger(count) || count < 0 || count > timeline.steps.length) {
      throw new LedgerlabError('scenario-bad-step', `there is no position ${count}: positions go from 0 (the start) to ${timeline.steps.length}.`);
    }
    const restore = forceRestore || this.midStep;
    const position = this.player.position;
    if (count === position && !restore) return;
    const snapshot = this.nearest(timeline, count);
    // Unless the live state is behind `count` and closer than any snapshot: then play on from it.
    if (restore || count < position || !snapshot || snapshot.position > position) {
      if (!snapshot) throw new LedgerlabError('scenario-no-snapshot', `no snapshot at or before position ${count} on timeline "${timeline.id}".`);
      this.restore(snapshot);
    }
    while (this.player.position < count) this.player.next();
    timeline.position = count;
  }

  /**
   * Start a new timeline at `position` of the current one, with `change` applied, and make it
   * current (at `position`: the next step played is the changed one). The timeline it leaves
   * keeps its cursor and its snapshots.
   */
  branchAt(position: number, change: TimelineChange): TimelineInfo {
    const parent = this.current;
    if (!Number.isInteger(position) || position < 0 || position > parent.steps.length) {
      throw new LedgerlabError('scenario-bad-step', `there is no position ${position}: positions go from 0 (the start) to ${parent.steps.length}.`);
    }
    const steps = this.changedSteps(parent.steps, position, change);
    this.leave(parent);
    const cursor = parent.position;
    this.goTo(position);
    parent.position = cursor; // the parent's cursor stays where it was left
    const start = parent.snapshots.get(position) ?? this.keep(parent);
    const id = `t${this.timelines.size}`;
    const snapshots = new Map([...parent.snapshots].filter(([at]) => at < position));
    snapshots.set(position, start);
    const timeline: Timeline = { id, label: change.label ?? describeChange(change, position), parent: parent.id, branchedAt: position, change, steps, snapshots, position, spacing: parent.spacing };
    this.timelines.set(id, timeline);
    this.currentId = id;
    return this.info(timeline);
  }

  /** Make another timeline current, at its cursor. */
  switchTo(id: string): void {
    const target = this.timelines.get(id);
    if (!target) throw new LedgerlabError('unknown-timeline', `there is no timeline "${id}".`, `Known timelines: ${[...this.timelines.keys()].join(', ')}.`);
    if (id === this.currentId) return;
    this.leave(this.current);
    this.currentId = id;
    this.goTo(target.position, true);
  }

  /**
   * A field of the player's state where another timeline's cursor is (e.g. its records), as
   * held by the snapshot taken when it was left: read it, do not change it.
   */
  fieldAt(id: string, field: string): unknown {
    const timeline = this.timelines.get(id);
    if (!timeline) throw new LedgerlabError('unknown-timeline', `there is no timeline "${id}".`, `Known timelines: ${[...this.timelines.keys()].join(', ')}.`);
    invariant(id !== this.currentId, 'the current timeline is the live state: read the player');
    const snapshot = timeline.snapshots.get(timeline.position);
    if (!snapshot) throw new LedgerlabError('timeline-not-kept', `timeline "${id}" was left while a step failed, so its position ${timeline.position} was not kept.`, 'Switch to it: it replays to that position.');
    return snapshot.state[field];
  }

  list(): TimelineInfo[] {
    return [...this.timelines.values()].map((t) => this.info(t));
  }

  private info(t: Timeline): TimelineInfo {
    return {
      id: t.id,
      label: t.label,
      ...(t.parent !== undefined ? { parent: t.parent, branchedAt: t.branchedAt! } : {}),
      ...(t.change !== undefined ? { change: t.change } : {}),
      stepCount: t.steps.length,
      position: t.id === this.currentId ? this.player.position : t.position,
      snapshots: [...t.snapshots.keys()].sort((a, b) => a - b),
      current: t.id === this.currentId,
    };
  }

  /** Leaving a timeline: remember where it was, so coming back is a copy, not a replay (unless a step failed halfway). */
  private leave(timeline: Timeline): void {
    timeline.position = this.player.position;
    timeline.leftAt = timeline.position;
    if (!this.midStep && !timeline.snapshots.has(timeline.position)) this.keep(timeline);
  }

  private nearest(timeline: Timeline, position: number): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const snapshot of timeline.snapshots.values()) {
      if (snapshot.position <= position && (!best || snapshot.position > best.position)) best = snapshot;
    }
    return best;
  }

  private keep(timeline: Timeline): Snapshot {
    const state: Record<string, unknown> = {};
    for (const key of Object.keys(this.player)) if (!this.inputs.includes(key)) state[key] = (this.player as unknown as Record<string, unknown>)[key];
    const snapshot: Snapshot = { position: this.player.position, events: this.eventCount(), state: deepClone(state, { share: this.services, rootName: 'player' }) };
    timeline.snapshots.set(snapshot.position, snapshot);
    if (timeline.snapshots.size > this.policy.maxPerTimeline) this.thin(timeline);
    return snapshot;
  }

  /** Drop every other snapshot (never the start, the branch point, the cursor or the newest) and space new ones twice as far. */
  private thin(timeline: Timeline): void {
    const positions = [...timeline.snapshots.keys()].sort((a, b) => a - b);
    const newest = positions[positions.length - 1];
    positions.forEach((at, i) => {
      if (i % 2 === 1 && at !== newest && at !== timeline.branchedAt && at !== timeline.position && at !== timeline.leftAt) timeline.snapshots.delete(at);
    });
    timeline.spacing *= 2;
  }

  private restore(snapshot: Snapshot): void {
    Object.assign(this.player, deepClone(snapshot.state, { share: this.services, rootName: 'player' }));
    this.midStep = false;
  }

  private eventCount(): number {
    return this.player.net.sim.eventCount;
  }

  private changedSteps(steps: readonly ScenarioStep[], position: number, change: TimelineChange): ScenarioStep[] {
    const out = [...steps];
    const step = steps[position];
    if (change.kind === 'add-actions') {
      if (!Array.isArray(change.actions) || change.actions.length === 0) throw new LedgerlabError('bad-change', 'add-actions needs at least one action.');
      for (const action of change.actions) this.checkAction(action);
      if (step) out[position] = { ...step, actions: [...change.actions, ...(step.actions ?? [])] };
      else out.push({ title: change.label ?? 'What if', narration: describeChange(change, position), actions: [...change.actions] });
      return out;
    }
    if (!step) throw new LedgerlabError('bad-change', `there is no step after position ${position} whose action could be replaced.`, 'Replace an action of an earlier step, or add actions instead.');
    const actions = step.actions ?? [];
    if (!Number.isInteger(change.index) || change.index < 0 || change.index >= actions.length) {
      throw new LedgerlabError('bad-change', `step ${position + 1} ("${step.title}") has ${actions.length} action(s); there is no action ${change.index}.`, 'Actions are numbered from 0.');
    }
    this.checkAction(change.action);
    out[position] = { ...step, actions: actions.map((a, i) => (i === change.index ? change.action : a)) };
    return out;
  }

  /** Check a changed action before playing it, so a typo fails here and not halfway through a step. */
  private checkAction(action: ScenarioAction): void {
    const parsed = ActionSpec.safeParse(action);
    if (!parsed.success) throw new LedgerlabError('bad-change', `not a scenario action: ${parsed.error.issues[0]?.message ?? 'unknown shape'}.`, 'Write it as in a scenario file, e.g. { fault: "crash 1" } or { transfer: { from: sam, to: firm, amount: 30 } }.');
    if ('fault' in action) parseFaults(`@0s ${action.fault}`, this.player.net.nodeCount);
    const known = new Set([...this.player.scenario.actors.map((a) => a.id), ...(this.player.scenario.contracts ?? []).map((c) => c.id)]);
    const refs: string[] = [];
    if ('transfer' in action) refs.push(action.transfer.from, action.transfer.to);
    if ('call' in action) refs.push(action.call.by, action.call.contract);
    if ('issue' in action) refs.push(action.issue.by, action.issue.to);
    if ('revoke' in action) refs.push(action.revoke.by);
    for (const ref of refs) if (!known.has(ref)) throw new LedgerlabError('bad-change', `the story has no actor or contract "${ref}".`, `Known: ${[...known].join(', ')}.`);
  }
}

function describeChange(change: TimelineChange, position: number): string {
  const text = (action: ScenarioAction) => JSON.stringify(action).replace(/"/g, '');
  return change.kind === 'add-actions'
    ? `at step ${position + 1}: ${change.actions.map(text).join(', ')}`
    : `at step ${position + 1}: action ${change.index + 1} becomes ${text(change.action)}`;
}

/**
 * Play the story at a speed, yielding each step record as it is played: for a UI's play button.
 * Stops at the end (or `until`), or when the signal is aborted. Steps are computed at once; the
 * pacing waits out the rest of each step's share of a second with the host's sleep.
 */
export async function* playAtSpeed<R>(player: { readonly position: number; next(): R; readonly stepCount: number }, options: PlaybackOptions): AsyncGenerator<R, void, undefined> {
  if (!(options.stepsPerSecond > 0 && options.stepsPerSecond <= 1_000)) {
    throw new LedgerlabError('bad-speed', `stepsPerSecond must be above 0 and at most 1000, got ${options.stepsPerSecond}.`);
  }
  const intervalMs = 1_000 / options.stepsPerSecond;
  const until = Math.min(options.until ?? player.stepCount, player.stepCount);
  while (player.position < until && !options.signal?.aborted) {
    const started = wallClockMs();
    yield player.next();
    if (player.position >= until) return;
    await options.sleep(Math.max(0, intervalMs - (wallClockMs() - started)));
  }
}
