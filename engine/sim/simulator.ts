/**
 * The deterministic kernel: a virtual clock in integer milliseconds, one event queue ordered by
 * (time, sequence), simulated links, and node hosts that can crash and restart.
 *
 * A node is a {@link NodeProcess} built by a factory from a {@link NodeContext}: all it can do is
 * send messages, set timers, read the clock, draw from its own seeded stream, and use its durable
 * store. On a crash the process object is dropped (its memory is lost) and its pending timers die
 * with it; the durable store survives, and restart builds a fresh process from it.
 */
import { invariant } from '../core/assert.ts';
import { Prng } from '../core/prng.ts';
import type { NodeId, TraceEventInput } from './events.ts';
import { NetworkModel, type LinkSpec } from './network.ts';
import { EventQueue } from './queue.ts';
import { Trace } from './trace.ts';

/** Anything sent between nodes names its type, for the trace. Messages are immutable once sent. */
export interface Message {
  readonly type: string;
}

export interface NodeProcess<M extends Message> {
  /** Called once when the node starts or restarts. */
  start(): void;
  onMessage(from: NodeId, message: M): void;
  onTimer(name: string, data: unknown): void;
}

/** What a node keeps on disk: survives crashes, lost on nothing. Values must not be mutated after put. */
export class DurableStore {
  private readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  put(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  delete(key: string): void {
    this.data.delete(key);
  }
  has(key: string): boolean {
    return this.data.has(key);
  }
  keys(): string[] {
    return [...this.data.keys()];
  }
}

export interface NodeContext<M extends Message> {
  readonly id: NodeId;
  readonly nodeCount: number;
  /** Every other node, in id order. */
  readonly peers: readonly NodeId[];
  /** 0 on first start, +1 on each restart. */
  readonly incarnation: number;
  /** Seeded stream private to this node and incarnation. */
  readonly random: Prng;
  readonly disk: DurableStore;
  now(): number;
  send(to: NodeId, message: M): void;
  broadcast(message: M): void;
  /** Returns a timer id for cancelTimer. Delay is rounded to whole milliseconds. */
  setTimer(name: string, delayMs: number, data?: unknown): number;
  cancelTimer(timerId: number): void;
  trace(event: TraceEventInput): void;
}

/**
 * Byzantine hook: rewrite what a node sends. Return [] to withhold, several to equivocate.
 * Give an object with an `outbound` method to keep the simulator forkable (a bare function is
 * a closure, which a snapshot cannot copy).
 */
export type OutboundHook<M extends Message> = ((to: NodeId, message: M) => M[]) | { outbound(to: NodeId, message: M): M[] };

/** Builds the process of a node (at start and at each restart). An object, so a forked simulator carries it along. */
export interface NodeFactory<M extends Message> {
  createNode(context: NodeContext<M>): NodeProcess<M>;
}

/**
 * Carries out control actions (workload, faults) scheduled with {@link Simulator.schedule}.
 * The action is plain data and the runner an object with a method, so a snapshot of the
 * simulator copies pending actions faithfully.
 */
export interface ActionRunner<A> {
  runAction(action: A): void;
}

type QueueItem<M extends Message> =
  | { atMs: number; seq: number; kind: 'deliver'; from: NodeId; to: NodeId; message: M; id: number }
  | { atMs: number; seq: number; kind: 'timer'; node: NodeId; incarnation: number; timerId: number; name: string; data: unknown }
  | { atMs: number; seq: number; kind: 'action'; runner: ActionRunner<unknown>; action: unknown }
  | { atMs: number; seq: number; kind: 'callback'; run: () => void };

export interface SimulatorOptions {
  seed: number | string;
  nodes: number;
  link?: LinkSpec;
  /** Events kept in memory (the trace hash covers all). Default: all. */
  traceRetain?: number;
  /** Hard bound on pending events. */
  maxQueuedEvents?: number;
  /** Messages in flight on one directed link before further ones are dropped as queue-full. */
  maxInFlightPerLink?: number;
  /** Trace every message send and delivery (off for very large headless runs: drops are always traced). */
  traceMessages?: boolean;
  /** Who each node is connected to (default: everyone). See topology.ts. */
  peers?: NodeId[][];
}

export type StopReason = 'reached' | 'idle' | 'event-limit' | 'time-limit';

export interface RunLimits {
  /** Stop after this many events (default 10 million). */
  maxEvents?: number;
  /** Stop before running any event later than this virtual time. */
  maxTimeMs?: number;
}

export interface RunResult {
  reason: StopReason;
  events: number;
  timeMs: number;
}

interface Host<M extends Message> {
  process: NodeProcess<M> | undefined;
  incarnation: number;
  alive: boolean;
  disk: DurableStore;
  cancelled: Set<number>;
  outbound?: OutboundHook<M>;
}

const DEFAULT_MAX_EVENTS = 10_000_000;

export class Simulator<M extends Message> {
  readonly trace: Trace;
  readonly network: NetworkModel;
  readonly seed: number | string;
  private readonly queue: EventQueue<QueueItem<M>>;
  private readonly hosts: Host<M>[] = [];
  private readonly netRandom: Prng;
  private readonly inFlight: Int32Array;
  private readonly maxInFlightPerLink: number;
  private readonly traceMessages: boolean;
  private readonly peerLists: readonly NodeId[][];
  private clockMs = 0;
  private seq = 0;
  private nextTimerId = 1;
  private nextMessageId = 1;
  private eventsRun = 0;
  private started = false;

  constructor(
    options: SimulatorOptions,
    /** A factory object keeps the simulator forkable; a bare function does not (see engine/core/clone.ts). */
    private readonly factory: NodeFactory<M> | ((context: NodeContext<M>) => NodeProcess<M>),
  ) {
    invariant(Number.isInteger(options.nodes) && options.nodes >= 1, 'a network needs at least one node');
    this.seed = options.seed;
    this.trace = new Trace(options.traceRetain);
    this.network = new NetworkModel(options.nodes, options.link);
    this.queue = new EventQueue(options.maxQueuedEvents ?? 20_000_000);
    this.netRandom = Prng.stream(options.seed, 'network');
    this.inFlight = new Int32Array(options.nodes * options.nodes);
    this.maxInFlightPerLink = options.maxInFlightPerLink ?? 100_000;
    this.traceMessages = options.traceMessages ?? true;
    invariant(options.peers === undefined || options.peers.length === options.nodes, 'peers must list the neighbours of every node');
    this.peerLists = options.peers ?? Array.from({ length: options.nodes }, (_, i) => Array.from({ length: options.nodes }, (_, j) => j).filter((j) => j !== i));
    for (let i = 0; i < options.nodes; i++) {
      this.hosts.push({ process: undefined, incarnation: 0, alive: false, disk: new DurableStore(), cancelled: new Set() });
    }
  }

  get nodeCount(): number {
    return this.hosts.length;
  }

  /** Virtual time in milliseconds. */
  get now(): number {
    return this.clockMs;
  }

  /** Events run so far. */
  get eventCount(): number {
    return this.eventsRun;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Time of the next pending event, if any. */
  nextEventTime(): number | undefined {
    return this.queue.peek()?.atMs;
  }

  /** Neighbours of a node. */
  peersOf(node: NodeId): readonly NodeId[] {
    return this.peerLists[node] ?? [];
  }

  start(): void {
    invariant(!this.started, 'the simulation has already started');
    this.started = true;
    for (let id = 0; id < this.hosts.length; id++) this.boot(id, 'node.start');
  }

  isAlive(node: NodeId): boolean {
    return this.host(node).alive;
  }

  /** The live process of a node, for inspection (checkers, UI). Undefined while crashed. */
  process(node: NodeId): NodeProcess<M> | undefined {
    return this.host(node).process;
  }

  disk(node: NodeId): DurableStore {
    return this.host(node).disk;
  }

  /**
   * Schedule a control action (workload, fault) at an absolute virtual time, as data: at that
   * time `runner.runAction(action)` carries it out. Forkable (see {@link Simulator.at}).
   */
  schedule<A>(atMs: number, runner: ActionRunner<A>, action: A): void {
    invariant(atMs >= this.clockMs, `cannot schedule in the past (${atMs} < ${this.clockMs})`);
    this.queue.push({ atMs: Math.round(atMs), seq: this.seq++, kind: 'action', runner: runner as ActionRunner<unknown>, action });
  }

  /**
   * Schedule a callback at an absolute virtual time. A pending callback is a closure, which a
   * snapshot cannot copy: forking the simulator then fails, naming it. Prefer {@link schedule}.
   */
  at(atMs: number, run: () => void): void {
    invariant(atMs >= this.clockMs, `cannot schedule in the past (${atMs} < ${this.clockMs})`);
    this.queue.push({ atMs: Math.round(atMs), seq: this.seq++, kind: 'callback', run });
  }

  record(event: TraceEventInput): void {
    this.trace.append(this.clockMs, event);
  }

  crash(node: NodeId): void {
    const host = this.host(node);
    if (!host.alive) return;
    host.alive = false;
    host.process = undefined; // memory is lost; pending timers die with the incarnation
    host.cancelled.clear();
    this.record({ type: 'node.crash', node });
  }

  restart(node: NodeId): void {
    const host = this.host(node);
    if (host.alive) return;
    host.incarnation++;
    this.boot(node, 'node.restart');
  }

  setOutboundHook(node: NodeId, hook: OutboundHook<M> | undefined): void {
    this.host(node).outbound = hook;
  }

  /** Run the next event. Returns false when nothing is pending. */
  step(): boolean {
    const item = this.queue.pop();
    if (!item) return false;
    invariant(item.atMs >= this.clockMs, 'time went backwards');
    this.clockMs = item.atMs;
    this.eventsRun++;
    switch (item.kind) {
      case 'action':
        item.runner.runAction(item.action);
        break;
      case 'callback':
        item.run();
        break;
      case 'timer': {
        const host = this.hosts[item.node]!;
        if (!host.alive || host.incarnation !== item.incarnation || host.cancelled.delete(item.timerId)) break;
        this.record({ type: 'timer', node: item.node, name: item.name });
        host.process!.onTimer(item.name, item.data);
        break;
      }
      case 'deliver': {
        this.inFlight[item.from * this.hosts.length + item.to]!--;
        const host = this.hosts[item.to]!;
        const name = item.message.type;
        if (this.network.isBlocked(item.from, item.to)) {
          this.record({ type: 'msg.drop', from: item.from, to: item.to, msg: name, id: item.id, reason: 'partition' });
        } else if (!host.alive) {
          this.record({ type: 'msg.drop', from: item.from, to: item.to, msg: name, id: item.id, reason: 'crashed' });
        } else {
          if (this.traceMessages) this.record({ type: 'msg.deliver', from: item.from, to: item.to, msg: name, id: item.id });
          host.process!.onMessage(item.from, item.message);
        }
        break;
      }
    }
    return true;
  }

  /** Run until the predicate holds (checked before each event), nothing is pending, or a limit is hit. */
  runUntil(predicate: () => boolean, limits: RunLimits = {}): RunResult {
    const maxEvents = limits.maxEvents ?? DEFAULT_MAX_EVENTS;
    let events = 0;
    for (;;) {
      if (predicate()) return { reason: 'reached', events, timeMs: this.clockMs };
      if (events >= maxEvents) return { reason: 'event-limit', events, timeMs: this.clockMs };
      const next = this.queue.peek();
      if (!next) return { reason: 'idle', events, timeMs: this.clockMs };
      if (limits.maxTimeMs !== undefined && next.atMs > limits.maxTimeMs) {
        return { reason: 'time-limit', events, timeMs: this.clockMs };
      }
      this.step();
      events++;
    }
  }

  /** Run every event up to and including virtual time `timeMs`, then set the clock there. */
  runUntilTime(timeMs: number, limits: Omit<RunLimits, 'maxTimeMs'> = {}): RunResult {
    const result = this.runUntil(() => false, { ...limits, maxTimeMs: timeMs });
    if (result.reason === 'time-limit' || result.reason === 'idle') {
      this.clockMs = Math.max(this.clockMs, timeMs);
      return { ...result, reason: 'reached', timeMs: this.clockMs };
    }
    return result;
  }

  private host(node: NodeId): Host<M> {
    const host = this.hosts[node];
    invariant(host !== undefined, `no node ${node}: nodes are numbered 0 to ${this.hosts.length - 1}`);
    return host;
  }

  private boot(id: NodeId, kind: 'node.start' | 'node.restart'): void {
    const host = this.hosts[id]!;
    host.alive = true;
    host.cancelled.clear();
    const incarnation = host.incarnation;
    const context = new HostedNodeContext<M>(this, id, incarnation, this.hosts.length, this.peerLists[id]!, Prng.stream(this.seed, `node/${id}/${incarnation}`), host.disk);
    const factory = this.factory;
    host.process = typeof factory === 'function' ? factory(context) : factory.createNode(context);
    this.record({ type: kind, node: id, incarnation });
    host.process.start();
  }

  private isCurrent(id: NodeId, incarnation: number): boolean {
    const host = this.hosts[id]!;
    return host.alive && host.incarnation === incarnation;
  }

  /** @internal What a node's context does (see HostedNodeContext): only while that incarnation lives. */
  contextSend(id: NodeId, incarnation: number, to: NodeId, message: M): void {
    if (this.isCurrent(id, incarnation)) this.send(id, to, message);
  }

  /** @internal */
  contextBroadcast(id: NodeId, incarnation: number, message: M): void {
    if (!this.isCurrent(id, incarnation)) return;
    for (const to of this.peerLists[id]!) this.send(id, to, message);
  }

  /** @internal */
  contextSetTimer(id: NodeId, incarnation: number, name: string, delayMs: number, data: unknown): number {
    invariant(delayMs >= 0 && Number.isFinite(delayMs), `timer ${name}: delay must be a non-negative number`);
    const timerId = this.nextTimerId++;
    if (this.isCurrent(id, incarnation)) {
      this.queue.push({ atMs: this.clockMs + Math.round(delayMs), seq: this.seq++, kind: 'timer', node: id, incarnation, timerId, name, data });
    }
    return timerId;
  }

  /** @internal */
  contextCancelTimer(id: NodeId, incarnation: number, timerId: number): void {
    if (this.isCurrent(id, incarnation)) this.hosts[id]!.cancelled.add(timerId);
  }

  /** @internal */
  contextTrace(id: NodeId, incarnation: number, event: TraceEventInput): void {
    if (this.isCurrent(id, incarnation)) this.record(event);
  }

  private send(from: NodeId, to: NodeId, message: M): void {
    invariant(to !== from && to >= 0 && to < this.hosts.length, `node ${from} sent to invalid node ${to}`);
    const hook = this.hosts[from]!.outbound;
    const messages = hook === undefined ? [message] : typeof hook === 'function' ? hook(to, message) : hook.outbound(to, message);
    if (hook && messages.length === 0) {
      this.record({ type: 'msg.drop', from, to, msg: message.type, id: this.nextMessageId++, reason: 'byzantine' });
      return;
    }
    for (const m of messages) this.transmit(from, to, m);
  }

  private transmit(from: NodeId, to: NodeId, message: M): void {
    const id = this.nextMessageId++;
    const name = message.type;
    const link = this.network.link(from, to);
    if (this.network.isBlocked(from, to)) {
      this.record({ type: 'msg.drop', from, to, msg: name, id, reason: 'partition' });
      return;
    }
    if (link.dropRate > 0 && this.netRandom.chance(link.dropRate)) {
      this.record({ type: 'msg.drop', from, to, msg: name, id, reason: 'loss' });
      return;
    }
    const copies = link.duplicateRate > 0 && this.netRandom.chance(link.duplicateRate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const slot = from * this.hosts.length + to;
      if (this.inFlight[slot]! >= this.maxInFlightPerLink) {
        this.record({ type: 'msg.drop', from, to, msg: name, id, reason: 'queue-full' });
        return;
      }
      const latency = link.latencyMs + (link.jitterMs > 0 ? this.netRandom.nextInt(link.jitterMs + 1) : 0);
      const atMs = this.clockMs + latency;
      this.inFlight[slot]!++;
      if (this.traceMessages) this.record({ type: 'msg.send', from, to, msg: name, id, deliverAtMs: atMs });
      this.queue.push({ atMs, seq: this.seq++, kind: 'deliver', from, to, message, id });
    }
  }
}

/**
 * A node's context: its identity, its seeded stream, its disk, and a handle on the simulator.
 * Plain fields and methods, no closures, so a forked simulator carries every node along.
 */
class HostedNodeContext<M extends Message> implements NodeContext<M> {
  constructor(
    private readonly sim: Simulator<M>,
    readonly id: NodeId,
    readonly incarnation: number,
    readonly nodeCount: number,
    readonly peers: readonly NodeId[],
    readonly random: Prng,
    readonly disk: DurableStore,
  ) {}

  now(): number {
    return this.sim.now;
  }

  send(to: NodeId, message: M): void {
    this.sim.contextSend(this.id, this.incarnation, to, message);
  }

  broadcast(message: M): void {
    this.sim.contextBroadcast(this.id, this.incarnation, message);
  }

  setTimer(name: string, delayMs: number, data?: unknown): number {
    return this.sim.contextSetTimer(this.id, this.incarnation, name, delayMs, data);
  }

  cancelTimer(timerId: number): void {
    this.sim.contextCancelTimer(this.id, this.incarnation, timerId);
  }

  trace(event: TraceEventInput): void {
    this.sim.contextTrace(this.id, this.incarnation, event);
  }
}
