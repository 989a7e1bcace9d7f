/**
 * One node's view of the ledger: its block store (on disk), its mempool and its unconnected
 * blocks (in memory), and full validation of every block it imports.
 */
import type { Hash } from '../core/hash.ts';
import type { NodeId, TraceEventInput } from '../sim/events.ts';
import { checkBlockShape, type BlockProblem } from './block.ts';
import type { ChainStore, HeadChange, StoredBlock } from './chain.ts';
import { executeBlock, type BlockEnv, type BlockReward, type ContractExecutor } from './execute.ts';
import { Mempool, type AdmitResult } from './mempool.ts';
import type { LedgerState } from './state.ts';
import type { Block, BlockHeader, SignedTx } from './types.ts';

export type ImportOutcome =
  | { status: 'imported'; stored: StoredBlock }
  | { status: 'known' }
  | { status: 'orphan' }
  | { status: 'rejected'; problem: BlockProblem };

/** Protocol-specific header and certificate rules, checked after the ledger's own. */
export type ConsensusCheck = (block: Block, parent: StoredBlock) => BlockProblem | undefined;

export interface NodeLedgerOptions {
  node: NodeId;
  chainId: string;
  contracts?: ContractExecutor;
  /** Where the node's ledger events go (the node's context): an object, so a snapshot can copy it. */
  tracer: { trace(event: TraceEventInput): void };
  mempoolCapacity?: number;
  maxOrphans?: number;
  /** The coins a block creates (proof-of-work's coinbase), read from a header the consensus check has passed. The node itself: an object, not a closure, so snapshots can copy it. */
  rewards?: { blockReward(header: BlockHeader): BlockReward | undefined };
}

export class NodeLedger {
  readonly mempool: Mempool;
  private readonly orphans = new Map<Hash, Block[]>();
  private orphanCount = 0;

  constructor(
    readonly chain: ChainStore,
    private readonly options: NodeLedgerOptions,
  ) {
    this.mempool = new Mempool(options.chainId, options.mempoolCapacity);
  }

  get chainId(): string {
    return this.options.chainId;
  }

  get contracts(): ContractExecutor | undefined {
    return this.options.contracts;
  }

  headState(): LedgerState {
    return this.chain.head().state;
  }

  /** Admission into the mempool, traced either way. */
  submit(tx: SignedTx): AdmitResult {
    const result = this.mempool.add(tx, this.headState());
    if (result.ok) this.trace({ type: 'tx.admit', node: this.options.node, tx: tx.hash });
    else this.trace({ type: 'tx.reject', node: this.options.node, tx: String(tx?.hash), reason: result.reason, detail: result.detail });
    return result;
  }

  /**
   * Validate and store a block. Unknown parent → kept as an orphan until the parent arrives
   * (the caller should then sync). Every node runs every check; execution results may come from
   * the shared content-keyed cache.
   */
  importBlock(block: Block, from: NodeId, consensusCheck: ConsensusCheck): ImportOutcome[] {
    const outcome = this.importOne(block, from, consensusCheck);
    const outcomes = [outcome];
    if (outcome.status === 'imported') {
      // Connect any waiting descendants, breadth first.
      const queue = [block.hash];
      while (queue.length > 0) {
        const parent = queue.shift()!;
        const waiting = this.orphans.get(parent);
        if (!waiting) continue;
        this.orphans.delete(parent);
        this.orphanCount -= waiting.length;
        for (const child of waiting) {
          const childOutcome = this.importOne(child, from, consensusCheck);
          outcomes.push(childOutcome);
          if (childOutcome.status === 'imported') queue.push(child.hash);
        }
      }
    }
    return outcomes;
  }

  private importOne(block: Block, from: NodeId, consensusCheck: ConsensusCheck): ImportOutcome {
    const node = this.options.node;
    const reject = (problem: BlockProblem): ImportOutcome => {
      this.trace({ type: 'block.reject', node, height: Number(block?.header?.height) || 0, hash: String(block?.hash), reason: problem.reason, detail: problem.detail });
      return { status: 'rejected', problem };
    };
    const shape = checkBlockShape(block, this.options.chainId);
    if (shape) return reject(shape);
    if (this.chain.has(block.hash)) return { status: 'known' };
    const parent = this.chain.get(block.header.parentHash);
    if (!parent) {
      this.keepOrphan(block);
      return { status: 'orphan' };
    }
    if (block.header.height !== parent.height + 1) {
      return reject({ reason: 'bad-height', detail: `height ${block.header.height} does not follow parent height ${parent.height}` });
    }
    if (this.chain.finality === 'final' && block.header.height <= this.chain.finalizedHeight && !this.chain.isCanonical(block.hash)) {
      return reject({ reason: 'conflicts-with-finalized', detail: `height ${block.header.height} is already final on this node` });
    }
    if (block.header.timestampMs < parent.block.header.timestampMs) {
      return reject({ reason: 'bad-timestamp', detail: `timestamp ${block.header.timestampMs} is before the parent's ${parent.block.header.timestampMs}` });
    }
    const consensus = consensusCheck(block, parent);
    if (consensus) return reject(consensus);
    const reward = this.options.rewards?.blockReward(block.header);
    const env: BlockEnv = {
      chainId: block.header.chainId,
      height: block.header.height,
      timestampMs: block.header.timestampMs,
      parentHash: block.header.parentHash,
      proposer: block.header.proposer,
      ...(reward ? { reward } : {}),
    };
    const executed = executeBlock(parent.state, env, block.txs, this.options.contracts);
    if (!executed.ok) {
      return reject({ reason: 'invalid-tx', detail: `transaction ${executed.index} (${block.txs[executed.index]!.hash.slice(0, 10)}) is invalid: ${executed.invalid.reason}: ${executed.invalid.detail}` });
    }
    const { state, receipts, receiptsRoot } = executed.result;
    if (state.root !== block.header.stateRoot) {
      return reject({ reason: 'state-root-mismatch', detail: `executing the block gives state root ${state.root.slice(0, 10)}, header says ${block.header.stateRoot.slice(0, 10)}` });
    }
    if (receiptsRoot !== block.header.receiptsRoot) {
      return reject({ reason: 'receipts-root-mismatch', detail: `executing the block gives receipts root ${receiptsRoot.slice(0, 10)}, header says ${block.header.receiptsRoot.slice(0, 10)}` });
    }
    const stored: StoredBlock = { block, height: block.header.height, state, receipts };
    this.chain.insert(stored);
    this.trace({ type: 'block.import', node, height: stored.height, hash: block.hash, from });
    return { status: 'imported', stored };
  }

  private keepOrphan(block: Block): void {
    const max = this.options.maxOrphans ?? 512;
    if (this.orphanCount >= max) return; // bounded: the sync will fetch it again
    const siblings = this.orphans.get(block.header.parentHash) ?? [];
    if (siblings.some((b) => b.hash === block.hash)) return;
    siblings.push(block);
    this.orphans.set(block.header.parentHash, siblings);
    this.orphanCount++;
  }

  private trace(event: TraceEventInput): void {
    this.options.tracer.trace(event);
  }

  /** Switch the canonical head, trace it, and bring the mempool in line with the new chain. */
  adoptHead(hash: Hash): HeadChange {
    const change = this.chain.setHead(hash);
    const node = this.options.node;
    for (const gone of change.removed) this.trace({ type: 'block.orphan', node, height: gone.height, hash: gone.block.hash });
    const head = this.chain.head();
    this.trace({ type: 'block.head', node, height: head.height, hash: head.block.hash, reorgDepth: change.removed.length });
    const state = head.state;
    for (const added of change.added) for (const tx of added.block.txs) this.mempool.remove(tx.hash);
    // Transactions of blocks that left the chain go back to the pool if still valid.
    for (const gone of change.removed) {
      for (const tx of gone.block.txs) if (!this.isIncluded(tx)) this.mempool.add(tx, state);
    }
    this.mempool.prune(state);
    return change;
  }

  private isIncluded(tx: SignedTx): boolean {
    return this.headState().account(tx.body.from).nonce > tx.body.nonce;
  }
}
