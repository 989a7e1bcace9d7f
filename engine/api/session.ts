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
import { Prng } from '../core/prng.ts';
import { PROTOCOLS, type ProtocolName, type ProtocolParam } from '../consensus/index.ts';
import { CheckerSet, type Violation } from '../checkers/index.ts';
import type { LinkSpec } from '../sim/network.ts';
import type { NodeId, TraceEvent } from '../sim/events.ts';
import { Network } from './network.ts';
import { WORKLOAD_ACTORS } from './workload.ts';

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
  /** The command that replays this session's start (not the user's later interventions). */
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
}

export type Advance =
  | { by: 'events'; count: number }
  | { by: 'time'; ms: number }
  | { by: 'blocks'; count: number };

/** Events one advance may process before it returns (keeps a worker call short). */
const EVENT_BUDGET = 200_000;
const DEFAULT_MAX_EVENTS = 4_000;

const EPOCH_LABELS: Record<ProtocolName, string> = { poa: 'slot', raft: 'term', bft: 'round', pow: 'difficulty' };

export class StudioSession {
  readonly network: Network;
  readonly checkers: CheckerSet;
  readonly info: SessionInfo;
  private cursor = 0;
  private partitionGroups: NodeId[][] | null = null;
  private link: { latencyMs: number; jitterMs: number; dropRate: number };
  private readonly workload: Prng;
  private nextTxAtMs: number;

  constructor(options: SessionOptions) {
    if (!(options.protocol in PROTOCOLS)) throw new LedgerlabError('bad-protocol', `unknown protocol "${options.protocol}".`, `Use one of ${Object.keys(PROTOCOLS).join(', ')}.`);
    if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 200) {
      throw new LedgerlabError('bad-nodes', `a studio session runs 1 to 200 nodes, got ${options.nodes}.`, 'Choose fewer nodes, or use the CLI for larger networks.');
    }
    const txPerSecond = options.txPerSecond ?? 5;
    if (!(txPerSecond >= 0 && txPerSecond <= 1_000)) throw new LedgerlabError('bad-rate', `transactions per second must be 0 to 1000, got ${txPerSecond}.`);
    this.link = { latencyMs: options.link?.latencyMs ?? 20, jitterMs: options.link?.jitterMs ?? 30, dropRate: options.link?.dropRate ?? 0 };
    this.network = new Network({
      protocol: options.protocol,
      nodes: options.nodes,
      seed: options.seed,
      actors: WORKLOAD_ACTORS.slice(0, 8),
      traceRetain: 50_000,
      link: this.link,
      ...(options.params ? { protocolParams: options.params } : {}),
    });
    const params = options.params ? ` --params '${JSON.stringify(options.params)}'` : '';
    const replay = `npx ledgerlab run --protocol ${options.protocol} --nodes ${options.nodes} --seed ${options.seed}${params}`;
    this.checkers = new CheckerSet(this.network, replay);
    this.workload = Prng.stream(options.seed, 'studio-workload');
    this.nextTxAtMs = 1;
    this.info = {
      protocol: options.protocol,
      nodes: options.nodes,
      seed: options.seed,
      epochLabel: EPOCH_LABELS[options.protocol],
      blockPeriodMs: this.network.blockPeriodMs,
      txPerSecond,
      behaviours: PROTOCOLS[options.protocol].byzantineBehaviours,
      replay,
    };
  }

  /** Run the network forward and return what happened since the last frame. */
  advance(step: Advance, maxEvents = DEFAULT_MAX_EVENTS): SessionFrame {
    const net = this.network;
    let stopped: SessionFrame['stopped'] = 'reached';
    if (step.by === 'events') {
      const count = Math.min(Math.max(0, Math.floor(step.count)), EVENT_BUDGET);
      for (let i = 0; i < count; i++) {
        this.feedWorkload(net.sim.nextEventTime() ?? net.now);
        if (!net.step()) {
          stopped = 'idle';
          break;
        }
      }
    } else if (step.by === 'time') {
      const until = net.now + Math.max(0, Math.floor(step.ms));
      this.feedWorkload(until);
      const result = net.runUntilTime(until, { maxEvents: EVENT_BUDGET });
      if (result.reason === 'event-limit') stopped = 'budget';
    } else {
      const target = this.maxHeight() + Math.max(1, Math.floor(step.count));
      // Blocks need transactions to be interesting and time to pass: feed in one-period chunks.
      let events = 0;
      while (this.maxHeight() < target && events < EVENT_BUDGET) {
        const before = net.sim.eventCount;
        const until = net.now + net.blockPeriodMs;
        this.feedWorkload(until);
        const goal = target;
        net.runUntil(() => this.maxHeight() >= goal || net.now >= until, { maxEvents: EVENT_BUDGET - events });
        events += net.sim.eventCount - before;
        if (net.sim.pendingEvents === 0) {
          stopped = 'idle';
          break;
        }
      }
      if (this.maxHeight() < target && stopped !== 'idle') stopped = 'budget';
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
    return {
      now: net.now,
      eventCount: net.trace.length,
      events,
      skipped: all.length - events.length,
      nodes,
      partition: this.partitionGroups,
      link: { ...this.link },
      height: Math.max(0, ...nodes.map((n) => n.headHeight)),
      finalized: live.length === 0 ? 0 : Math.min(...live.map((n) => n.finalizedHeight)),
      violations: [...this.checkers.violations],
      stopped,
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

  crash(node: NodeId): void {
    this.checkNode(node);
    if (!this.network.sim.isAlive(node)) throw new LedgerlabError('already-crashed', `node ${node} is already down.`, 'Restart it instead.');
    this.network.crash(node);
  }

  restart(node: NodeId): void {
    this.checkNode(node);
    if (this.network.sim.isAlive(node)) throw new LedgerlabError('not-crashed', `node ${node} is running.`, 'Crash it first.');
    this.network.restart(node);
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
    this.network.partition(full);
    this.partitionGroups = full;
  }

  heal(): void {
    this.network.heal();
    this.partitionGroups = null;
  }

  makeByzantine(node: NodeId, behaviour: string | undefined): void {
    this.checkNode(node);
    this.network.makeByzantine(node, behaviour);
  }

  /** Change every link's latency, jitter or drop rate. */
  setLink(spec: Partial<{ latencyMs: number; jitterMs: number; dropRate: number }>): void {
    const next = { ...this.link, ...spec };
    if (!(next.dropRate >= 0 && next.dropRate <= 1)) throw new LedgerlabError('bad-link', `drop rate must be from 0 to 1, got ${next.dropRate}.`);
    if (!(next.latencyMs >= 0 && next.latencyMs <= 60_000) || !(next.jitterMs >= 0 && next.jitterMs <= 60_000)) {
      throw new LedgerlabError('bad-link', 'latency and jitter must be from 0 to 60000 ms.');
    }
    this.network.setLink(next);
    this.link = next;
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

  /** Schedule the steady workload up to virtual time `untilMs` (Poisson arrivals, seeded). */
  private feedWorkload(untilMs: number): void {
    const rate = this.info.txPerSecond;
    if (rate <= 0) return;
    const actors = this.network.actorList();
    while (this.nextTxAtMs <= untilMs) {
      const from = this.workload.pick(actors);
      let to = this.workload.pick(actors);
      while (to === from) to = this.workload.pick(actors);
      const tx = this.network.sign(from.name, { type: 'transfer', to: to.key.address, amount: this.workload.between(1, 100) }, { fee: 1 });
      const at = Math.max(this.nextTxAtMs, this.network.now);
      const node = this.workload.nextInt(this.network.nodeCount);
      if (at <= this.network.now) this.network.submit(tx, node);
      else this.network.submitAt(at, tx, node);
      // Exponential gaps with mean 1000/rate ms, at least 1 ms.
      this.nextTxAtMs = at + Math.max(1, Math.round(this.workload.exponential(1000 / rate)));
    }
  }
}
