/**
 * What every ledger node does whatever its protocol: admit and spread transactions, validate and
 * store blocks, follow its protocol's fork choice, and catch up from peers (block locator sync)
 * after a restart or when a block arrives whose parent it has not seen.
 */
import type { Hash } from '../core/hash.ts';
import { hashCanonical } from '../core/hash.ts';
import { signDigest, verifyOnce } from '../core/keys.ts';
import { blockHash, makeBlock, txRootOf, type BlockProblem } from '../ledger/block.ts';
import { buildBlock, type BlockEnv, type BlockReward } from '../ledger/execute.ts';
import { ChainStore, type HeadChange, type StoredBlock } from '../ledger/chain.ts';
import type { AdmitResult } from '../ledger/mempool.ts';
import { NodeLedger } from '../ledger/node-ledger.ts';
import type { Block, BlockHeader, SignedTx } from '../ledger/types.ts';
import type { NodeId } from '../sim/events.ts';
import type { NodeContext } from '../sim/simulator.ts';
import type { Authority, ConsensusNode, NetMessage, NodeSetup, NodeStatus } from './protocol.ts';

const SYNC_BATCH = 64;
const SYNC_TIMEOUT_MS = 1_000;
const SYNC_ATTEMPTS = 3;
const REBROADCAST_MAX = 64;

export abstract class LedgerNode implements ConsensusNode {
  readonly ledger: NodeLedger;
  /** Without a full mesh, blocks and transactions must be relayed to reach everyone (gossip). */
  protected readonly relay: boolean;
  private syncing: { peer: NodeId; timer: number; attempts: number } | undefined;
  protected behaviour: string | undefined;
  /** How often pending client transactions are spread again (protocol param rebroadcastMs; 0 = never). */
  private readonly rebroadcastMs: number;
  /** When each transaction a client handed to this node was last spread. */
  private readonly spreadAt = new Map<string, number>();

  constructor(
    protected readonly ctx: NodeContext<NetMessage>,
    protected readonly setup: NodeSetup,
  ) {
    // The block store is on disk: a restarted node finds what it had.
    let chain = ctx.disk.get<ChainStore>('chain');
    if (!chain) {
      chain = new ChainStore(setup.genesis);
      ctx.disk.put('chain', chain);
    }
    this.ledger = new NodeLedger(chain, {
      node: ctx.id,
      chainId: setup.chainId,
      tracer: ctx,
      rewards: this,
      ...(setup.contracts ? { contracts: setup.contracts } : {}),
    });
    this.relay = ctx.peers.length < ctx.nodeCount - 1;
    const rebroadcastMs = setup.params.rebroadcastMs;
    this.rebroadcastMs = typeof rebroadcastMs === 'number' && rebroadcastMs >= 0 ? rebroadcastMs : 3_000;
  }

  /** Send to every peer except the one it came from. */
  protected gossip(message: NetMessage, except: NodeId): void {
    for (const peer of this.ctx.peers) if (peer !== except) this.ctx.send(peer, message);
  }

  setByzantine(behaviour: string | undefined): void {
    this.behaviour = behaviour;
    this.ctx.trace({ type: 'node.role', node: this.ctx.id, role: behaviour ? `byzantine:${behaviour}` : this.role() });
  }

  byzantine(): string | undefined {
    return this.behaviour;
  }

  /** Nodes that misbehave together with this one (colluding attackers know each other). */
  protected coalition: readonly NodeId[] = [];

  setCoalition(nodes: readonly NodeId[]): void {
    this.coalition = nodes;
  }

  /** Protocol hooks. */
  protected abstract onStart(): void;
  protected abstract onProtocolTimer(name: string, data: unknown): void;
  protected abstract onProtocolMessage(from: NodeId, message: NetMessage): void;
  /** Header and certificate rules of the protocol. */
  protected abstract checkConsensus(block: Block, parent: StoredBlock): BlockProblem | undefined;
  /** Fork choice: is `candidate` a better head than `current`? */
  protected abstract prefer(candidate: StoredBlock, current: StoredBlock): boolean;
  protected abstract onHeadChanged(change: HeadChange): void;
  abstract role(): string;
  /** New coins a block creates, from a header checkConsensus has accepted (none unless the protocol issues coins). */
  blockReward(_header: BlockHeader): BlockReward | undefined {
    return undefined;
  }
  epoch(): number | undefined {
    return undefined;
  }

  /**
   * Build a block on `parent` from the mempool, sealed with this node's signature over its hash
   * (`certificate.kind` = `sealKind`). Transactions that turn out invalid leave the pool, traced.
   */
  protected buildSealedBlock(parent: StoredBlock, timestampMs: number, consensus: BlockHeader['consensus'], sealKind: string): Block {
    const key = this.setup.key;
    const env: BlockEnv = { chainId: this.setup.chainId, height: parent.height + 1, timestampMs, parentHash: parent.block.hash, proposer: key.address };
    const candidates = this.ledger.mempool.select(parent.state, this.setup.maxTxsPerBlock);
    const built = buildBlock(parent.state, env, candidates, this.setup.maxTxsPerBlock, this.ledger.contracts);
    for (const { tx, invalid } of built.skipped) {
      this.ledger.mempool.remove(tx.hash);
      this.ctx.trace({ type: 'tx.reject', node: this.ctx.id, tx: tx.hash, reason: invalid.reason, detail: invalid.detail });
    }
    const header: BlockHeader = {
      chainId: env.chainId,
      height: env.height,
      parentHash: env.parentHash,
      proposer: env.proposer,
      timestampMs,
      txRoot: txRootOf(built.txs),
      stateRoot: built.execution.state.root,
      receiptsRoot: built.execution.receiptsRoot,
      consensus,
    };
    const hash = blockHash(header);
    const block = makeBlock(header, built.txs, { kind: sealKind, signatures: [{ signer: key.address, publicKey: key.publicKey, signature: signDigest(hash, key.secretKey) }] });
    this.ctx.trace({ type: 'block.propose', node: this.ctx.id, height: header.height, hash: block.hash, txs: block.txs.length });
    return block;
  }

  /** The same block with a false state root, re-sealed by this node: only execution can catch it. */
  protected forgeStateRoot(block: Block, sealKind: string): Block {
    const header = { ...block.header, stateRoot: hashCanonical('forged-state', block.header) };
    const key = this.setup.key;
    return makeBlock(header, block.txs, { kind: sealKind, signatures: [{ signer: key.address, publicKey: key.publicKey, signature: signDigest(blockHash(header), key.secretKey) }] });
  }

  /** Peers that are not fellow attackers, split in two halves (for equivocation). */
  protected honestHalves(): [NodeId[], NodeId[]] {
    const honest = this.ctx.peers.filter((p) => !this.coalition.includes(p));
    return [honest.filter((_, i) => i % 2 === 0), honest.filter((_, i) => i % 2 === 1)];
  }

  /** Check a one-signature seal by `signer` over the block hash. */
  protected checkSeal(block: Block, sealKind: string, signer: Authority): BlockProblem | undefined {
    const seal = block.certificate.kind === sealKind && block.certificate.signatures.length >= 1 ? block.certificate.signatures[0]! : undefined;
    if (!seal || seal.signer !== signer.address || seal.publicKey !== signer.publicKey) return { reason: 'bad-certificate', detail: `a ${sealKind} block must be sealed by ${signer.address}` };
    if (!verifyOnce(seal.signature, block.hash, signer.publicKey)) return { reason: 'bad-certificate', detail: `the seal does not verify against the key of ${signer.address}` };
    return undefined;
  }

  /** Protocols that replicate their own log (Raft) catch up through it instead of block sync. */
  protected syncOnRestart(): boolean {
    return true;
  }

  start(): void {
    this.onStart();
    if (this.rebroadcastMs > 0) this.ctx.setTimer('rebroadcast', this.rebroadcastMs);
    // A restarted node may have missed blocks: ask a peer what it has.
    if (this.syncOnRestart() && this.ctx.incarnation > 0 && this.ctx.peers.length > 0) this.requestSync(this.ctx.random.pick(this.ctx.peers));
  }

  /**
   * Make a block final and canonical on this node (protocols with immediate finality: Raft
   * commits, BFT decisions). Traces the new head and the finalized height.
   */
  protected commit(stored: StoredBlock): void {
    const chain = this.ledger.chain;
    if (!chain.isCanonical(stored.block.hash) || chain.headHeight !== stored.height) this.onHeadChanged(this.ledger.adoptHead(stored.block.hash));
    if (stored.height > chain.finalizedHeight) {
      chain.setFinalized(stored.height);
      this.ctx.trace({ type: 'block.finalize', node: this.ctx.id, height: stored.height, hash: stored.block.hash });
    }
  }

  status(): Omit<NodeStatus, 'alive'> {
    const head = this.ledger.chain.head();
    const epoch = this.epoch();
    return {
      node: this.ctx.id,
      role: this.role(),
      headHeight: head.height,
      headHash: head.block.hash,
      finalizedHeight: this.ledger.chain.finalizedHeight,
      stateRoot: head.state.root,
      mempool: this.ledger.mempool.size,
      ...(epoch !== undefined ? { epoch } : {}),
    };
  }

  submitFromClient(tx: SignedTx): AdmitResult {
    const result = this.ledger.submit(tx);
    if (result.ok) {
      this.spreadAt.set(tx.hash, this.ctx.now());
      this.ctx.broadcast({ type: 'tx', tx });
    }
    return result;
  }

  /**
   * Transactions a client handed to this node are spread again every few seconds while still
   * pending (as Ethereum clients rebroadcast their local transactions): one given to a node that
   * was cut off, or to a follower whose leader missed it, still reaches whoever builds the next
   * block once the network heals. Transactions heard from peers are their senders' business.
   */
  private rebroadcast(): void {
    if (this.spreadAt.size === 0) return;
    const now = this.ctx.now();
    let sent = 0;
    for (const [hash, last] of [...this.spreadAt]) {
      if (!this.ledger.mempool.has(hash)) {
        this.spreadAt.delete(hash);
        continue;
      }
      if (sent >= REBROADCAST_MAX || now - last < this.rebroadcastMs) continue;
      const tx = this.ledger.mempool.get(hash);
      if (!tx) continue;
      this.spreadAt.set(hash, now);
      this.ctx.broadcast({ type: 'tx', tx });
      sent++;
    }
  }

  onTimer(name: string, data: unknown): void {
    if (name === 'rebroadcast') {
      this.rebroadcast();
      this.ctx.setTimer('rebroadcast', this.rebroadcastMs);
      return;
    }
    if (name === 'sync-timeout') {
      const attempts = this.syncing?.attempts ?? 0;
      const failed = this.syncing?.peer;
      this.syncing = undefined;
      const others = this.ctx.peers.filter((p) => p !== failed);
      if (attempts < SYNC_ATTEMPTS && others.length > 0) this.requestSync(this.ctx.random.pick(others), attempts + 1);
      return;
    }
    this.onProtocolTimer(name, data);
  }

  onMessage(from: NodeId, message: NetMessage): void {
    switch (message.type) {
      case 'tx':
        if (this.ledger.submit(message.tx).ok && this.relay) this.gossip(message, from);
        return;
      case 'block':
        this.receiveBlock(message.block, from, true);
        return;
      case 'sync.get':
        this.serveSync(from, message.locator, message.max);
        return;
      case 'sync.blocks':
        this.receiveSyncBatch(from, message.blocks, message.more);
        return;
      default:
        this.onProtocolMessage(from, message);
    }
  }

  /** Validate and store a block, then let fork choice decide. Returns whether the head moved. */
  protected receiveBlock(block: Block, from: NodeId, syncIfOrphan: boolean): boolean {
    const outcomes = this.ledger.importBlock(block, from, (b, parent) => this.checkConsensus(b, parent));
    let moved = false;
    for (const outcome of outcomes) {
      if (outcome.status === 'imported' && this.relay && from !== this.ctx.id) this.gossip({ type: 'block', block: outcome.stored.block }, from);
      if (outcome.status === 'imported') moved = this.considerHead(outcome.stored) || moved;
      else if (outcome.status === 'orphan' && syncIfOrphan) this.requestSync(from);
    }
    return moved;
  }

  protected considerHead(candidate: StoredBlock): boolean {
    const chain = this.ledger.chain;
    const head = chain.head();
    if (candidate.block.hash === head.block.hash || !this.prefer(candidate, head)) return false;
    if (chain.finality === 'final' && !this.descendsFromFinalized(candidate)) return false; // never revert what is final
    const change = this.ledger.adoptHead(candidate.block.hash);
    this.onHeadChanged(change);
    return true;
  }

  private descendsFromFinalized(stored: StoredBlock): boolean {
    const chain = this.ledger.chain;
    const finalized = chain.canonicalAt(chain.finalizedHeight)!;
    let cursor: StoredBlock | undefined = stored;
    while (cursor && cursor.height > finalized.height) cursor = chain.parentOf(cursor);
    return cursor?.block.hash === finalized.block.hash;
  }

  protected requestSync(peer: NodeId, attempts = 0): void {
    if (this.syncing) return;
    const timer = this.ctx.setTimer('sync-timeout', SYNC_TIMEOUT_MS);
    this.syncing = { peer, timer, attempts };
    this.ctx.trace({ type: 'sync.request', node: this.ctx.id, to: peer, fromHeight: this.ledger.chain.headHeight });
    this.ctx.send(peer, { type: 'sync.get', locator: this.ledger.chain.locator(), max: SYNC_BATCH });
  }

  private serveSync(to: NodeId, locator: readonly Hash[], max: number): void {
    const chain = this.ledger.chain;
    if (!Array.isArray(locator)) return;
    const from = chain.commonHeight(locator) + 1;
    const limit = Math.max(1, Math.min(SYNC_BATCH, Number(max) || SYNC_BATCH));
    const blocks: Block[] = [];
    for (let h = from; h <= chain.headHeight && blocks.length < limit; h++) blocks.push(chain.canonicalAt(h)!.block);
    this.ctx.trace({ type: 'sync.serve', node: this.ctx.id, to, blocks: blocks.length });
    this.ctx.send(to, { type: 'sync.blocks', blocks, more: from + blocks.length <= chain.headHeight });
  }

  private receiveSyncBatch(from: NodeId, blocks: readonly Block[], more: boolean): void {
    if (this.syncing?.peer === from) {
      this.ctx.cancelTimer(this.syncing.timer);
      this.syncing = undefined;
    }
    if (!Array.isArray(blocks)) return;
    for (const block of blocks) this.receiveBlock(block, from, false);
    if (more && blocks.length > 0) this.requestSync(from);
  }
}
