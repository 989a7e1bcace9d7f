/**
 * Checkers: independent observers of a run that verify what the protocols promise. They live
 * apart from the protocols (TigerBeetle's rule), read only the trace and what each node has
 * (on disk or in its inspect() view), and report a violation as a trace event carrying the seed
 * and a one-line replay command.
 *
 * Every protocol: honest nodes never finalise different blocks at the same height, and agree on
 * the state root there. Raft (Figure 3 of the paper): election safety, log matching, leader
 * completeness, state machine safety. BFT: agreement, and validity (every decided block carries
 * 2f+1 valid precommits). Proof-of-work: reorg depth and orphan rate, and a confirmed block
 * (k deep) reverted on an honest node is a violation. Progress after healing is checked by the
 * fuzzer (see fuzz.ts), which knows when the network was healed.
 */
import { CLONE, type CloneChild } from '../core/clone.ts';
import type { Hash } from '../core/hash.ts';
import { verifyOnce } from '../core/keys.ts';
import type { Network } from '../api/network.ts';
import { voteDigest } from '../consensus/bft.ts';
import type { RaftDisk, RaftEntry } from '../consensus/raft.ts';
import type { NodeId, TraceEvent } from '../sim/events.ts';

export interface Violation {
  checker: string;
  detail: string;
  atMs: number;
}

export interface ChainMetrics {
  /** Deepest reorganisation seen on any honest node. */
  maxReorgDepth: number;
  /** Blocks that left a canonical chain, over blocks ever made canonical (per node, summed). */
  orphanRate: number;
  reorgs: number;
}

export class CheckerSet {
  readonly violations: Violation[] = [];
  private readonly finalizedHash = new Map<number, { hash: Hash; root: Hash; node: NodeId }>();
  private readonly checkedTo = new Map<NodeId, number>();
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly reported = new Set<string>();
  private headsAdded = 0;
  private orphaned = 0;
  private reorgs = 0;
  private maxReorgDepth = 0;
  private unsubscribe: () => void;
  private inCheck = false;

  constructor(
    private readonly network: Network,
    private readonly replay: string,
  ) {
    this.unsubscribe = network.trace.subscribe((event) => this.observe(event));
  }

  /**
   * A copy for a forked run (copied together with its network): the same findings so far,
   * watching the copied network's trace. The subscription is the one thing not copied as data.
   */
  [CLONE](copy: CloneChild): CheckerSet {
    const clone = Object.create(CheckerSet.prototype) as CheckerSet;
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'unsubscribe') (clone as unknown as Record<string, unknown>)[key] = copy(value);
    }
    clone.unsubscribe = clone.network.trace.subscribe((event) => clone.observe(event));
    return clone;
  }

  detach(): void {
    this.unsubscribe();
  }

  metrics(): ChainMetrics {
    return { maxReorgDepth: this.maxReorgDepth, orphanRate: this.headsAdded === 0 ? 0 : this.orphaned / this.headsAdded, reorgs: this.reorgs };
  }

  /** Checks that look at the whole network at once; run at the end (and cheaply during). */
  finish(): Violation[] {
    if (this.network.protocol === 'raft') this.checkLogMatching();
    return this.violations;
  }

  /** Record a violation found by an outside check (the fuzzer's progress check). */
  report(checker: string, detail: string): void {
    this.violation(checker, detail);
  }

  private honest(node: NodeId): boolean {
    return !this.network.byzantine().has(node);
  }

  private violation(checker: string, detail: string, dedupe = `${checker}:${detail}`): void {
    if (this.reported.has(dedupe) || this.inCheck) return;
    this.reported.add(dedupe);
    this.violations.push({ checker, detail, atMs: this.network.now });
    this.inCheck = true;
    try {
      this.network.sim.record({ type: 'violation', checker, detail, seed: String(this.network.seed), replay: this.replay });
    } finally {
      this.inCheck = false;
    }
  }

  private observe(event: TraceEvent): void {
    switch (event.type) {
      case 'block.finalize':
        if (this.honest(event.node)) this.onFinalize(event.node, event.height);
        return;
      case 'block.head':
        if (!this.honest(event.node)) return;
        this.headsAdded++;
        if (event.reorgDepth > 0) {
          this.reorgs++;
          this.maxReorgDepth = Math.max(this.maxReorgDepth, event.reorgDepth);
        }
        return;
      case 'block.orphan':
        if (!this.honest(event.node)) return;
        this.orphaned++;
        // A block leaving the chain at or below what this node had counted as final (k-confirmed in PoW).
        if (event.height <= (this.checkedTo.get(event.node) ?? 0)) {
          this.violation('confirmed-reverted', `node ${event.node} reverted block ${event.height} (${event.hash.slice(0, 10)}), which it had counted as final`, `reverted:${event.node}:${event.height}:${event.hash}`);
          this.checkedTo.set(event.node, event.height - 1);
        }
        return;
      case 'node.role':
        if (this.network.protocol === 'raft' && event.role === 'leader' && event.term !== undefined) this.onRaftLeader(event.node, event.term);
        return;
      default:
        return;
    }
  }

  private onFinalize(node: NodeId, height: number): void {
    const chain = this.network.chainOf(node);
    const from = (this.checkedTo.get(node) ?? 0) + 1;
    // PoW's finality is probabilistic: a reorg may lower what a node counts as final; re-check from there.
    for (let h = Math.min(from, height); h <= height; h++) {
      const stored = chain.canonicalAt(h);
      if (!stored) break;
      const known = this.finalizedHash.get(h);
      if (!known) {
        this.finalizedHash.set(h, { hash: stored.block.hash, root: stored.state.root, node });
      } else if (known.hash !== stored.block.hash) {
        // The same node changing its mind is reported as confirmed-reverted, not as disagreement.
        if (known.node === node || (this.network.protocol === 'pow' && !this.honest(known.node))) continue;
        this.violation('agreement', `nodes ${known.node} and ${node} finalised different blocks at height ${h} (${known.hash.slice(0, 10)} vs ${stored.block.hash.slice(0, 10)})`, `agreement:${h}`);
      } else if (known.root !== stored.state.root) {
        this.violation('state-agreement', `nodes ${known.node} and ${node} have different state roots for block ${h}`, `state:${h}`);
      }
      if (this.network.protocol === 'bft') this.checkCertificate(node, h);
    }
    this.checkedTo.set(node, Math.max(this.checkedTo.get(node) ?? 0, height));
  }

  /** BFT validity: a decided block carries 2f+1 valid precommits for it. */
  private checkCertificate(node: NodeId, height: number): void {
    const block = this.network.chainOf(node).canonicalAt(height)!.block;
    const n = this.network.nodeCount;
    const quorum = Math.floor((2 * n) / 3) + 1;
    const round = block.certificate.data?.round;
    const authorities = new Map(this.network.nodeKeys.map((k) => [k.address, k.publicKey]));
    const signers = new Set<string>();
    if (block.certificate.kind === 'bft-commit' && typeof round === 'number') {
      for (const s of block.certificate.signatures) {
        if (authorities.get(s.signer) === s.publicKey && verifyOnce(s.signature, voteDigest(this.network.chainId, 'precommit', height, round, block.hash), s.publicKey)) signers.add(s.signer);
      }
    }
    if (signers.size < quorum) this.violation('validity', `node ${node} finalised block ${height} with ${signers.size} valid precommits; a quorum is ${quorum}`, `validity:${node}:${height}`);
  }

  private raftLog(node: NodeId): readonly RaftEntry[] | undefined {
    return this.network.sim.disk(node).get<RaftDisk>('raft')?.log;
  }

  /** Election safety and leader completeness, checked when a leader is elected. */
  private onRaftLeader(node: NodeId, term: number): void {
    const previous = this.leaderOfTerm.get(term);
    if (previous !== undefined && previous !== node) this.violation('election-safety', `nodes ${previous} and ${node} were both leader in term ${term}`);
    this.leaderOfTerm.set(term, node);
    const log = this.raftLog(node);
    if (!log) return;
    for (const [height, { hash }] of this.finalizedHash) {
      if (log[height]?.block.hash !== hash) {
        this.violation('leader-completeness', `node ${node} became leader of term ${term} without committed entry ${height}`, `completeness:${term}:${height}`);
        break;
      }
    }
    this.checkLogMatching();
  }

  /** Log matching: if two logs have an entry with the same index and term, the logs are identical up to it. */
  private checkLogMatching(): void {
    const logs = Array.from({ length: this.network.nodeCount }, (_, n) => this.raftLog(n));
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const la = logs[a];
        const lb = logs[b];
        if (!la || !lb) continue;
        let match = Math.min(la.length, lb.length) - 1;
        while (match > 0 && la[match]!.term !== lb[match]!.term) match--;
        for (let i = match; i > 0; i--) {
          if (la[i]!.block.hash !== lb[i]!.block.hash || la[i]!.term !== lb[i]!.term) {
            this.violation('log-matching', `nodes ${a} and ${b} share entry ${match} (term ${la[match]!.term}) but differ at entry ${i}`, `logmatch:${a}:${b}:${i}`);
            break;
          }
        }
      }
    }
  }
}
