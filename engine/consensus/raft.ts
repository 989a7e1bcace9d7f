/**
 * Raft, by the rules of Figure 2 of the extended paper (Ongaro & Ousterhout, "In Search of an
 * Understandable Consensus Algorithm", 2014; notes/consensus.md §3.1). Log entries are blocks:
 * entry i holds the block at height i, so the committed log is the ledger.
 *
 * Persistent state on every server (on the node's disk, updated before any reply):
 *   currentTerm, votedFor, log[] (entries {term, block}).
 * Volatile: commitIndex, lastApplied (the ledger's head), and on leaders nextIndex[], matchIndex[].
 *
 * All servers: if an RPC request or response carries term T > currentTerm, set currentTerm = T
 * and become follower. Followers answer RPCs; if the election timeout elapses without an
 * AppendEntries from the current leader or granting a vote, they become candidates.
 * Election timeouts are drawn uniformly at random from [electionTimeoutMinMs, electionTimeoutMaxMs]
 * (default 150-300 ms, as in the paper) from the node's seeded stream.
 *
 * Candidates: increment currentTerm, vote for self, reset the election timer, send RequestVote
 * to all others; a majority of votes → leader; AppendEntries from a new leader → follower;
 * timeout → new election.
 *
 * RequestVote receiver: reply false if term < currentTerm; grant if votedFor is null or the
 * candidate, and the candidate's log is at least as up to date (last term higher, or equal and
 * last index at least as long) — §5.4.1.
 *
 * AppendEntries receiver: reply false if term < currentTerm, or if the log has no entry at
 * prevLogIndex whose term matches prevLogTerm; delete a conflicting entry (same index, other
 * term) and all that follow; append new entries; if leaderCommit > commitIndex, set
 * commitIndex = min(leaderCommit, index of last new entry). A failed reply carries the
 * conflicting term and the first index of it (§5.3's optimisation), so a follower far behind
 * is repaired in a few round trips instead of one per entry.
 *
 * Leaders: on election, append a block at once (a no-op if the pool is empty, §8) and send
 * heartbeats (empty AppendEntries) every heartbeatMs; build a block every blockPeriodMs
 * (at most `maxUncommitted` ahead of the commit index); if there is an N > commitIndex with a
 * majority of matchIndex ≥ N and log[N].term == currentTerm, set commitIndex = N — a leader never
 * commits an entry from an earlier term by counting replicas (§5.4.2).
 *
 * Applying: entries up to commitIndex are applied in order; the block at commitIndex becomes the
 * node's head and finalized height. Every block is fully validated by every node (hash links,
 * roots, transactions) when it enters the log; Raft tolerates crashes, not lies, so an invalid
 * block from a leader is refused and reported.
 */
import { invariant } from '../core/assert.ts';
import type { BlockProblem } from '../ledger/block.ts';
import type { HeadChange, StoredBlock } from '../ledger/chain.ts';
import type { Block } from '../ledger/types.ts';
import type { NodeId } from '../sim/events.ts';
import type { NodeContext } from '../sim/simulator.ts';
import { LedgerNode } from './base.ts';
import type { NetMessage, NodeSetup, ProtocolDefinition } from './protocol.ts';

export interface RaftEntry {
  readonly term: number;
  readonly block: Block;
}

export type RaftMessage =
  | { type: 'raft.vote'; term: number; candidate: NodeId; lastLogIndex: number; lastLogTerm: number }
  | { type: 'raft.vote-reply'; term: number; granted: boolean }
  | { type: 'raft.append'; term: number; leader: NodeId; prevLogIndex: number; prevLogTerm: number; entries: readonly RaftEntry[]; leaderCommit: number }
  | { type: 'raft.append-reply'; term: number; success: boolean; matchIndex: number; conflictTerm: number; conflictIndex: number };

type Role = 'follower' | 'candidate' | 'leader';

/** What Raft keeps on disk. The object lives in the node's DurableStore and survives crashes. */
export interface RaftDisk {
  currentTerm: number;
  votedFor: NodeId | null;
  /** log[0] is a sentinel for the genesis block (term 0); log[i] holds the block at height i. */
  log: RaftEntry[];
}

const MAX_ENTRIES_PER_APPEND = 64;

export class RaftNode extends LedgerNode {
  private readonly disk: RaftDisk;
  private state: Role = 'follower';
  private leader: NodeId | undefined;
  private commitIndex = 0;
  private votes = new Set<NodeId>();
  private nextIndex = new Map<NodeId, number>();
  private matchIndex = new Map<NodeId, number>();
  private electionTimer: number | undefined;
  private readonly electionMinMs: number;
  private readonly electionMaxMs: number;
  private readonly heartbeatMs: number;
  private readonly maxUncommitted: number;

  constructor(ctx: NodeContext<NetMessage>, setup: NodeSetup) {
    super(ctx, setup);
    let disk = ctx.disk.get<RaftDisk>('raft');
    if (!disk) {
      disk = { currentTerm: 0, votedFor: null, log: [{ term: 0, block: setup.genesis.block }] };
      ctx.disk.put('raft', disk);
    }
    this.disk = disk;
    this.electionMinMs = numberParam(setup.params.electionTimeoutMinMs, 150);
    this.electionMaxMs = numberParam(setup.params.electionTimeoutMaxMs, 300);
    this.heartbeatMs = numberParam(setup.params.heartbeatMs, 50);
    this.maxUncommitted = numberParam(setup.params.maxUncommitted, 8);
    invariant(this.electionMinMs > this.heartbeatMs && this.electionMaxMs >= this.electionMinMs, 'Raft needs heartbeatMs < electionTimeoutMinMs <= electionTimeoutMaxMs');
    // The committed prefix is what the ledger already applied (it is on disk too).
    this.commitIndex = this.ledger.chain.finalizedHeight;
  }

  role(): string {
    return this.state;
  }

  override epoch(): number {
    return this.disk.currentTerm;
  }

  /** Read-only view for checkers: the persistent state and commit index. */
  inspect(): { term: number; votedFor: NodeId | null; log: readonly RaftEntry[]; commitIndex: number; role: Role; leader: NodeId | undefined } {
    return { term: this.disk.currentTerm, votedFor: this.disk.votedFor, log: this.disk.log, commitIndex: this.commitIndex, role: this.state, leader: this.leader };
  }

  protected override syncOnRestart(): boolean {
    return false; // the leader repairs our log through AppendEntries
  }

  protected onStart(): void {
    this.becomeFollower(this.disk.currentTerm, undefined, true);
  }

  private get lastIndex(): number {
    return this.disk.log.length - 1;
  }

  private termAt(index: number): number {
    return this.disk.log[index]?.term ?? -1;
  }

  private majority(): number {
    return Math.floor(this.ctx.nodeCount / 2) + 1;
  }

  private resetElectionTimer(): void {
    if (this.electionTimer !== undefined) this.ctx.cancelTimer(this.electionTimer);
    const timeout = this.electionMinMs + this.ctx.random.nextInt(this.electionMaxMs - this.electionMinMs + 1);
    this.electionTimer = this.ctx.setTimer('election', timeout);
  }

  private setRole(role: Role): void {
    const changed = role !== this.state;
    this.state = role;
    if (changed || role === 'candidate') this.ctx.trace({ type: 'node.role', node: this.ctx.id, role, term: this.disk.currentTerm });
  }

  private becomeFollower(term: number, leader: NodeId | undefined, force = false): void {
    if (term > this.disk.currentTerm) {
      this.disk.currentTerm = term;
      this.disk.votedFor = null;
    }
    this.leader = leader;
    if (this.state !== 'follower' || force) {
      this.state = 'follower';
      this.ctx.trace({ type: 'node.role', node: this.ctx.id, role: 'follower', term: this.disk.currentTerm });
    }
    this.resetElectionTimer();
  }

  private startElection(): void {
    if (this.behaviour === 'silent') return this.resetElectionTimer();
    this.disk.currentTerm++;
    this.disk.votedFor = this.ctx.id;
    this.leader = undefined;
    this.votes = new Set([this.ctx.id]);
    this.setRole('candidate');
    this.resetElectionTimer();
    if (this.votes.size >= this.majority()) return this.becomeLeader();
    this.ctx.broadcast({ type: 'raft.vote', term: this.disk.currentTerm, candidate: this.ctx.id, lastLogIndex: this.lastIndex, lastLogTerm: this.termAt(this.lastIndex) });
  }

  private becomeLeader(): void {
    this.setRole('leader');
    this.leader = this.ctx.id;
    if (this.electionTimer !== undefined) this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = undefined;
    for (const peer of this.ctx.peers) {
      this.nextIndex.set(peer, this.lastIndex + 1);
      this.matchIndex.set(peer, 0);
    }
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'raft', what: 'elected', detail: `leader for term ${this.disk.currentTerm} with ${this.votes.size} votes` });
    const term = this.disk.currentTerm;
    this.proposeBlock(); // §8: a fresh entry of the new term lets earlier entries commit
    this.sendAppends();
    this.ctx.setTimer('heartbeat', this.heartbeatMs, term);
    this.ctx.setTimer('propose', this.setup.blockPeriodMs, term);
  }

  protected onProtocolTimer(name: string, data: unknown): void {
    switch (name) {
      case 'election':
        this.electionTimer = undefined;
        if (this.state !== 'leader') this.startElection();
        return;
      case 'heartbeat':
        if (this.state === 'leader' && data === this.disk.currentTerm) {
          this.sendAppends();
          this.ctx.setTimer('heartbeat', this.heartbeatMs, data);
        }
        return;
      case 'propose':
        if (this.state === 'leader' && data === this.disk.currentTerm) {
          this.proposeBlock();
          this.ctx.setTimer('propose', this.setup.blockPeriodMs, data);
        }
        return;
    }
  }

  private proposeBlock(): void {
    if (this.behaviour === 'silent') return;
    // Bounded pipeline — but a new leader always appends one entry of its own term: without it,
    // entries from earlier terms could never commit (§5.4.2), and a full pipeline would stall forever.
    if (this.lastIndex - this.commitIndex >= this.maxUncommitted && this.termAt(this.lastIndex) === this.disk.currentTerm) return;
    const parent = this.ledger.chain.get(this.disk.log[this.lastIndex]!.block.hash);
    invariant(parent !== undefined, `leader ${this.ctx.id} lacks the block of its last log entry`);
    const block = this.buildSealedBlock(parent, Math.max(this.ctx.now(), parent.block.header.timestampMs), { term: this.disk.currentTerm, index: parent.height + 1 }, 'raft-seal');
    const outcome = this.ledger.importBlock(block, this.ctx.id, (b, p) => this.checkConsensus(b, p))[0];
    invariant(outcome?.status === 'imported', `leader ${this.ctx.id} could not import its own block`);
    this.disk.log.push({ term: this.disk.currentTerm, block });
    this.advanceCommit();
  }

  private sendAppends(): void {
    for (const peer of this.ctx.peers) this.sendAppend(peer);
  }

  private sendAppend(peer: NodeId): void {
    const next = Math.min(this.nextIndex.get(peer) ?? this.lastIndex + 1, this.lastIndex + 1);
    const prevLogIndex = next - 1;
    this.ctx.send(peer, {
      type: 'raft.append',
      term: this.disk.currentTerm,
      leader: this.ctx.id,
      prevLogIndex,
      prevLogTerm: this.termAt(prevLogIndex),
      entries: this.disk.log.slice(next, next + MAX_ENTRIES_PER_APPEND),
      leaderCommit: this.commitIndex,
    });
  }

  protected onProtocolMessage(from: NodeId, message: NetMessage): void {
    if (this.behaviour === 'silent') return;
    const m = message as RaftMessage;
    if (typeof m.term !== 'number') return;
    if (m.term > this.disk.currentTerm) this.becomeFollower(m.term, m.type === 'raft.append' ? m.leader : undefined);
    switch (m.type) {
      case 'raft.vote':
        return this.onRequestVote(from, m);
      case 'raft.vote-reply':
        if (this.state === 'candidate' && m.term === this.disk.currentTerm && m.granted) {
          this.votes.add(from);
          if (this.votes.size >= this.majority()) this.becomeLeader();
        }
        return;
      case 'raft.append':
        return this.onAppendEntries(from, m);
      case 'raft.append-reply':
        return this.onAppendReply(from, m);
    }
  }

  private onRequestVote(from: NodeId, m: Extract<RaftMessage, { type: 'raft.vote' }>): void {
    const lastTerm = this.termAt(this.lastIndex);
    const upToDate = m.lastLogTerm > lastTerm || (m.lastLogTerm === lastTerm && m.lastLogIndex >= this.lastIndex);
    const granted = m.term === this.disk.currentTerm && (this.disk.votedFor === null || this.disk.votedFor === m.candidate) && upToDate;
    if (granted) {
      this.disk.votedFor = m.candidate; // persisted before the reply leaves
      this.resetElectionTimer();
    }
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'raft', what: granted ? 'vote-granted' : 'vote-denied', detail: `to node ${m.candidate} for term ${m.term}${granted ? '' : upToDate ? ' (already voted or stale term)' : ' (its log is behind)'}` });
    this.ctx.send(from, { type: 'raft.vote-reply', term: this.disk.currentTerm, granted });
  }

  private onAppendEntries(from: NodeId, m: Extract<RaftMessage, { type: 'raft.append' }>): void {
    const reply = (success: boolean, matchIndex: number, conflictTerm = 0, conflictIndex = 0) =>
      this.ctx.send(from, { type: 'raft.append-reply', term: this.disk.currentTerm, success, matchIndex, conflictTerm, conflictIndex });
    if (m.term < this.disk.currentTerm) return reply(false, 0);
    // A valid leader for our term: recognise it (a candidate steps down).
    if (this.state !== 'follower' || this.leader !== m.leader) this.becomeFollower(m.term, m.leader, this.state !== 'follower');
    else this.resetElectionTimer();
    if (m.prevLogIndex > this.lastIndex) return reply(false, 0, 0, this.lastIndex + 1);
    if (this.termAt(m.prevLogIndex) !== m.prevLogTerm) {
      const conflictTerm = this.termAt(m.prevLogIndex);
      let first = m.prevLogIndex;
      while (first > 1 && this.termAt(first - 1) === conflictTerm) first--;
      return reply(false, 0, conflictTerm, first);
    }
    let index = m.prevLogIndex;
    for (const entry of m.entries) {
      index++;
      if (index <= this.lastIndex) {
        if (this.termAt(index) === entry.term) continue;
        invariant(index > this.commitIndex, `node ${this.ctx.id} was told to overwrite committed entry ${index}`);
        this.disk.log.length = index; // delete the conflicting entry and all that follow
      }
      const problem = this.acceptBlock(entry, from);
      if (problem) {
        // Raft assumes honest leaders; a bad block is refused and the log stops here.
        return reply(false, 0, 0, index);
      }
      this.disk.log.push(entry);
    }
    if (m.leaderCommit > this.commitIndex) this.applyCommitted(Math.min(m.leaderCommit, index));
    reply(true, index);
  }

  /** Validate the entry's block and store it in the block tree (not yet canonical). */
  private acceptBlock(entry: RaftEntry, from: NodeId): BlockProblem | undefined {
    if (this.ledger.chain.has(entry.block.hash)) return undefined;
    const outcome = this.ledger.importBlock(entry.block, from, (b, p) => this.checkConsensus(b, p))[0];
    if (outcome?.status === 'imported' || outcome?.status === 'known') return undefined;
    if (outcome?.status === 'rejected') return outcome.problem;
    return { reason: 'missing-parent', detail: 'the entry does not extend the log' };
  }

  private onAppendReply(from: NodeId, m: Extract<RaftMessage, { type: 'raft.append-reply' }>): void {
    if (this.state !== 'leader' || m.term !== this.disk.currentTerm) return;
    if (m.success) {
      this.matchIndex.set(from, Math.max(this.matchIndex.get(from) ?? 0, m.matchIndex));
      this.nextIndex.set(from, m.matchIndex + 1);
      this.advanceCommit();
      if (m.matchIndex < this.lastIndex) this.sendAppend(from); // more to send
      return;
    }
    // Back up nextIndex: past the whole conflicting term if we do not have it, else after our last entry of it.
    let next = m.conflictIndex;
    if (m.conflictTerm > 0) {
      let ours = this.lastIndex;
      while (ours > 0 && this.termAt(ours) > m.conflictTerm) ours--;
      if (this.termAt(ours) === m.conflictTerm) next = ours + 1;
    }
    this.nextIndex.set(from, Math.max(1, Math.min(next, (this.nextIndex.get(from) ?? 1) - 1 || 1)));
    this.sendAppend(from);
  }

  private advanceCommit(): void {
    if (this.state !== 'leader') return;
    for (let n = this.lastIndex; n > this.commitIndex; n--) {
      if (this.termAt(n) !== this.disk.currentTerm) break; // only entries of the current term are counted (§5.4.2)
      let replicas = 1;
      for (const peer of this.ctx.peers) if ((this.matchIndex.get(peer) ?? 0) >= n) replicas++;
      if (replicas >= this.majority()) {
        this.applyCommitted(n);
        break;
      }
    }
  }

  private applyCommitted(index: number): void {
    if (index <= this.commitIndex) return;
    this.commitIndex = index;
    const stored = this.ledger.chain.get(this.disk.log[index]!.block.hash);
    invariant(stored !== undefined, `committed entry ${index} has no stored block`);
    this.commit(stored);
  }

  protected checkConsensus(block: Block, _parent: StoredBlock): BlockProblem | undefined {
    const { term, index } = block.header.consensus;
    if (typeof term !== 'number' || !Number.isSafeInteger(term) || term < 1) return { reason: 'bad-term', detail: 'header.consensus.term must be a positive integer' };
    if (index !== block.header.height) return { reason: 'bad-index', detail: `log index ${String(index)} must equal the height ${block.header.height}` };
    const proposer = this.setup.authorities.find((a) => a.address === block.header.proposer);
    if (!proposer) return { reason: 'wrong-proposer', detail: `${block.header.proposer} is not a member of this Raft cluster` };
    return this.checkSeal(block, 'raft-seal', proposer);
  }

  protected prefer(): boolean {
    return false; // the head moves only when Raft commits
  }

  protected onHeadChanged(_change: HeadChange): void {}
}

function numberParam(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export const raft: ProtocolDefinition = {
  name: 'raft',
  byzantineBehaviours: {
    silent: 'stops answering and never proposes or campaigns, as if hung but still connected',
  },
  // Raft tolerates crashes (not lies) of fewer than half the servers.
  tolerance: (n) => Math.floor((n - 1) / 2),
  genesisConsensus(authorities, blockPeriodMs) {
    invariant(authorities.length > 0, 'a Raft cluster needs at least one server');
    return { protocol: 'raft', blockPeriodMs, servers: authorities.map((a) => a.address).join(',') };
  },
  create: (ctx, setup) => new RaftNode(ctx, setup),
};
