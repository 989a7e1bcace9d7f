/**
 * A live studio session: one network the user watches and pokes at, advanced in small slices
 * (by events, by blocks or by virtual time) so a UI can animate it between slices. Everything a
 * session returns is plain data (Network stays inside), so it crosses a Web Worker boundary by
 * structured clone.
 *
 * The session owns a steady workload of signed transfers (so blocks carry transactions), the
 * protocol checkers, and a record of the faults the user injected (partitions are drawn from it).
 */
import { LedgerlabError } from '../core/assert.ts';
import { deepClone } from '../core/clone.ts';
import { Prng } from '../core/prng.ts';
import { PROTOCOLS, type ProtocolName, type ProtocolParam } from '../consensus/index.ts';
import { CheckerSet, type Violation } from '../checkers/index.ts';
import type { LinkSpec } from '../sim/network.ts';
import type { NodeId, TraceEvent } from '../sim/events.ts';
import { formatFaults, type FaultAction, type FaultStep } from './faults.ts';
import { Network } from './network.ts';
import { drawTransfer, WORKLOAD_ACTORS } from './workload.ts';

export type { NodeId, TraceEvent, TraceEventType } from '../sim/events.ts';

export interface SessionOptions {
  protocol: ProtocolName;
  nodes: number;
  seed: number;
  /** Signed transfers per simulated second submitted by the workload (default 5; 0 for none). */
  txPerSecond?: number;
  params?: Record<string, ProtocolParam>;
  /** Default link latency and jitter in ms. */
  link?: Partial<LinkSpec>;
}

/** One node as the UI draws it. */
export interface NodeView {
  id: NodeId;
  alive: boolean;
  /** leader, follower, candidate, proposer, validator, miner, crashed... as the protocol says. */
  role: string;
  /** The Byzantine behaviour switched on, if any. */
  byzantine?: string;
  headHeight: number;
  headHash: string;
  finalizedHeight: number;
  stateRoot: string;
  mempool: number;
  /** Raft term, BFT round, PoA slot...; see `epochLabel`. */
  epoch?: number;
}

export interface SessionInfo {
  protocol: ProtocolName;
  nodes: number;
  seed: number;
  /** What `epoch` counts for this protocol. */
  epochLabel: string;
  blockPeriodMs: number;
  txPerSecond: number;
  /** The protocol's Byzantine behaviours: name → what it does. */
  behaviours: Readonly<Record<string, string>>;
  /** `ledgerlab session` with this session's settings; a frame's `replay` adds the changes made since. */
  replay: string;
}

export interface SessionFrame {
  now: number;
  /** Total trace events so far. */
  eventCount: number;
  /** Trace events since the previous frame, oldest first (at most `maxEvents` of them). */
  events: TraceEvent[];
  /** Events in this slice that were not sent because the batch was full. */
  skipped: number;
  nodes: NodeView[];
  /** Current partition as groups of node ids, or null when the network is whole. */
  partition: NodeId[][] | null;
  link: { latencyMs: number; jitterMs: number; dropRate: number };
  /** Highest canonical height on any node, and the lowest finalized height among live nodes. */
  height: number;
  finalized: number;
  violations: Violation[];
  /** Why the last advance stopped: reached its target, or hit the per-call event budget. */
  stopped: 'reached' | 'budget' | 'idle';
  /** True when this frame follows a jump in time: its events replace what the page holds from their index on. */
  rewound: boolean;
  timeline: TimelineView;
  /** The one-line command that replays this timeline up to now, changes included. */
  replay: string;
}

/** Where the session is in time, for the timeline scrubber. */
export interface TimelineView {
  /** The timeline being shown. */
  id: number;
  /** The furthest virtual time this timeline has reached (the scrubber's right end). */
  headMs: number;
  /** Every timeline: the first is the original run; others forked off it by an intervention in the past. */
  all: { id: number; parent: number | null; forkedAtMs: number; headMs: number; label: string }[];
}

export type Advance =
  | { by: 'events'; count: number }
  | { by: 'time'; ms: number }
  | { by: 'blocks'; count: number };

/** Events one advance may process before it returns (keeps a worker call short). */
const EVENT_BUDGET = 200_000;
const DEFAULT_MAX_EVENTS = 4_000;

/** Virtual time between automatic snapshots, and how many a timeline keeps before thinning. */
const SNAPSHOT_EVERY_MS = 2_000;
const MAX_SNAPSHOTS = 200;

/** Everything that changes as the network runs: copied as one graph for a snapshot. */
interface LiveState {
  network: Network;
  checkers: CheckerSet;
  workload: Workload;
  partitionGroups: NodeId[][] | null;
  link: { latencyMs: number; jitterMs: number; dropRate: number };
}

interface Snapshot {
  atMs: number;
  /** Taken right after an intervention: replays must land on it, never run past its time. */
  intervention: boolean;
  state: LiveState;
}

interface Timeline {
  id: number;
  parent: number | null;
  forkedAtMs: number;
  label: string;
  headMs: number;
  /** Oldest first. Shared with the parent up to the fork (snapshots are never changed). */
  snapshots: Snapshot[];
  /** Every change made on this timeline (inherited up to the fork), as a fault script. */
  faults: FaultStep[];
}

const EPOCH_LABELS: Record<ProtocolName, string> = { poa: 'slot', raft: 'term', bft: 'round', pow: 'difficulty' };

export class StudioSession {
  readonly info: SessionInfo;
  private live: LiveState;
  private cursor = 0;
  private rewound = false;
  private readonly timelines: Timeline[] = [];
  private timeline: Timeline;

  constructor(private readonly options: SessionOptions) {
    if (!(options.protocol in PROTOCOLS)) throw new LedgerlabError('bad-protocol', `unknown protocol "${options.protocol}".`, `Use one of ${Object.keys(PROTOCOLS).join(', ')}.`);
    if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 200) {
      throw new LedgerlabError('bad-nodes', `a studio session runs 1 to 200 nodes, got ${options.nodes}.`, 'Choose fewer nodes, or use the CLI for larger networks.');
    }
    const txPerSecond = options.txPerSecond ?? 5;
    if (!(txPerSecond >= 0 && txPerSecond <= 1_000)) throw new LedgerlabError('bad-rate', `transactions per second must be 0 to 1000, got ${txPerSecond}.`);
    const link = { latencyMs: options.link?.latencyMs ?? 20, jitterMs: options.link?.jitterMs ?? 30, dropRate: options.link?.dropRate ?? 0 };
    const network = new Network({
      protocol: options.protocol,
      nodes: options.nodes,
      seed: options.seed,
      actors: WORKLOAD_ACTORS.slice(0, 8),
      traceRetain: 50_000,
      link,
      ...(options.params ? { protocolParams: options.params } : {}),
    });
    const params = options.params ? ` --params '${JSON.stringify(options.params)}'` : '';
    const replay = `npx ledgerlab session --protocol ${options.protocol} --nodes ${options.nodes} --seed ${options.seed} --tx-per-second ${txPerSecond}${params} (add the --faults and --until of the frame's replay for changes made since)`;
    this.live = { network, checkers: new CheckerSet(network, replay), workload: new Workload(network, options.seed, txPerSecond), partitionGroups: null, link };
    this.timeline = { id: 0, parent: null, forkedAtMs: 0, label: 'original run', headMs: 0, snapshots: [], faults: [] };
    this.timelines.push(this.timeline);
    this.takeSnapshot(false);
    this.info = {
      protocol: options.protocol,
      nodes: options.nodes,
      seed: options.seed,
      epochLabel: EPOCH_LABELS[options.protocol],
      blockPeriodMs: network.blockPeriodMs,
      txPerSecond,
      behaviours: PROTOCOLS[options.protocol].byzantineBehaviours,
      replay,
    };
  }

  /** The network as it stands now (replaced by a copy when the session travels in time). */
  get network(): Network {
    return this.live.network;
  }

  get checkers(): CheckerSet {
    return this.live.checkers;
  }

  /** Run the network forward and return what happened since the last frame. */
  advance(step: Advance, maxEvents = DEFAULT_MAX_EVENTS): SessionFrame {
    const amount = step.by === 'time' ? step.ms : step.count;
    if (!Number.isFinite(amount) || amount < 0) {
      throw new LedgerlabError('bad-advance', `cannot advance by ${String(amount)} ${step.by === 'time' ? 'ms' : step.by}.`, 'Give a whole number of events, blocks or milliseconds, 0 or more.');
    }
    let stopped: SessionFrame['stopped'] = 'reached';
    if (step.by === 'events') {
      const count = Math.min(Math.max(0, Math.floor(step.count)), EVENT_BUDGET);
      for (let i = 0; i < count; i++) {
        const next = this.network.sim.nextEventTime();
        if (next === undefined) {
          stopped = 'idle';
          break;
        }
        this.crossBoundaries(next);
        this.network.step();
        this.afterProgress();
      }
    } else if (step.by === 'time') {
      stopped = this.runTo(this.network.now + Math.max(0, Math.floor(step.ms)), () => false);
    } else {
      const target = this.maxHeight() + Math.max(1, Math.floor(step.count));
      // Blocks need transactions and time: run in one-period chunks until the height is reached,
      // giving up after 30 block periods a block (a network that cannot make blocks, e.g. all
      // crashed or split without a quorum, must not hold the worker for minutes).
      let budget = EVENT_BUDGET;
      const giveUpAt = this.network.now + (target - this.maxHeight()) * this.network.blockPeriodMs * 30;
      while (this.maxHeight() < target && budget > 0 && this.network.now < giveUpAt) {
        const before = this.network.sim.eventCount;
        stopped = this.runTo(this.network.now + this.network.blockPeriodMs, () => this.maxHeight() >= target, budget);
        budget -= this.network.sim.eventCount - before;
        if (stopped === 'idle') break;
      }
      if (this.maxHeight() < target && stopped !== 'idle') stopped = 'budget';
      else if (stopped !== 'idle') stopped = 'reached';
    }
    return this.frame(maxEvents, stopped);
  }

  /** The current frame without advancing (events since the last frame included). */
  frame(maxEvents = DEFAULT_MAX_EVENTS, stopped: SessionFrame['stopped'] = 'reached'): SessionFrame {
    const net = this.network;
    const all = net.trace.since(this.cursor);
    this.cursor = net.trace.length;
    const events = all.length > maxEvents ? all.slice(all.length - maxEvents) : all;
    const nodes = this.nodes();
    const live = nodes.filter((n) => n.alive);
    const rewound = this.rewound;
    this.rewound = false;
    return {
      now: net.now,
      eventCount: net.trace.length,
      events,
      skipped: all.length - events.length,
      nodes,
      partition: this.live.partitionGroups,
      link: { ...this.live.link },
      height: Math.max(0, ...nodes.map((n) => n.headHeight)),
      finalized: live.length === 0 ? 0 : Math.min(...live.map((n) => n.finalizedHeight)),
      violations: [...this.checkers.violations],
      stopped,
      rewound,
      timeline: this.timelineView(),
      replay: this.replayCommand(),
    };
  }

  nodes(): NodeView[] {
    const byzantine = this.network.byzantine();
    return this.network.status().map((s) => {
      const view: NodeView = {
        id: s.node,
        alive: s.alive,
        role: s.role,
        headHeight: s.headHeight,
        headHash: s.headHash,
        finalizedHeight: s.finalizedHeight,
        stateRoot: s.stateRoot,
        mempool: s.mempool,
      };
      const behaviour = byzantine.get(s.node);
      if (behaviour !== undefined) view.byzantine = behaviour;
      if (s.epoch !== undefined) view.epoch = s.epoch;
      return view;
    });
  }

  // --- Time travel -------------------------------------------------------------------------

  /**
   * Show the network as it was (or will be) at virtual time `timeMs` on this timeline: restore
   * the nearest snapshot at or before it and run forward deterministically. Going past the
   * timeline's head simply runs on.
   */
  seek(timeMs: number, maxEvents = DEFAULT_MAX_EVENTS): SessionFrame {
    if (!Number.isFinite(timeMs) || timeMs < 0) throw new LedgerlabError('bad-time', `cannot travel to ${timeMs} ms.`, 'Pick a time from 0 to the end of the timeline.');
    const target = Math.floor(timeMs);
    if (target < this.network.now || this.nextInterventionAfter(this.network.now, target) !== undefined) {
      const snapshot = this.snapshotAtOrBefore(target);
      this.restore(snapshot);
    }
    const stopped = this.runTo(target, () => false);
    // Send recent history again so the page can redraw the diagram as of this moment.
    this.cursor = Math.max(this.network.trace.firstRetained, this.network.trace.length - maxEvents);
    this.rewound = true;
    return this.frame(maxEvents, stopped);
  }

  /** Switch to another timeline, at its furthest point. */
  switchTimeline(id: number, maxEvents = DEFAULT_MAX_EVENTS): SessionFrame {
    const timeline = this.timelines.find((t) => t.id === id);
    if (!timeline) throw new LedgerlabError('bad-timeline', `there is no timeline ${id}.`, `Timelines are ${this.timelines.map((t) => t.id).join(', ')}.`);
    this.timeline = timeline;
    this.restore(this.snapshotAtOrBefore(timeline.headMs));
    return this.seek(timeline.headMs, maxEvents);
  }

  timelineView(): TimelineView {
    return {
      id: this.timeline.id,
      headMs: Math.max(this.timeline.headMs, this.network.now),
      all: this.timelines.map((t) => ({ id: t.id, parent: t.parent, forkedAtMs: t.forkedAtMs, headMs: t.id === this.timeline.id ? Math.max(t.headMs, this.network.now) : t.headMs, label: t.label })),
    };
  }

  // --- Interventions (each forks a new timeline when made in the past) --------------------

  crash(node: NodeId): void {
    this.checkNode(node);
    if (!this.network.sim.isAlive(node)) throw new LedgerlabError('already-crashed', `node ${node} is already down.`, 'Restart it instead.');
    this.intervene(`crash node ${node}`, [{ kind: 'crash', node }], () => this.network.crash(node));
  }

  restart(node: NodeId): void {
    this.checkNode(node);
    if (this.network.sim.isAlive(node)) throw new LedgerlabError('not-crashed', `node ${node} is running.`, 'Crash it first.');
    this.intervene(`restart node ${node}`, [{ kind: 'restart', node }], () => this.network.restart(node));
  }

  /** Split the network: every node not named in a group joins the last group. */
  partition(groups: NodeId[][]): void {
    const named = new Set<NodeId>();
    for (const group of groups) for (const node of group) {
      this.checkNode(node);
      if (named.has(node)) throw new LedgerlabError('bad-partition', `node ${node} is in two groups.`, 'Put each node in one group.');
      named.add(node);
    }
    const rest = Array.from({ length: this.network.nodeCount }, (_, i) => i).filter((i) => !named.has(i));
    const full = groups.filter((g) => g.length > 0).map((g) => [...g].sort((a, b) => a - b));
    if (rest.length > 0) full.push(rest);
    if (full.length < 2) throw new LedgerlabError('bad-partition', 'a partition needs at least two groups.', 'Select some nodes (not all) to cut off.');
    this.intervene(`split ${full.map((g) => g.join(',')).join(' | ')}`, [{ kind: 'partition', groups: full }], () => {
      this.network.partition(full);
      this.live.partitionGroups = full;
    });
  }

  heal(): void {
    this.intervene('heal the network', [{ kind: 'heal' }], () => {
      this.network.heal();
      this.live.partitionGroups = null;
    });
  }

  makeByzantine(node: NodeId, behaviour: string | undefined): void {
    this.checkNode(node);
    if (behaviour !== undefined) this.network.checkBehaviour(behaviour);
    const action: FaultAction = behaviour ? { kind: 'byzantine', node, behaviour } : { kind: 'honest', node };
    this.intervene(behaviour ? `node ${node} turns ${behaviour}` : `node ${node} honest again`, [action], () => this.network.makeByzantine(node, behaviour));
  }

  /** Change every link's latency, jitter or drop rate. */
  setLink(spec: Partial<{ latencyMs: number; jitterMs: number; dropRate: number }>): void {
    const next = { ...this.live.link, ...spec };
    if (!(next.dropRate >= 0 && next.dropRate <= 1)) throw new LedgerlabError('bad-link', `drop rate must be from 0 to 1, got ${next.dropRate}.`);
    if (!(next.latencyMs >= 0 && next.latencyMs <= 60_000) || !(next.jitterMs >= 0 && next.jitterMs <= 60_000)) {
      throw new LedgerlabError('bad-link', 'latency and jitter must be from 0 to 60000 ms.');
    }
    const script: FaultAction[] = [
      { kind: 'latency', latencyMs: next.latencyMs, jitterMs: next.jitterMs },
      { kind: 'drop', rate: next.dropRate },
    ];
    this.intervene(`links ${next.latencyMs} ms, ${Math.round(next.dropRate * 100)}% loss`, script, () => {
      this.network.setLink(next);
      this.live.link = next;
    });
  }

  /**
   * Change the running network (`change` does it). Made in the past of this timeline, it forks
   * a new timeline from here and leaves the original reachable; either way the changed state is
   * snapshotted at once, so replays land exactly on it.
   */
  intervene(label: string, actions: readonly FaultAction[], change: () => void): void {
    // Changes land between instants (after every event at this millisecond), so a replay that
    // runs to this time and then makes the change lands on exactly this state.
    const net = this.network;
    net.runUntil(() => (net.sim.nextEventTime() ?? Number.POSITIVE_INFINITY) > net.now, { maxEvents: EVENT_BUDGET });
    if (this.network.now < this.timeline.headMs) {
      const now = this.network.now;
      const forked: Timeline = {
        id: this.timelines.length,
        parent: this.timeline.id,
        forkedAtMs: now,
        label: `${label} at ${(now / 1000).toFixed(1)} s`,
        headMs: now,
        // The new intervention's snapshot (taken below) stands for everything at `now`.
        snapshots: this.timeline.snapshots.filter((s) => s.atMs < now),
        faults: this.timeline.faults.filter((f) => f.atMs <= now),
      };
      this.timelines.push(forked);
      this.timeline = forked;
    }
    change();
    for (const action of actions) this.timeline.faults.push({ atMs: this.network.now, action });
    this.takeSnapshot(true);
  }

  /** `ledgerlab session` with this session's settings and this timeline's changes, up to `untilMs`. */
  replayCommand(untilMs = this.network.now): string {
    const o = this.options;
    const faults = this.timeline.faults.filter((f) => f.atMs <= untilMs);
    const params = o.params ? ` --params '${JSON.stringify(o.params)}'` : '';
    const script = faults.length > 0 ? ` --faults '${formatFaults(faults.map((f) => ({ atMs: f.atMs, action: f.action })))}'` : '';
    return `npx ledgerlab session --protocol ${o.protocol} --nodes ${o.nodes} --seed ${o.seed} --tx-per-second ${this.info.txPerSecond} --until ${untilMs}ms${params}${script}`;
  }

  // --- Internals -----------------------------------------------------------------------------

  /**
   * Run until `untilMs` (or `done`), feeding the workload, taking snapshots every
   * SNAPSHOT_EVERY_MS and landing on intervention snapshots instead of running past them.
   */
  private runTo(untilMs: number, done: () => boolean, budget = EVENT_BUDGET): SessionFrame['stopped'] {
    let events = 0;
    while (!done()) {
      const net = this.network;
      if (net.now >= untilMs && (net.sim.nextEventTime() ?? Number.POSITIVE_INFINITY) > untilMs) return 'reached';
      const nextSnapshotAt = (Math.floor(net.now / SNAPSHOT_EVERY_MS) + 1) * SNAPSHOT_EVERY_MS;
      const intervention = this.nextInterventionAfter(net.now, untilMs);
      const slice = Math.min(untilMs, nextSnapshotAt, intervention?.atMs ?? Number.POSITIVE_INFINITY);
      const before = net.sim.eventCount;
      const result = net.runUntil(() => done() || (net.sim.nextEventTime() ?? Number.POSITIVE_INFINITY) > slice, { maxEvents: budget - events });
      events += net.sim.eventCount - before;
      if (result.reason === 'event-limit') return 'budget';
      if (done()) break;
      if (intervention && slice === intervention.atMs) {
        this.restore(intervention);
        continue;
      }
      // Nothing left before the slice's end: let the clock reach it (an idle network still has timers).
      if (net.sim.pendingEvents === 0 && slice >= untilMs) {
        net.runUntilTime(slice, { maxEvents: 1 });
        this.afterProgress();
        return 'idle';
      }
      net.runUntilTime(slice, { maxEvents: 1_000_000 });
      this.afterProgress();
    }
    this.afterProgress();
    return 'reached';
  }

  /** Before processing an event at `nextMs` while replaying: land on any intervention on the way. */
  private crossBoundaries(nextMs: number): void {
    const intervention = this.nextInterventionAfter(this.network.now, nextMs);
    if (intervention) this.restore(intervention);
  }

  private afterProgress(): void {
    const now = this.network.now;
    if (now > this.timeline.headMs) this.timeline.headMs = now;
    // Only between instants: a replay to `now` runs every event at `now`, so must the snapshot.
    if ((this.network.sim.nextEventTime() ?? Number.POSITIVE_INFINITY) <= now) return;
    const last = this.timeline.snapshots.at(-1);
    if (!last || Math.floor(now / SNAPSHOT_EVERY_MS) > Math.floor(last.atMs / SNAPSHOT_EVERY_MS)) {
      if (!this.timeline.snapshots.some((s) => s.atMs === now)) this.takeSnapshot(false);
    }
  }

  /** The next intervention in (fromMs, toMs]: the last snapshot at its instant, which holds every change made then. */
  private nextInterventionAfter(fromMs: number, toMs: number): Snapshot | undefined {
    const first = this.timeline.snapshots.find((s) => s.intervention && s.atMs > fromMs && s.atMs <= toMs);
    if (!first) return undefined;
    const same = this.timeline.snapshots.filter((s) => s.intervention && s.atMs === first.atMs);
    return same[same.length - 1];
  }

  private snapshotAtOrBefore(timeMs: number): Snapshot {
    let best = this.timeline.snapshots[0]!;
    for (const snapshot of this.timeline.snapshots) if (snapshot.atMs <= timeMs) best = snapshot;
    return best;
  }

  private takeSnapshot(intervention: boolean): void {
    const state = this.copyState(this.live);
    const snapshots = this.timeline.snapshots;
    // Keep order by time; an intervention replaces a plain snapshot at the same instant.
    let index = snapshots.length;
    while (index > 0 && snapshots[index - 1]!.atMs > this.network.now) index--;
    snapshots.splice(index, 0, { atMs: this.network.now, intervention, state });
    if (snapshots.length > MAX_SNAPSHOTS) {
      // Thin the plain ones (every other), never the first or an intervention.
      this.timeline.snapshots = snapshots.filter((s, i) => i === 0 || s.intervention || i % 2 === 0 || i === snapshots.length - 1);
    }
  }

  private restore(snapshot: Snapshot): void {
    this.live = this.copyState(snapshot.state);
    if (this.cursor > this.network.trace.length) {
      // The page holds events this state never had: tell it to drop them.
      this.cursor = this.network.trace.length;
      this.rewound = true;
    }
  }

  private copyState(state: LiveState): LiveState {
    const contracts = state.network.contracts;
    return deepClone(state, { share: contracts ? [contracts] : [], rootName: 'session' });
  }

  private maxHeight(): number {
    let max = 0;
    for (let id = 0; id < this.network.nodeCount; id++) max = Math.max(max, this.network.chainOf(id).headHeight);
    return max;
  }

  private checkNode(node: NodeId): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.network.nodeCount) {
      throw new LedgerlabError('bad-node', `there is no node ${node}: nodes are 0 to ${this.network.nodeCount - 1}.`);
    }
  }
}

const WORKLOAD_WINDOW_MS = 1_000;

/**
 * The session's steady load: signed transfers at Poisson times, seeded. It is driven by the
 * simulator itself (a tick each second schedules the next second's sends), so the run does not
 * depend on how the page slices time, and it is plain data, so snapshots copy it. Each transfer
 * is signed when it is sent and handed to a live node; one no node takes gives its nonce back,
 * so a crash never leaves a gap that blocks the sender's later transfers.
 */
class Workload {
  private readonly random: Prng;
  private nextTxAtMs = 1;

  constructor(
    private readonly network: Network,
    seed: number,
    private readonly perSecond: number,
  ) {
    this.random = Prng.stream(seed, 'studio-workload');
    if (perSecond > 0) network.sim.schedule(0, this, { kind: 'tick' });
  }

  runAction(action: { kind: 'tick' | 'send' }): void {
    if (action.kind === 'send') {
      this.send();
      return;
    }
    const until = this.network.now + WORKLOAD_WINDOW_MS;
    while (this.nextTxAtMs <= until) {
      this.network.sim.schedule(Math.max(this.nextTxAtMs, this.network.now), this, { kind: 'send' });
      // Exponential gaps with mean 1000/rate ms, at least 1 ms.
      this.nextTxAtMs += Math.max(1, Math.round(this.random.exponential(1000 / this.perSecond)));
    }
    this.network.sim.schedule(until, this, { kind: 'tick' });
  }

  private send(): void {
    const network = this.network;
    const { from, to, amount } = drawTransfer(this.random, network.actorList());
    const live = Array.from({ length: network.nodeCount }, (_, i) => i).filter((i) => network.sim.isAlive(i));
    const pick = this.random.nextInt(network.nodeCount);
    if (live.length === 0) return;
    const node = live[pick % live.length]!;
    const tx = network.sign(from.name, { type: 'transfer', to: to.key.address, amount }, { fee: 1 });
    if (!network.submit(tx, node).ok) from.nextNonce--;
  }
}
