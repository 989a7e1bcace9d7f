/**
 * The Network harness: one plain object that builds a simulated ledger network and drives it.
 * Tests, the CLI and the Web Worker all use it (STYLE.md: an engine with no UI, and a harness).
 */
import { invariant, LedgerlabError } from '../core/assert.ts';
import { deepClone } from '../core/clone.ts';
import type { Hash } from '../core/hash.ts';
import { deriveKeyPair, isAddress, type Address, type KeyPair } from '../core/keys.ts';
import { protocolByName, type Authority, type ConsensusNode, type NetMessage, type NodeSetup, type NodeStatus, type ProtocolName, type ProtocolParam } from '../consensus/index.ts';
import { applyFault, type FaultAction } from './faults.ts';
import { blockHash, checkBlockShape, makeBlock } from '../ledger/block.ts';
import type { ChainStore, StoredBlock } from '../ledger/chain.ts';
import { genesisHeader, genesisState, type ContractExecutor } from '../ledger/execute.ts';
import type { AdmitResult } from '../ledger/mempool.ts';
import { signTx } from '../ledger/tx.ts';
import type { Block, GenesisSpec, IdentityKind, Receipt, SignedTx, TxPayload } from '../ledger/types.ts';
import type { ExecutionResult } from '../vm/host-interface.ts';
import type { NodeId } from '../sim/events.ts';
import type { LinkSpec } from '../sim/network.ts';
import { Simulator, type ActionRunner, type NodeContext, type NodeFactory, type RunLimits, type RunResult } from '../sim/simulator.ts';
import { buildTopology, type TopologySpec } from '../sim/topology.ts';

export interface ActorSpec {
  name: string;
  kind?: IdentityKind;
  balance?: number;
}

export interface NetworkOptions {
  protocol: ProtocolName;
  nodes: number;
  seed: number;
  chainId?: string;
  blockPeriodMs?: number;
  maxTxsPerBlock?: number;
  link?: Partial<LinkSpec>;
  actors?: ActorSpec[];
  /** The contract VM every node executes deploy and call transactions with (e.g. `await ContractVM.create()`); without it they are rejected. */
  contracts?: ContractExecutor;
  /** Keep only the newest N trace events in memory (the trace hash still covers all). */
  traceRetain?: number;
  /** Trace each message sent and delivered (default true). */
  traceMessages?: boolean;
  /** Who connects to whom (default: full mesh). */
  topology?: TopologySpec;
  /** Nodes that misbehave from the start: node id → one of the protocol's Byzantine behaviours. */
  byzantine?: Record<number, string>;
  /** Protocol-specific parameters, passed to every node (see each protocol's file). */
  protocolParams?: Record<string, ProtocolParam>;
}

export interface Actor {
  readonly name: string;
  readonly kind: IdentityKind;
  readonly key: KeyPair;
  /** The nonce this harness will use for the actor's next transaction. */
  nextNonce: number;
}

const DEFAULT_LINK: LinkSpec = { latencyMs: 20, jitterMs: 30, dropRate: 0, duplicateRate: 0 };

/** Who a query runs as when no sender is given: nobody in particular. */
const ANONYMOUS: Address = `0x${'0'.repeat(40)}`;
const QUERY_GAS_LIMIT = 10_000_000;

export interface QueryOptions {
  /** Node whose head state answers (default 0; a crashed node answers from its disk). */
  node?: NodeId;
  /** `ctx.sender` of the query: an actor name or an address (default the zero address). */
  sender?: string;
  gasLimit?: number;
}

/** A control action the network carries out at a scheduled virtual time: data, so a fork copies it. */
export type NetworkAction = { kind: 'submit'; tx: SignedTx; node: NodeId } | { kind: 'fault'; fault: FaultAction };

/**
 * Builds each node's protocol process (at start and on every restart). Misbehaviour is who the
 * node is, not what it remembers: it survives restarts, so it is read from the network's map.
 */
class ProtocolNodeFactory implements NodeFactory<NetMessage> {
  constructor(
    private readonly protocol: ProtocolName,
    private readonly base: Omit<NodeSetup, 'key'>,
    private readonly nodeKeys: readonly KeyPair[],
    private readonly byzantineNodes: ReadonlyMap<NodeId, string | undefined>,
  ) {}

  createNode(ctx: NodeContext<NetMessage>): ConsensusNode {
    const node = protocolByName(this.protocol).create(ctx, { ...this.base, key: this.nodeKeys[ctx.id]! });
    const behaviour = this.byzantineNodes.get(ctx.id);
    if (behaviour !== undefined) {
      node.setByzantine(behaviour);
      node.setCoalition(this.coalitionOf(behaviour));
    }
    return node;
  }

  coalitionOf(behaviour: string): NodeId[] {
    return [...this.byzantineNodes].filter(([, b]) => b === behaviour).map(([n]) => n).sort((a, b) => a - b);
  }
}

export class Network implements ActionRunner<NetworkAction> {
  readonly sim: Simulator<NetMessage>;
  readonly chainId: string;
  readonly protocol: ProtocolName;
  readonly seed: number;
  readonly nodeKeys: readonly KeyPair[];
  readonly genesis: StoredBlock;
  readonly blockPeriodMs: number;
  /** The contract VM the nodes use, if any. */
  readonly contracts: ContractExecutor | undefined;
  private readonly actors = new Map<string, Actor>();
  private readonly byzantineNodes = new Map<NodeId, string | undefined>();
  private readonly nodeFactory: ProtocolNodeFactory;

  constructor(options: NetworkOptions) {
    const definition = protocolByName(options.protocol);
    if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 2_000) {
      throw new LedgerlabError('bad-nodes', `nodes must be an integer from 1 to 2000, got ${options.nodes}.`);
    }
    this.protocol = options.protocol;
    this.seed = options.seed;
    this.chainId = options.chainId ?? 'ledgerlab-local';
    this.blockPeriodMs = options.blockPeriodMs ?? 1_000;
    this.contracts = options.contracts;
    this.nodeKeys = Array.from({ length: options.nodes }, (_, i) => deriveKeyPair(options.seed, `node:${i}`));
    for (const actor of options.actors ?? []) this.addActor(actor);
    const authorities: Authority[] = this.nodeKeys.map((k) => ({ address: k.address, publicKey: k.publicKey }));
    const spec: GenesisSpec = {
      chainId: this.chainId,
      timestampMs: 0,
      accounts: [...this.actors.values()].map((a) => ({ address: a.key.address, balance: (options.actors ?? []).find((s) => s.name === a.name)?.balance ?? 0 })),
      identities: [
        ...this.nodeKeys.map((k, i) => ({ address: k.address, name: `node-${i}`, kind: 'organisation' as const, publicKey: k.publicKey })),
        ...[...this.actors.values()].map((a) => ({ address: a.key.address, name: a.name, kind: a.kind, publicKey: a.key.publicKey })),
      ],
      consensus: definition.genesisConsensus(authorities, this.blockPeriodMs),
    };
    const state = genesisState(spec);
    const block = makeBlock(genesisHeader(spec, state.root), [], { kind: 'genesis', signatures: [] });
    this.genesis = { block, height: 0, state, receipts: [] };
    const base: Omit<NodeSetup, 'key'> = {
      authorities,
      chainId: this.chainId,
      genesis: this.genesis,
      blockPeriodMs: this.blockPeriodMs,
      maxTxsPerBlock: options.maxTxsPerBlock ?? 500,
      params: { ...options.protocolParams },
      ...(options.contracts ? { contracts: options.contracts } : {}),
    };
    this.nodeFactory = new ProtocolNodeFactory(this.protocol, base, this.nodeKeys, this.byzantineNodes);
    this.sim = new Simulator<NetMessage>(
      {
        seed: options.seed,
        nodes: options.nodes,
        link: { ...DEFAULT_LINK, ...options.link },
        ...(options.traceRetain !== undefined ? { traceRetain: options.traceRetain } : {}),
        ...(options.traceMessages !== undefined ? { traceMessages: options.traceMessages } : {}),
        ...(options.topology && options.topology.kind !== 'mesh' ? { peers: buildTopology(options.nodes, options.topology, options.seed) } : {}),
      },
      this.nodeFactory,
    );
    for (const [node, behaviour] of Object.entries(options.byzantine ?? {})) {
      this.checkBehaviour(behaviour);
      this.byzantineNodes.set(Number(node), behaviour);
    }
    this.sim.start();
  }

  get nodeCount(): number {
    return this.sim.nodeCount;
  }

  get now(): number {
    return this.sim.now;
  }

  get trace() {
    return this.sim.trace;
  }

  /** The live protocol node, or undefined while crashed. */
  node(id: NodeId): ConsensusNode | undefined {
    return this.sim.process(id) as ConsensusNode | undefined;
  }

  /** Status of every node; a crashed node reports what is on its disk. */
  status(): NodeStatus[] {
    return Array.from({ length: this.nodeCount }, (_, id) => {
      const live = this.node(id);
      if (live) return { ...live.status(), alive: true };
      const chain = this.chainOf(id);
      const head = chain.head();
      return { node: id, alive: false, role: 'crashed', headHeight: head.height, headHash: head.block.hash, finalizedHeight: chain.finalizedHeight, stateRoot: head.state.root, mempool: 0 };
    });
  }

  addActor(spec: ActorSpec): Actor {
    if (this.actors.has(spec.name)) throw new LedgerlabError('duplicate-actor', `actor "${spec.name}" already exists.`, 'Give each actor a unique name.');
    const actor: Actor = { name: spec.name, kind: spec.kind ?? 'person', key: deriveKeyPair(this.seed, `actor:${spec.name}`), nextNonce: 0 };
    this.actors.set(spec.name, actor);
    return actor;
  }

  actor(name: string): Actor {
    const actor = this.actors.get(name);
    if (!actor) throw new LedgerlabError('unknown-actor', `no actor named "${name}".`, `Known actors: ${[...this.actors.keys()].join(', ') || 'none'}.`);
    return actor;
  }

  actorList(): Actor[] {
    return [...this.actors.values()];
  }

  addressOf(nameOrAddress: string): Address {
    return isAddress(nameOrAddress) ? nameOrAddress : this.actor(nameOrAddress).key.address;
  }

  /** Sign a transaction as an actor with its next nonce. */
  sign(actorName: string, payload: TxPayload, options: { fee?: number; gasLimit?: number } = {}): SignedTx {
    const actor = this.actor(actorName);
    const tx = signTx(actor.key, { chainId: this.chainId, nonce: actor.nextNonce, payload, ...options });
    actor.nextNonce++;
    return tx;
  }

  /** Hand a transaction to a node now, as a client would. Traced as tx.submit; returns the node's admission verdict. */
  submit(tx: SignedTx, node: NodeId = 0): AdmitResult {
    this.sim.record({ type: 'tx.submit', node, tx: tx.hash, from: tx.body.from, nonce: tx.body.nonce });
    const target = this.node(node);
    if (!target) {
      const detail = `node ${node} is crashed`;
      this.sim.record({ type: 'tx.reject', node, tx: tx.hash, reason: 'node-down', detail });
      return { ok: false, reason: 'node-down', detail };
    }
    return target.submitFromClient(tx);
  }

  /** Schedule a submission at a later virtual time. */
  submitAt(atMs: number, tx: SignedTx, node: NodeId = 0): void {
    this.sim.schedule<NetworkAction>(atMs, this, { kind: 'submit', tx, node });
  }

  /** Schedule a fault at a virtual time (at once if that time has passed). */
  faultAt(atMs: number, fault: FaultAction): void {
    this.sim.schedule<NetworkAction>(Math.max(atMs, this.now), this, { kind: 'fault', fault });
  }

  /** Carry out a scheduled action (the simulator calls this at its time). */
  runAction(action: NetworkAction): void {
    if (action.kind === 'submit') this.submit(action.tx, action.node);
    else applyFault(this, action.fault);
  }

  /**
   * A fully independent copy of this network as it is now: virtual clock, pending events, RNG
   * streams, links and partitions, every node's protocol state, mempool and disk (block store,
   * persisted protocol state), the trace and its running hash, actors and their nonces.
   * Running the copy and running this network the same way give the same trace hash and state
   * roots, and changing one never affects the other. Immutable values (blocks, transactions,
   * state-trie versions) are shared, so a fork costs about the size of the mutable state; the
   * contract VM is shared too. Trace listeners (checkers, a UI) are not carried over: subscribe
   * to the copy's trace. This is what snapshots, time travel and timeline scrubbing are built on.
   * Throws a SnapshotError naming the path if the state holds a closure (e.g. a callback
   * scheduled with `sim.at`; use `submitAt`, `faultAt` or `sim.schedule` instead).
   */
  fork(): Network {
    return deepClone(this, { share: this.contracts ? [this.contracts] : [], rootName: 'network' });
  }

  transfer(from: string, to: string, amount: number, options: { node?: NodeId; fee?: number } = {}): SignedTx {
    const tx = this.sign(from, { type: 'transfer', to: this.addressOf(to), amount }, options.fee !== undefined ? { fee: options.fee } : {});
    this.submit(tx, options.node ?? 0);
    return tx;
  }

  crash(node: NodeId): void {
    this.sim.record({ type: 'fault', fault: 'crash', detail: `node ${node}` });
    this.sim.crash(node);
  }

  restart(node: NodeId): void {
    this.sim.record({ type: 'fault', fault: 'restart', detail: `node ${node}` });
    this.sim.restart(node);
  }

  partition(groups: NodeId[][]): void {
    this.sim.network.partition(groups);
    this.sim.record({ type: 'fault', fault: 'partition', detail: groups.map((g) => g.join(',')).join(' | ') });
  }

  heal(): void {
    this.sim.network.heal();
    this.sim.record({ type: 'fault', fault: 'heal', detail: 'all links restored' });
  }

  setLink(spec: Partial<LinkSpec>, from?: NodeId, to?: NodeId): void {
    if (from === undefined || to === undefined) this.sim.network.setDefaultLink(spec);
    else this.sim.network.setLink(from, to, spec);
    this.sim.record({ type: 'fault', fault: 'link', detail: `${from ?? '*'}<->${to ?? '*'} ${JSON.stringify(spec)}` });
  }

  /** A node's block store, read from its disk (works while it is crashed). */
  chainOf(node: NodeId): ChainStore {
    return this.sim.disk(node).get<ChainStore>('chain')!;
  }

  /** Make a node Byzantine with one of its protocol's behaviours (undefined: honest again). */
  makeByzantine(node: NodeId, behaviour: string | undefined): void {
    if (behaviour !== undefined) this.checkBehaviour(behaviour);
    this.sim.record({ type: 'fault', fault: 'byzantine', detail: `node ${node} ${behaviour ?? 'honest'}` });
    this.byzantineNodes.set(node, behaviour);
    if (behaviour === undefined) this.byzantineNodes.delete(node);
    this.node(node)?.setByzantine(behaviour);
    for (const [member, memberBehaviour] of this.byzantineNodes) {
      if (memberBehaviour !== undefined) this.node(member)?.setCoalition(this.nodeFactory.coalitionOf(memberBehaviour));
    }
  }

  /** Throw a clear error if the protocol has no such Byzantine behaviour. */
  checkBehaviour(behaviour: string): void {
    const definition = protocolByName(this.protocol);
    if (!(behaviour in definition.byzantineBehaviours)) {
      const known = Object.keys(definition.byzantineBehaviours);
      throw new LedgerlabError('unknown-behaviour', `${this.protocol} has no Byzantine behaviour "${behaviour}".`, known.length ? `Choose one of: ${known.join(', ')}.` : `${this.protocol} defines no Byzantine behaviours.`);
    }
  }

  /** Nodes currently told to misbehave. */
  byzantine(): Map<NodeId, string> {
    return new Map([...this.byzantineNodes].filter((e): e is [NodeId, string] => e[1] !== undefined));
  }

  /** Lowest head height among live nodes. */
  commonHeight(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let id = 0; id < this.nodeCount; id++) {
      const node = this.node(id);
      if (node) min = Math.min(min, node.ledger.chain.headHeight);
    }
    return Number.isFinite(min) ? min : 0;
  }

  /** Run until every live node has at least `height` blocks. */
  runUntilHeight(height: number, limits: RunLimits = {}): RunResult {
    return this.sim.runUntil(() => this.commonHeight() >= height, limits);
  }

  /** Run until the predicate holds (checked before each event), or a limit. */
  runUntil(predicate: () => boolean, limits: RunLimits = {}): RunResult {
    return this.sim.runUntil(predicate, limits);
  }

  runUntilTime(timeMs: number, limits: Omit<RunLimits, 'maxTimeMs'> = {}): RunResult {
    return this.sim.runUntilTime(timeMs, limits);
  }

  runFor(durationMs: number, limits: Omit<RunLimits, 'maxTimeMs'> = {}): RunResult {
    return this.sim.runUntilTime(this.sim.now + durationMs, limits);
  }

  step(): boolean {
    return this.sim.step();
  }

  /** Block at `height` on a node's canonical chain (from its disk if it is crashed). */
  blockAt(node: NodeId, height: number): StoredBlock | undefined {
    return this.chainOf(node).canonicalAt(height);
  }

  /** State root of each node at `height` ('' where a node has no block there). */
  stateRootsAt(height: number): Hash[] {
    return Array.from({ length: this.nodeCount }, (_, id) => this.blockAt(id, height)?.state.root ?? '');
  }

  /**
   * The receipt of a transaction on a node's canonical chain, searched from the head down
   * (at most `maxDepth` blocks), or undefined if it is not there (yet).
   */
  receiptOf(txHash: Hash, node: NodeId = 0, maxDepth = Number.POSITIVE_INFINITY): { receipt: Receipt; height: number; blockHash: Hash } | undefined {
    const chain = this.chainOf(node);
    const lowest = Math.max(1, chain.headHeight - maxDepth + 1);
    for (let height = chain.headHeight; height >= lowest; height--) {
      const stored = chain.canonicalAt(height)!;
      const index = stored.block.txs.findIndex((tx) => tx.hash === txHash);
      if (index >= 0) return { receipt: stored.receipts[index]!, height, blockHash: stored.block.hash };
    }
    return undefined;
  }

  /**
   * Run a contract method read-only against a node's head state, without a transaction: nothing
   * is signed, submitted, traced or changed. The method sees the head block's height and time
   * and `ctx.isQuery === true`; writes, events and transfers throw inside it. Returns the VM's
   * result (status, returnValue, error, logs, gasUsed).
   */
  query(contract: Address, method: string, args: unknown = null, options: QueryOptions = {}): ExecutionResult {
    if (!this.contracts) {
      throw new LedgerlabError('contracts-unavailable', 'this network was started without the contract VM.', 'Pass contracts: await ContractVM.create() in the network options.');
    }
    const head = this.chainOf(options.node ?? 0).head();
    const header = head.block.header;
    return this.contracts.execute(
      {
        kind: 'query',
        sender: options.sender === undefined ? ANONYMOUS : this.addressOf(options.sender),
        contract,
        method,
        args,
        gasLimit: options.gasLimit ?? QUERY_GAS_LIMIT,
        block: { height: head.height, timeMs: header.timestampMs, parentHash: header.parentHash, chainId: this.chainId },
      },
      head.state,
    );
  }

  /** Transactions on a node's canonical chain from genesis to `height`. */
  txsCommitted(node: NodeId, height: number): number {
    let count = 0;
    for (let h = 1; h <= height; h++) count += this.blockAt(node, h)?.block.txs.length ?? 0;
    return count;
  }

  /**
   * The tamper demo: rewrite a past block on one node's disk (e.g. change an amount), as an
   * attacker with access to that machine could. The node's own hash links then break, and any
   * peer it serves the block to rejects it.
   */
  tamper(node: NodeId, height: number, edit: (block: Block) => Block): Block {
    const chain = this.chainOf(node);
    invariant(height >= 1 && height <= chain.headHeight, `node ${node} has no block at height ${height}`);
    const forged = edit(chain.canonicalAt(height)!.block);
    chain.overwriteForDemo(height, forged);
    this.sim.record({ type: 'fault', fault: 'tamper', detail: `node ${node} block ${height}` });
    return forged;
  }

  /** First broken link on a node's chain, if its disk was tampered with. */
  verifyChain(node: NodeId): { height: number; detail: string } | undefined {
    const chain = this.chainOf(node);
    return chain.verifyLinks((block) => {
      const problem = checkBlockShape(block, this.chainId);
      return problem ? `${problem.reason}: ${problem.detail}` : blockHash(block.header) === block.hash ? undefined : 'hash mismatch';
    });
  }
}
