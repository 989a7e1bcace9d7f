/**
 * Tendermint BFT, Algorithm 1 of Buchman, Kwon & Milosevic, "The latest gossip on BFT
 * consensus" (2018); rules quoted in notes/consensus.md §3.3. n validators with equal power;
 * a quorum is more than two thirds (floor(2n/3)+1, i.e. 2f+1 when n = 3f+1); "f+1" is more
 * than one third (floor(n/3)+1). Line numbers below are the paper's.
 *
 * StartRound(r) (l.11): round = r, step = propose. The proposer of (h, r) — plain rotation
 * validators[(h + r) mod n], which is what CometBFT's weighted round-robin gives for equal
 * power — proposes validValue if it has one, else a new block on its decided chain. Others
 * schedule timeoutPropose.
 * l.22  PROPOSAL(h, r, v, -1) from the proposer, step = propose: prevote id(v) if valid(v) and
 *       (lockedRound = -1 or lockedValue = v), else nil; step = prevote.
 * l.28  PROPOSAL(h, r, v, vr) and 2f+1 PREVOTE(h, vr, id(v)), 0 <= vr < r, step = propose:
 *       prevote id(v) if valid(v) and (lockedRound <= vr or lockedValue = v), else nil.
 * l.34  2f+1 PREVOTE(h, r, *) the first time, step = prevote: schedule timeoutPrevote.
 * l.36  PROPOSAL(h, r, v, *) and 2f+1 PREVOTE(h, r, id(v)), valid(v), step >= prevote, the first
 *       time: if step = prevote, lock v at r, precommit id(v), step = precommit;
 *       in all cases validValue = v, validRound = r.
 * l.44  2f+1 PREVOTE(h, r, nil), step = prevote: precommit nil; step = precommit.
 * l.47  2f+1 PRECOMMIT(h, r, *) the first time: schedule timeoutPrecommit.
 * l.49  PROPOSAL(h, r, v, *) and 2f+1 PRECOMMIT(h, r, id(v)) for ANY round r: decide v; the block
 *       is stored with those 2f+1 signed precommits as its commit certificate; h + 1, round 0.
 * l.55  f+1 messages of (h, r') with r' > r: StartRound(r').
 * l.57-65 timeouts: propose → prevote nil; prevote → precommit nil; precommit → StartRound(r+1).
 * Timeouts grow by round: timeoutX(r) = initialX + r × deltaX (params, defaults below), and
 * the next height starts timeoutCommit (the block period) after a decision.
 *
 * Every vote and proposal is signed; each signature is verified once per content in the process.
 * A validator's state (height, round, step, lock, valid value, and the votes it signed, so it
 * never signs two different votes for one step) is on its disk, like CometBFT's WAL. A node
 * that falls behind fetches decided blocks, with their certificates, through block sync; a
 * synced block is accepted only with a valid quorum certificate.
 */
import { invariant } from '../core/assert.ts';
import { hashCanonical, type Hash } from '../core/hash.ts';
import { signDigest, verifyOnce } from '../core/keys.ts';
import { blockHash, makeBlock, type BlockProblem } from '../ledger/block.ts';
import type { HeadChange, StoredBlock } from '../ledger/chain.ts';
import type { Block } from '../ledger/types.ts';
import type { NodeId } from '../sim/events.ts';
import type { NodeContext } from '../sim/simulator.ts';
import { LedgerNode } from './base.ts';
import type { NetMessage, NodeSetup, ProtocolDefinition } from './protocol.ts';

type VoteType = 'prevote' | 'precommit';
type Step = 'propose' | 'prevote' | 'precommit';

export type BftMessage =
  | { type: 'bft.proposal'; height: number; round: number; block: Block; validRound: number; proposer: number; signature: string }
  | { type: 'bft.prevote' | 'bft.precommit'; height: number; round: number; blockHash: Hash | null; validator: number; signature: string };

type Vote = Extract<BftMessage, { type: 'bft.prevote' | 'bft.precommit' }>;
type Proposal = Extract<BftMessage, { type: 'bft.proposal' }>;

/** What a validator keeps on disk across crashes. */
interface BftDisk {
  height: number;
  round: number;
  step: Step;
  lockedValue: Hash | null;
  lockedRound: number;
  validValue: Hash | null;
  validRound: number;
  /** `${height}/${round}/${type}` → what this validator signed, so it never signs two answers. */
  signed: Record<string, Hash | null | 'proposal'>;
}

interface RoundState {
  proposal?: Proposal;
  prevotes: Tally;
  precommits: Tally;
  /** Signed precommits by validator, for the commit certificate. */
  precommitSigs: Map<number, string>;
  /** Signed prevotes as received, relayed as the proof of lock (POL) with a re-proposal. */
  prevoteMessages: Map<number, Vote>;
  /** Validators heard from in this round (l.55). */
  senders: Set<number>;
  prevoteTimeoutScheduled: boolean;
  lockedOrValidUpdated: boolean;
  precommitTimeoutScheduled: boolean;
}

/** Votes of one kind in one round: who voted what, and running counts per value. */
class Tally {
  private readonly byValidator = new Map<number, Hash | null>();
  private readonly counts = new Map<Hash | null, number>();
  get size(): number {
    return this.byValidator.size;
  }
  get(validator: number): Hash | null | undefined {
    return this.byValidator.get(validator);
  }
  add(validator: number, value: Hash | null): void {
    this.byValidator.set(validator, value);
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
  count(value: Hash | null): number {
    return this.counts.get(value) ?? 0;
  }
  /** Values with at least `quorum` votes. */
  reaching(quorum: number): Array<Hash | null> {
    return [...this.counts].filter(([, n]) => n >= quorum).map(([value]) => value);
  }
}

const STEP_ORDER: Record<Step, number> = { propose: 0, prevote: 1, precommit: 2 };
const MAX_FUTURE_MESSAGES = 10_000;

export function voteDigest(chainId: string, type: VoteType, height: number, round: number, block: Hash | null): Hash {
  return hashCanonical('vote', { chainId, type, height, round, block });
}

export function proposalDigest(chainId: string, height: number, round: number, block: Hash, validRound: number): Hash {
  return hashCanonical('proposal', { chainId, height, round, block, validRound });
}

export class BftNode extends LedgerNode {
  private readonly disk: BftDisk;
  private readonly index: number;
  private readonly n: number;
  private readonly quorum: number;
  private readonly oneThird: number;
  private rounds = new Map<number, RoundState>();
  private blocks = new Map<Hash, Block>();
  private validity = new Map<Hash, boolean>();
  private future: BftMessage[] = [];
  private readonly inbox: Array<[number, BftMessage]> = [];
  private draining = false;
  /** What this validator last sent per message kind, re-sent by the gossip timer. */
  private readonly outbox = new Map<string, BftMessage>();
  private futureSenders = new Set<number>();
  /** The highest height each validator has been heard working on. */
  private readonly peerHeights = new Map<number, number>();
  /** Equivocation bookkeeping: (height, round, value, voter) already backed. */
  private readonly supported = new Set<string>();
  /** Between a decision and the next height's first round (timeoutCommit): collect, do not act. */
  private waiting = false;
  private readonly gossipMs: number;
  private readonly timeouts: { propose: [number, number]; prevote: [number, number]; precommit: [number, number]; commit: number };

  constructor(ctx: NodeContext<NetMessage>, setup: NodeSetup) {
    super(ctx, setup);
    this.index = setup.authorities.findIndex((a) => a.address === setup.key.address);
    this.n = setup.authorities.length;
    this.quorum = Math.floor((2 * this.n) / 3) + 1;
    this.oneThird = Math.floor(this.n / 3) + 1;
    const p = setup.params;
    this.timeouts = {
      propose: [num(p.timeoutProposeMs, 1_000), num(p.timeoutProposeDeltaMs, 500)],
      prevote: [num(p.timeoutPrevoteMs, 500), num(p.timeoutPrevoteDeltaMs, 250)],
      precommit: [num(p.timeoutPrecommitMs, 500), num(p.timeoutPrecommitDeltaMs, 250)],
      commit: num(p.timeoutCommitMs, setup.blockPeriodMs),
    };
    this.gossipMs = Math.max(50, num(p.gossipMs, 1_000));
    let disk = ctx.disk.get<BftDisk>('bft');
    if (!disk) {
      disk = { height: 1, round: 0, step: 'propose', lockedValue: null, lockedRound: -1, validValue: null, validRound: -1, signed: {} };
      ctx.disk.put('bft', disk);
    }
    this.disk = disk;
  }

  role(): string {
    if (this.index < 0) return 'observer';
    return this.proposerOf(this.disk.height, this.disk.round) === this.index ? 'proposer' : 'validator';
  }

  override epoch(): number {
    return this.disk.round;
  }

  /** Read-only view for checkers and the UI. */
  inspect(): Readonly<BftDisk> & { quorum: number } {
    return { ...this.disk, quorum: this.quorum };
  }

  private proposerOf(height: number, round: number): number {
    return (height + round) % this.n;
  }

  private timeout(kind: 'propose' | 'prevote' | 'precommit', round: number): number {
    const [initial, delta] = this.timeouts[kind];
    return initial + round * delta;
  }

  private roundState(round: number): RoundState {
    let state = this.rounds.get(round);
    if (!state) {
      state = { prevotes: new Tally(), precommits: new Tally(), precommitSigs: new Map(), prevoteMessages: new Map(), senders: new Set(), prevoteTimeoutScheduled: false, lockedOrValidUpdated: false, precommitTimeoutScheduled: false };
      this.rounds.set(round, state);
    }
    return state;
  }

  protected onStart(): void {
    this.ctx.trace({ type: 'node.role', node: this.ctx.id, role: this.role(), term: this.disk.round });
    if (this.index < 0) return;
    this.ctx.setTimer('gossip', this.gossipMs);
    const next = this.ledger.chain.headHeight + 1;
    if (this.disk.height !== next) this.enterHeight(next);
    this.startRound(this.disk.round);
  }

  private enterHeight(height: number): void {
    Object.assign(this.disk, { height, round: 0, step: 'propose', lockedValue: null, lockedRound: -1, validValue: null, validRound: -1 });
    for (const key of Object.keys(this.disk.signed)) if (Number(key.split('/')[0]) < height) delete this.disk.signed[key];
    this.rounds = new Map();
    this.validity = new Map();
    this.blocks = new Map();
    this.futureSenders = new Set();
  }

  // l.11
  private startRound(round: number): void {
    this.waiting = false;
    this.disk.round = round;
    this.disk.step = 'propose';
    const height = this.disk.height;
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'bft', what: 'round', detail: `height ${height} round ${round}, proposer node ${this.proposerOf(height, round)}` });
    if (this.proposerOf(height, round) === this.index) {
      this.ctx.trace({ type: 'node.role', node: this.ctx.id, role: 'proposer', term: round });
      const valid = this.disk.validValue ? this.blockByHash(this.disk.validValue) : undefined;
      const block = valid ?? this.newBlock();
      this.propose(height, round, block, valid ? this.disk.validRound : -1);
    } else {
      this.ctx.setTimer('timeout-propose', this.timeout('propose', round), { height, round });
    }
    this.replayFuture();
    this.evaluate();
  }

  private newBlock(): Block {
    const head = this.ledger.chain.head();
    return this.buildSealedBlock(head, Math.max(this.ctx.now(), head.block.header.timestampMs + 1), { protocol: 'bft' }, 'bft-proposal');
  }

  private propose(height: number, round: number, block: Block, validRound: number): void {
    if (this.behaviour === 'silent') return;
    const key = `${height}/${round}/proposal`;
    if (this.disk.signed[key] !== undefined && this.behaviour !== 'equivocate') return;
    this.disk.signed[key] = 'proposal';
    const sign = (b: Block): Proposal => ({ type: 'bft.proposal', height, round, block: b, validRound, proposer: this.index, signature: signDigest(proposalDigest(this.setup.chainId, height, round, b.hash, validRound), this.setup.key.secretKey) });
    if (this.behaviour === 'invalid-proposal') {
      const forged = this.forgeStateRoot(block, 'bft-proposal');
      this.deliverToAll(sign(forged));
      return;
    }
    if (this.behaviour === 'equivocate') {
      // Two different blocks for one round, each sent with our votes for it.
      const other = this.forkOf(block);
      const a = sign(block);
      const b = sign(other);
      this.onBftMessage(this.index, a);
      // Split the honest validators in two halves; fellow attackers hear both.
      const [first] = this.honestHalves();
      const honest = new Set(this.honestHalves().flat());
      for (const peer of this.ctx.peers) {
        const proposals = !honest.has(peer) ? [a, b] : [first.includes(peer) ? a : b];
        for (const proposal of proposals) {
          this.ctx.send(peer, proposal);
          for (const vote of this.equivocatingVotes(height, round, proposal.block.hash)) this.ctx.send(peer, vote);
        }
      }
      return;
    }
    this.deliverToAll(sign(block));
    this.sendProofOfLock(height, validRound, block.hash);
  }

  /**
   * A re-proposal of a value locked in round vr comes with the 2f+1 prevotes that justify it
   * (the "proof of lock" CometBFT gossips): validators that missed them (cut off, or restarted
   * and forgot) could otherwise never accept it (l.28), and the locked ones never anything else.
   */
  private sendProofOfLock(height: number, validRound: number, blockHash: Hash): void {
    if (validRound < 0 || height !== this.disk.height) return;
    for (const vote of this.roundState(validRound).prevoteMessages.values()) if (vote.blockHash === blockHash) this.ctx.broadcast(vote);
  }

  /** A second, different but valid block for the same height (an empty one at another time). */
  private forkOf(block: Block): Block {
    const parent = this.ledger.chain.get(block.header.parentHash)!;
    return this.buildSealedBlock(parent, block.header.timestampMs + 1, { protocol: 'bft', fork: 1 }, 'bft-proposal');
  }

  private vote(type: VoteType, blockHash: Hash | null): void {
    const { height, round } = this.disk;
    const key = `${height}/${round}/${type}`;
    if (this.disk.signed[key] !== undefined) return; // never sign two votes for one step
    this.disk.signed[key] = blockHash;
    if (this.behaviour === 'silent' || this.behaviour === 'equivocate') return; // an equivocator votes only through equivocateVotes

    const vote: Vote = { type: type === 'prevote' ? 'bft.prevote' : 'bft.precommit', height, round, blockHash, validator: this.index, signature: signDigest(voteDigest(this.setup.chainId, type, height, round, blockHash), this.setup.key.secretKey) };
    this.deliverToAll(vote);
  }

  /**
   * Byzantine voting (`equivocate`): back every value with whoever backs it. For each prevote
   * of value X from validator v, send v a signed prevote and precommit for X — so two honest
   * groups that saw different proposals each see the Byzantine votes on their side.
   */
  private supportVoter(voter: number, m: Vote): void {
    if (m.type !== 'bft.prevote' || m.blockHash === null || voter === this.index) return;
    const key = `${m.height}/${m.round}/${m.blockHash}/${voter}`;
    if (this.supported.has(key)) return;
    this.supported.add(key);
    for (const message of this.equivocatingVotes(m.height, m.round, m.blockHash)) this.ctx.send(voter, message);
  }

  private equivocatingVotes(height: number, round: number, blockHash: Hash): Vote[] {
    return (['prevote', 'precommit'] as const).map((type) => ({
      type: type === 'prevote' ? 'bft.prevote' : 'bft.precommit',
      height,
      round,
      blockHash,
      validator: this.index,
      signature: signDigest(voteDigest(this.setup.chainId, type, height, round, blockHash), this.setup.key.secretKey),
    }));
  }

  /** Broadcast, counting our own message as received (the paper's broadcast includes self). */
  private deliverToAll(message: BftMessage): void {
    this.outbox.set(message.type, message);
    this.onBftMessage(this.index, message);
    this.ctx.broadcast(message);
  }

  /**
   * The gossip layer the paper assumes ("messages are eventually delivered after GST"): lost
   * messages are not lost forever, because every gossipMs a validator re-sends what it last
   * sent for the current height. Without it a healed partition could wait forever for votes
   * that were dropped while it was cut.
   */
  private regossip(): void {
    if (this.behaviour === 'silent') return;
    // Peers still working on a height we have decided get the decided blocks, certificates
    // included (CometBFT's catch-up gossip): their own round may never end otherwise.
    const chain = this.ledger.chain;
    for (const [peer, height] of this.peerHeights) {
      if (height >= this.disk.height || height < 1) continue;
      const blocks: Block[] = [];
      for (let h = height; h <= Math.min(chain.headHeight, height + 7); h++) blocks.push(chain.canonicalAt(h)!.block);
      if (blocks.length > 0) this.ctx.send(peer, { type: 'sync.blocks', blocks, more: false });
    }
    for (const message of this.outbox.values()) {
      if (message.height !== this.disk.height) continue;
      this.ctx.broadcast(message);
      if (message.type === 'bft.proposal') this.sendProofOfLock(message.height, message.validRound, message.block.hash);
    }
  }

  protected onProtocolTimer(name: string, data: unknown): void {
    const { height, round } = (data ?? {}) as { height: number; round: number };
    if (name === 'next-height') {
      if (height === this.disk.height) this.startRound(0);
      return;
    }
    if (name === 'gossip') {
      this.regossip();
      this.ctx.setTimer('gossip', this.gossipMs);
      return;
    }
    if (height !== this.disk.height || round !== this.disk.round) return;
    if (name === 'timeout-propose' && this.disk.step === 'propose') {
      // l.57
      this.vote('prevote', null);
      this.disk.step = 'prevote';
    } else if (name === 'timeout-prevote' && this.disk.step === 'prevote') {
      // l.61
      this.vote('precommit', null);
      this.disk.step = 'precommit';
    } else if (name === 'timeout-precommit') {
      // l.65
      this.startRound(round + 1);
      return;
    }
    this.evaluate();
  }

  protected onProtocolMessage(from: NodeId, message: NetMessage): void {
    if (this.index < 0 || this.behaviour === 'silent') return;
    const m = message as BftMessage;
    const sender = m.type === 'bft.proposal' ? m.proposer : m.validator;
    if (!Number.isInteger(sender) || sender < 0 || sender >= this.n) return;
    this.onBftMessage(sender, m);
  }

  /**
   * Messages are handled one at a time, to completion: our own broadcasts (which count as
   * received) are queued rather than handled inside the rule that sent them, so a rule never
   * finds the height changed under its feet.
   */
  private onBftMessage(sender: number, m: BftMessage): void {
    this.inbox.push([sender, m]);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.inbox.shift(); next; next = this.inbox.shift()) this.handle(next[0], next[1]);
    } finally {
      this.draining = false;
    }
  }

  private handle(sender: number, m: BftMessage): void {
    if (sender !== this.index && m.height > (this.peerHeights.get(sender) ?? 0)) this.peerHeights.set(sender, m.height);
    if (m.height < this.disk.height) return;
    if (m.height > this.disk.height) {
      if (this.future.length < MAX_FUTURE_MESSAGES) this.future.push(m);
      if (sender !== this.index) this.futureSenders.add(sender);
      // More than a third is ahead of us: fetch the decided blocks we lack (with their certificates).
      if (sender !== this.index && (m.height > this.disk.height + 1 || this.futureSenders.size >= this.oneThird)) this.requestSync(sender);
      return;
    }
    if (!this.verifyMessage(m, sender)) return;
    const state = this.roundState(m.round);
    if (m.type === 'bft.proposal') {
      if (m.proposer !== this.proposerOf(m.height, m.round)) return;
      if (state.proposal) {
        if (state.proposal.block.hash !== m.block.hash) this.reportEquivocation(sender, `two proposals for height ${m.height} round ${m.round}`);
        return; // the first proposal counts
      }
      state.proposal = m;
      this.blocks.set(m.block.hash, m.block);
    } else {
      const votes = m.type === 'bft.prevote' ? state.prevotes : state.precommits;
      const previous = votes.get(sender);
      if (previous !== undefined) {
        if (previous !== m.blockHash) this.reportEquivocation(sender, `two ${m.type.slice(4)}s in height ${m.height} round ${m.round}`);
        return;
      }
      votes.add(sender, m.blockHash);
      if (this.behaviour === 'equivocate') this.supportVoter(sender, m);
      if (m.type === 'bft.precommit') state.precommitSigs.set(sender, m.signature);
      else state.prevoteMessages.set(sender, m);
    }
    state.senders.add(sender);
    this.evaluate();
  }

  private verifyMessage(m: BftMessage, sender: number): boolean {
    const validator = this.setup.authorities[sender]!;
    if (m.type === 'bft.proposal') {
      if (!m.block || typeof m.block.hash !== 'string') return false;
      return verifyOnce(m.signature, proposalDigest(this.setup.chainId, m.height, m.round, m.block.hash, m.validRound), validator.publicKey);
    }
    const type: VoteType = m.type === 'bft.prevote' ? 'prevote' : 'precommit';
    return verifyOnce(m.signature, voteDigest(this.setup.chainId, type, m.height, m.round, m.blockHash), validator.publicKey);
  }

  private reportEquivocation(validator: number, what: string): void {
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'bft', what: 'equivocation', detail: `validator ${validator} sent ${what}` });
  }

  private replayFuture(): void {
    const now = this.future.filter((m) => m.height === this.disk.height);
    this.future = this.future.filter((m) => m.height > this.disk.height);
    for (const m of now) this.onBftMessage(m.type === 'bft.proposal' ? m.proposer : m.validator, m);
  }

  /** valid(v): the block extends our decided chain at this height and passes full validation. */
  private isValid(block: Block): boolean {
    const known = this.validity.get(block.hash);
    if (known !== undefined) return known;
    const head = this.ledger.chain.head();
    let ok = block.header.height === this.disk.height && block.header.parentHash === head.block.hash;
    if (ok && !this.ledger.chain.has(block.hash)) {
      const outcome = this.ledger.importBlock(block, this.ctx.id, (b, p) => this.checkConsensus(b, p))[0];
      ok = outcome?.status === 'imported' || outcome?.status === 'known';
    }
    this.validity.set(block.hash, ok);
    return ok;
  }

  private blockByHash(hash: Hash): Block | undefined {
    return this.blocks.get(hash) ?? this.ledger.chain.get(hash)?.block;
  }

  /** Check every "upon" rule of Algorithm 1 against what has been received. */
  private evaluate(): void {
    if (this.index < 0 || this.waiting) return;
    for (let guard = 0; guard < 16; guard++) {
      if (!this.evaluateOnce()) return;
    }
  }

  /** One pass over the rules; true if a rule fired (then rules are checked again). */
  private evaluateOnce(): boolean {
    const d = this.disk;
    const height = d.height;
    // l.49: a decision, in any round.
    for (const [round, state] of this.rounds) {
      for (const hash of state.precommits.reaching(this.quorum)) {
        if (hash === null) continue;
        const block = this.blockByHash(hash);
        if (block && this.isValid(block)) {
          this.decide(block, round, state);
          return false; // a new height has begun, or will after timeoutCommit
        }
      }
    }
    // l.55: f+1 messages from a later round.
    for (const [round, state] of this.rounds) {
      if (round > d.round && state.senders.size >= this.oneThird) {
        this.startRound(round);
        return true;
      }
    }
    const state = this.roundState(d.round);
    const proposal = state.proposal;
    if (proposal && d.step === 'propose') {
      const v = proposal.block;
      if (proposal.validRound === -1) {
        // l.22
        this.vote('prevote', this.isValid(v) && (d.lockedRound === -1 || d.lockedValue === v.hash) ? v.hash : null);
        d.step = 'prevote';
        return true;
      }
      const vr = proposal.validRound;
      if (vr >= 0 && vr < d.round && this.roundState(vr).prevotes.count(v.hash) >= this.quorum) {
        // l.28
        this.vote('prevote', this.isValid(v) && (d.lockedRound <= vr || d.lockedValue === v.hash) ? v.hash : null);
        d.step = 'prevote';
        return true;
      }
    }
    if (d.step === 'prevote' && !state.prevoteTimeoutScheduled && state.prevotes.size >= this.quorum) {
      // l.34
      state.prevoteTimeoutScheduled = true;
      this.ctx.setTimer('timeout-prevote', this.timeout('prevote', d.round), { height, round: d.round });
    }
    if (proposal && STEP_ORDER[d.step] >= STEP_ORDER.prevote && !state.lockedOrValidUpdated && state.prevotes.count(proposal.block.hash) >= this.quorum && this.isValid(proposal.block)) {
      // l.36
      state.lockedOrValidUpdated = true;
      if (d.step === 'prevote') {
        d.lockedValue = proposal.block.hash;
        d.lockedRound = d.round;
        this.vote('precommit', proposal.block.hash);
        d.step = 'precommit';
      }
      d.validValue = proposal.block.hash;
      d.validRound = d.round;
      return true;
    }
    if (d.step === 'prevote' && state.prevotes.count(null) >= this.quorum) {
      // l.44
      this.vote('precommit', null);
      d.step = 'precommit';
      return true;
    }
    if (!state.precommitTimeoutScheduled && state.precommits.size >= this.quorum) {
      // l.47
      state.precommitTimeoutScheduled = true;
      this.ctx.setTimer('timeout-precommit', this.timeout('precommit', d.round), { height, round: d.round });
    }
    return false;
  }

  private decide(block: Block, round: number, state: RoundState): void {
    const signatures = [...state.precommitSigs]
      .filter(([validator]) => state.precommits.get(validator) === block.hash)
      .sort(([a], [b]) => a - b)
      .map(([validator, signature]) => ({ signer: this.setup.authorities[validator]!.address, publicKey: this.setup.authorities[validator]!.publicKey, signature }));
    const certified = makeBlock(block.header, block.txs, { kind: 'bft-commit', signatures, data: { round } });
    invariant(certified.hash === block.hash, 'a certificate must not change the block hash');
    this.ledger.chain.attachCertificate(certified);
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'bft', what: 'decide', detail: `height ${block.header.height} in round ${round} with ${signatures.length} precommits` });
    this.commit(this.ledger.chain.get(block.hash)!);
  }

  protected checkConsensus(block: Block, _parent: StoredBlock): BlockProblem | undefined {
    const proposer = this.setup.authorities.find((a) => a.address === block.header.proposer);
    if (!proposer) return { reason: 'wrong-proposer', detail: `${block.header.proposer} is not a validator` };
    if (block.certificate.kind === 'bft-commit') return this.checkCommitCertificate(block);
    return this.checkSeal(block, 'bft-proposal', proposer);
  }

  /** A decided block carries 2f+1 valid precommits for it from distinct validators. */
  private checkCommitCertificate(block: Block): BlockProblem | undefined {
    const round = block.certificate.data?.round;
    if (typeof round !== 'number') return { reason: 'bad-certificate', detail: 'a commit certificate names its round' };
    const signers = new Set<string>();
    for (const sig of block.certificate.signatures) {
      const validator = this.setup.authorities.find((a) => a.address === sig.signer && a.publicKey === sig.publicKey);
      if (!validator || signers.has(sig.signer)) continue;
      if (verifyOnce(sig.signature, voteDigest(this.setup.chainId, 'precommit', block.header.height, round, block.hash), validator.publicKey)) signers.add(sig.signer);
    }
    if (signers.size < this.quorum) return { reason: 'bad-certificate', detail: `${signers.size} valid precommits, a quorum needs ${this.quorum}` };
    return undefined;
  }

  /**
   * A block we already hold as a proposal may come back through sync as a decided block: keep
   * its commit certificate (after checking it), so that fork choice can adopt it.
   */
  protected override receiveBlock(block: Block, from: NodeId, syncIfOrphan: boolean): boolean {
    const stored = block?.certificate?.kind === 'bft-commit' ? this.ledger.chain.get(block.hash) : undefined;
    if (stored && stored.block.certificate.kind !== 'bft-commit' && blockHash(block.header) === block.hash && !this.checkCommitCertificate(block)) {
      this.ledger.chain.attachCertificate(makeBlock(block.header, stored.block.txs, block.certificate));
      return this.considerHead(this.ledger.chain.get(block.hash)!);
    }
    return super.receiveBlock(block, from, syncIfOrphan);
  }

  /** Synced blocks are adopted only with a commit certificate, one height at a time. */
  protected prefer(candidate: StoredBlock, current: StoredBlock): boolean {
    return candidate.block.certificate.kind === 'bft-commit' && candidate.height === current.height + 1 && candidate.block.header.parentHash === current.block.hash;
  }

  protected onHeadChanged(change: HeadChange): void {
    const head = this.ledger.chain.head();
    if (head.height > this.ledger.chain.finalizedHeight) {
      this.ledger.chain.setFinalized(head.height);
      this.ctx.trace({ type: 'block.finalize', node: this.ctx.id, height: head.height, hash: head.block.hash });
    }
    void change;
    if (this.index < 0 || head.height + 1 <= this.disk.height) return;
    this.enterHeight(head.height + 1);
    this.waiting = true;
    this.ctx.setTimer('next-height', this.timeouts.commit, { height: this.disk.height, round: 0 });
  }
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

export const bft: ProtocolDefinition = {
  name: 'bft',
  byzantineBehaviours: {
    equivocate: 'proposes two different blocks in its rounds (one to each half of the honest validators) and backs every value with whoever votes for it',
    silent: 'sends nothing: no proposals, no votes',
    'invalid-proposal': 'proposes blocks whose state root is false',
  },
  tolerance: (n) => Math.floor((n - 1) / 3),
  genesisConsensus(authorities, blockPeriodMs) {
    invariant(authorities.length > 0, 'BFT needs at least one validator');
    return { protocol: 'bft', blockPeriodMs, validators: authorities.map((a) => a.address).join(',') };
  },
  create: (ctx, setup) => new BftNode(ctx, setup),
};
