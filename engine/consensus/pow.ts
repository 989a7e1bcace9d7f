/**
 * Nakamoto proof-of-work.
 *
 * Rules (Bitcoin whitepaper §4, §5 and §11; Bitcoin Core `pow.cpp` and chainwork; SimBlock's mining
 * model; Eyal & Sirer, "Majority is not enough", 2014; see notes/consensus.md §3.6, §2.5, §1.3):
 * 1. Difficulty D is the expected number of hashes per block. The network has a total hash rate
 *    (param `hashRate`, hashes per second; by default the rate that gives one block per
 *    `targetBlockMs` at the genesis difficulty) split between nodes by `hashShares` (normalised
 *    to sum 1; default equal; 0 = a full node that does not mine). A crashed miner's share is lost.
 * 2. Mining is a Poisson process: node i finds its next block after Exp(mean = D / (h_i × rate)),
 *    i.e. targetBlockMs × D/D0 / h_i at the default rate, drawn from its own seeded stream
 *    (SimBlock: −ln(1−u)·D/h). The draw restarts whenever the tip it mines on changes; the
 *    exponential is memoryless, so resampling is exact. The block is built when found: the best
 *    mempool transactions, timestamp = now, header.consensus = {difficulty, chainWork, nonce}.
 *    In *classroom* mode (`classroom: true`) a miner instead really searches nonces with sha256:
 *    every `tickMs` it tries its share of the hash rate (at most `maxHashesPerTick`) on a block
 *    template, and a block is valid only if its hash, read as a number, is below 2^256 / D
 *    (exactly: its first 52 bits are below ⌊2^52 / D⌋; with D a power of two, log2 D leading zero
 *    bits). Outside classroom mode the work is modelled by the timer, not proven in the block.
 * 3. Fork choice: the chain with the most cumulative work (chainWork = Σ difficulty, Bitcoin
 *    Core's nChainWork); on equal work the block seen first stays (whitepaper §5; SimBlock
 *    accepts a block only with strictly more total difficulty).
 * 4. Retargeting: every `retargetInterval` blocks (Bitcoin: 2016 blocks at 600 s; here default 20;
 *    0 = never) the difficulty becomes old × targetTimespan / actualTimespan, with the actual
 *    timespan clamped to [target/4, 4·target] (CalculateNextWorkRequired). The window is the
 *    last N−1 block intervals, timestamps of blocks h−N and h−1; Bitcoin measures the same N−1
 *    intervals but compares them with N intervals' worth (a known off-by-one), which would bias
 *    a 20-block simulation by 5 %, so here the target timespan is (N−1) × targetBlockMs.
 *    Before the first retarget the difficulty is D0 (param `difficulty`, like genesis nBits).
 *    Every node recomputes the rule for every block and rejects a wrong difficulty or chainWork.
 *    A block's timestamp may not be before its parent's (ledger rule) nor more than
 *    `futureLimitMs` ahead of the receiver's clock (Bitcoin: 2 hours).
 * 5. Finality is probabilistic: a block is *confirmed* (chain.finalizedHeight, 'block.finalize')
 *    once `confirmations` (k, default 6) blocks are on top of it on the node's canonical chain.
 *    Deliberately, confirmation is a confidence mark, not a promise: the chain store runs in
 *    'probabilistic' finality, so a heavier fork still wins and may revert confirmed blocks
 *    (that is what a double spend against a merchant who waited k blocks is). The node then
 *    traces a 'confirmed-reverted' consensus event, which checkers count (notes §2.5: report
 *    how often a depth-k block is reverted), and the finalized height drops to the fork point.
 * 6. Byzantine miners mine at their hash share like everyone else, but choose where to mine and
 *    when to publish: `selfish` (Eyal & Sirer Algorithm 1: maximise its share of blocks),
 *    `withhold` (the majority attack on confirmations: keep a private branch, starting again on
 *    the public tip whenever that is heavier, and release it all at once when it is heavier *and*
 *    the public chain has built more than k blocks since the fork, so honest nodes revert a
 *    confirmed block; a withholding node made honest again releases a heavier branch too), and
 *    `double-spend` (the race of whitepaper §11, armed by engine/experiments/double-spend.ts;
 *    unarmed it mines honestly). An attacker with share q is just `hashShares`. Confirmed blocks
 *    stay put, with overwhelming probability, while honest miners hold more than half the hash
 *    power; `withhold` with a majority shows what happens when they do not.
 * 7. Issuance (Bitcoin Core `GetBlockSubsidy`; off by default): with param `blockReward` R > 0,
 *    the block at height h creates ⌊R / 2^⌊(h−1)/N⌋⌋ new coins, N = `halvingInterval` (0 = never
 *    halves; Bitcoin: R = 50 coins, N = 210,000), so heights 1..N pay R, N+1..2N pay R/2, and
 *    so on. The miner names who receives them (param `payouts`: one address per node, '' for
 *    the node's own address) in header.consensus.coinbase, with the amount in
 *    header.consensus.reward; execution credits it after the block's transactions, so the state
 *    root covers it. Every node checks the amount against the rule, and a block claiming coins
 *    the rule does not give (any coins at all when R = 0) is rejected. An orphaned block's reward
 *    goes with it: only blocks on the chain pay.
 */
import { invariant, LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import { isAddress } from '../core/keys.ts';
import { blockHash, makeBlock, txRootOf, type BlockProblem } from '../ledger/block.ts';
import type { ChainStore, HeadChange, StoredBlock } from '../ledger/chain.ts';
import { buildBlock, type BlockEnv, type BlockReward, type ContractExecutor, type InvalidTx } from '../ledger/execute.ts';
import type { Address, Block, BlockHeader, SignedTx } from '../ledger/types.ts';
import type { NodeId } from '../sim/events.ts';
import type { NodeContext } from '../sim/simulator.ts';
import { LedgerNode } from './base.ts';
import type { NetMessage, NodeSetup, ProtocolDefinition, ProtocolParam } from './protocol.ts';

/** Defaults of the protocol parameters (NetworkOptions.protocolParams). */
export const POW_DEFAULTS = {
  /** Genesis difficulty in the Poisson model: large, so that retargeting keeps 6 significant digits. */
  difficulty: 1_000_000,
  /** Genesis difficulty in classroom mode: 2^8, a hash with 8 leading zero bits. */
  classroomDifficulty: 256,
  retargetInterval: 20,
  confirmations: 6,
  tickMs: 50,
  maxHashesPerTick: 64,
} as const;

/** Difficulty is kept below 2^52 so classroom targets stay exact and work sums stay cheap. */
const MAX_DIFFICULTY = 2 ** 52;

export interface PowParams {
  targetBlockMs: number;
  /** Normalised hash-power share of each node (sums to 1, or all 0). */
  shares: readonly number[];
  genesisDifficulty: number;
  /** Total network hash rate, hashes per millisecond. */
  hashRatePerMs: number;
  retargetInterval: number;
  confirmations: number;
  classroom: boolean;
  tickMs: number;
  maxHashesPerTick: number;
  futureLimitMs: number;
  /** Rule 7: coins the first blocks create (0: no issuance). */
  blockReward: number;
  /** Rule 7: blocks between halvings of the reward (0: never). */
  halvingInterval: number;
  /** Rule 7: who each node's block rewards go to (undefined: the node's own address). */
  payouts: ReadonlyArray<Address | undefined>;
}

const parsedParams = new WeakMap<object, PowParams>();

/** Read and check the protocol parameters once per network (every node gets the same object). */
export function powParams(params: Readonly<Record<string, ProtocolParam>>, blockPeriodMs: number, nodeCount: number): PowParams {
  const cached = parsedParams.get(params);
  if (cached && cached.shares.length === nodeCount) return cached;
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number): number => {
    const value = params[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      problems.push(`${name} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return value;
  };
  const classroom = params.classroom ?? false;
  if (typeof classroom !== 'boolean') problems.push('classroom must be true or false');
  const targetBlockMs = integer('targetBlockMs', blockPeriodMs, 1);
  const genesisDifficulty = integer('difficulty', classroom === true ? POW_DEFAULTS.classroomDifficulty : POW_DEFAULTS.difficulty, 1);
  if (genesisDifficulty > MAX_DIFFICULTY) problems.push(`difficulty must be at most 2^52 (got ${genesisDifficulty})`);
  const hashRate = params.hashRate ?? (genesisDifficulty * 1_000) / targetBlockMs;
  if (typeof hashRate !== 'number' || !(hashRate > 0) || !Number.isFinite(hashRate)) problems.push(`hashRate must be a positive number of hashes per second (got ${JSON.stringify(hashRate)})`);
  const retargetInterval = integer('retargetInterval', POW_DEFAULTS.retargetInterval, 0);
  if (retargetInterval === 1) problems.push('retargetInterval must be 0 (never) or at least 2');
  const confirmations = integer('confirmations', POW_DEFAULTS.confirmations, 0);
  const tickMs = integer('tickMs', POW_DEFAULTS.tickMs, 1);
  const maxHashesPerTick = integer('maxHashesPerTick', POW_DEFAULTS.maxHashesPerTick, 1);
  const futureLimitMs = integer('futureLimitMs', 2 * targetBlockMs, 0);
  const blockReward = integer('blockReward', 0, 0);
  // Bitcoin's 50 coins are 5e9 base units; 2^40 a block leaves room for millions of blocks
  // before any balance nears 2^53 (beyond which the ledger refuses to count).
  if (blockReward > MAX_BLOCK_REWARD) problems.push(`blockReward must be at most 2^40 = ${MAX_BLOCK_REWARD} (got ${blockReward})`);
  const halvingInterval = integer('halvingInterval', 0, 0);
  let payouts: Array<Address | undefined> = Array.from({ length: nodeCount }, () => undefined);
  const givenPayouts = params.payouts;
  if (givenPayouts !== undefined) {
    if (!Array.isArray(givenPayouts) || givenPayouts.length !== nodeCount || !givenPayouts.every((p) => p === '' || (typeof p === 'string' && isAddress(p)))) {
      problems.push(`payouts must list one address per node (${nodeCount} nodes), or '' for the node's own`);
    } else {
      payouts = (givenPayouts as readonly string[]).map((p) => (p === '' ? undefined : p));
    }
  }
  let shares: number[] = Array.from({ length: nodeCount }, () => 1 / nodeCount);
  const given = params.hashShares;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length !== nodeCount || !given.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0)) {
      problems.push(`hashShares must list one non-negative number per node (${nodeCount} nodes)`);
    } else {
      const total = given.reduce((sum, s) => sum + s, 0);
      shares = given.map((s) => (total > 0 ? s / total : 0));
    }
  }
  if (problems.length > 0) {
    throw new LedgerlabError('bad-protocol-params', `Invalid proof-of-work parameters: ${problems.join('; ')}.`, 'See the rules at the top of engine/consensus/pow.ts.');
  }
  const parsed: PowParams = {
    targetBlockMs,
    shares,
    genesisDifficulty,
    hashRatePerMs: (hashRate as number) / 1_000,
    retargetInterval,
    confirmations,
    classroom: classroom === true,
    tickMs,
    maxHashesPerTick,
    futureLimitMs,
    blockReward,
    halvingInterval,
    payouts,
  };
  parsedParams.set(params, parsed);
  return parsed;
}

/** Rule 7: the new coins the block at `height` creates (Bitcoin Core's GetBlockSubsidy, halvings counted from height 1). */
/** The largest block reward a network may issue (see the blockReward check). */
export const MAX_BLOCK_REWARD = 2 ** 40;

export function blockSubsidy(height: number, blockReward: number, halvingInterval: number): number {
  if (height < 1 || blockReward <= 0) return 0;
  const halvings = halvingInterval > 0 ? Math.floor((height - 1) / halvingInterval) : 0;
  return halvings >= 64 ? 0 : Math.floor(blockReward / 2 ** halvings);
}

/** Rule 7: coins created by the blocks at heights 1..height, era by era. */
export function issuedUpTo(height: number, blockReward: number, halvingInterval: number): number {
  if (halvingInterval <= 0) return blockSubsidy(1, blockReward, 0) * Math.max(0, height);
  let issued = 0;
  for (let first = 1; first <= height; first += halvingInterval) {
    const subsidy = blockSubsidy(first, blockReward, halvingInterval);
    if (subsidy === 0) break;
    issued += subsidy * (Math.min(height, first + halvingInterval - 1) - first + 1);
  }
  return issued;
}

/** Rule 7: the coins a header (already checked against the rule) creates, and for whom. */
export function rewardOf(header: BlockHeader): BlockReward | undefined {
  const { reward, coinbase } = header.consensus;
  return typeof reward === 'number' && reward > 0 && typeof coinbase === 'string' ? { to: coinbase, amount: reward } : undefined;
}

/** Cumulative work up to and including a block, a decimal string ('0' at genesis). */
export function chainWorkOf(block: Block): string {
  const work = block.header.consensus.chainWork;
  return typeof work === 'string' ? work : '0';
}

/** Compare two canonical decimal strings (no leading zeros) as integers. */
export function compareWork(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function addWork(work: string, difficulty: number): string {
  return (BigInt(work) + BigInt(difficulty)).toString();
}

export function difficultyOf(block: Block, genesisDifficulty: number): number {
  const difficulty = block.header.consensus.difficulty;
  return block.header.height === 0 || typeof difficulty !== 'number' ? genesisDifficulty : difficulty;
}

export interface DifficultyRule {
  difficulty: number;
  /** Present when this height is a retarget boundary. */
  retarget?: { previous: number; actualMs: number; targetMs: number };
}

/** The difficulty a block on top of `parent` must carry (rule 4). */
export function nextDifficulty(parent: StoredBlock, chain: ChainStore, params: PowParams): DifficultyRule {
  const height = parent.height + 1;
  const previous = difficultyOf(parent.block, params.genesisDifficulty);
  const interval = params.retargetInterval;
  if (interval === 0 || height % interval !== 0) return { difficulty: previous };
  let first: StoredBlock = parent;
  for (let i = 0; i < interval - 1; i++) {
    const up = chain.parentOf(first);
    invariant(up !== undefined, `block ${first.block.hash.slice(0, 10)} has no stored parent`);
    first = up;
  }
  const targetMs = (interval - 1) * params.targetBlockMs;
  const measured = parent.block.header.timestampMs - first.block.header.timestampMs;
  const actualMs = Math.min(Math.max(measured, Math.ceil(targetMs / 4)), targetMs * 4);
  const next = Number((BigInt(previous) * BigInt(targetMs)) / BigInt(actualMs));
  return { difficulty: Math.min(Math.max(1, next), MAX_DIFFICULTY), retarget: { previous, actualMs: measured, targetMs } };
}

/** Classroom proof of work: the first 52 bits of the hash are below ⌊2^52 / difficulty⌋. */
export function meetsTarget(hash: Hash, difficulty: number): boolean {
  return parseInt(hash.slice(0, 13), 16) < Math.floor(MAX_DIFFICULTY / difficulty);
}

/** ⌊log2 n⌋ for a positive safe integer, exactly (no transcendental functions in trace text). */
function log2Floor(n: number): number {
  let bits = 0;
  while (2 ** (bits + 1) <= n) bits++;
  return bits;
}

export function leadingZeroBits(hash: Hash): number {
  let bits = 0;
  for (const digit of hash) {
    const value = parseInt(digit, 16);
    if (value === 0) {
      bits += 4;
      continue;
    }
    return bits + Math.clz32(value) - 28;
  }
  return bits;
}

export interface PowBlockSpec {
  chainId: string;
  parent: StoredBlock;
  proposer: Address;
  timestampMs: number;
  difficulty: number;
  nonce: number;
  /** Transactions to try, in order; invalid ones are left out. */
  candidates?: readonly SignedTx[];
  maxTxs?: number;
  contracts?: ContractExecutor;
  /** Rule 7: the coins this block creates and who gets them (none if absent or 0). */
  reward?: BlockReward;
}

export interface AssembledPowBlock {
  header: BlockHeader;
  txs: SignedTx[];
  skipped: Array<{ tx: SignedTx; invalid: InvalidTx }>;
}

/** Execute the transactions and fill in the header (roots, difficulty, chainWork, nonce). */
export function assemblePowHeader(spec: PowBlockSpec): AssembledPowBlock {
  const env: BlockEnv = {
    chainId: spec.chainId,
    height: spec.parent.height + 1,
    timestampMs: spec.timestampMs,
    parentHash: spec.parent.block.hash,
    proposer: spec.proposer,
    ...(spec.reward && spec.reward.amount > 0 ? { reward: spec.reward } : {}),
  };
  const built = buildBlock(spec.parent.state, env, spec.candidates ?? [], spec.maxTxs ?? 500, spec.contracts);
  const header: BlockHeader = {
    chainId: env.chainId,
    height: env.height,
    parentHash: env.parentHash,
    proposer: env.proposer,
    timestampMs: env.timestampMs,
    txRoot: txRootOf(built.txs),
    stateRoot: built.execution.state.root,
    receiptsRoot: built.execution.receiptsRoot,
    consensus: {
      difficulty: spec.difficulty,
      chainWork: addWork(chainWorkOf(spec.parent.block), spec.difficulty),
      nonce: spec.nonce,
      ...(env.reward ? { reward: env.reward.amount, coinbase: env.reward.to } : {}),
    },
  };
  return { header, txs: built.txs, skipped: built.skipped };
}

const POW_CERTIFICATE = { kind: 'pow', signatures: [] };

/** A proof-of-work block (the nonce is in the header; nothing is signed). Tests use it to forge blocks. */
export function makePowBlock(spec: PowBlockSpec): Block {
  const { header, txs } = assemblePowHeader(spec);
  return makeBlock(header, txs, POW_CERTIFICATE);
}

function rewardNote(header: BlockHeader): string {
  const reward = rewardOf(header);
  return reward ? `, ${reward.amount} new coins to ${reward.to.slice(0, 10)}` : '';
}

function withNonce(header: BlockHeader, nonce: number): BlockHeader {
  return { ...header, consensus: { ...header.consensus, nonce } };
}

function short(hash: Hash): string {
  return hash.slice(0, 10);
}

/** What the double-spend attacker holds (whitepaper §11, engine/experiments/double-spend.ts). */
export interface DoubleSpendPlan {
  /** The payment to the merchant: broadcast once the attacker holds a one-block private lead. */
  payment: SignedTx;
  /** The conflicting spend (same sender and nonce) that goes into the private branch. */
  conflict: SignedTx;
  /** Confirmations the merchant waits for (z). */
  confirmations: number;
  /** Abandon the race when the public chain is this many blocks ahead of the private branch. */
  giveUpBehind: number;
}

export type AttackPhase = 'premine' | 'race' | 'published' | 'abandoned';

type PrivateBehaviour = 'selfish' | 'withhold' | 'double-spend';

interface ClassroomTemplate {
  parentHash: Hash;
  header: BlockHeader;
  txs: SignedTx[];
  nextNonce: number;
}

export class PowNode extends LedgerNode {
  private readonly params: PowParams;
  private readonly share: number;
  private miningTimer: number | undefined;
  private miningOn: Hash | undefined;
  /** Finalized (k-confirmed) height before the latest head change: to see what a reorg reverted. */
  private confirmedHeight: number;
  private template: ClassroomTemplate | undefined;
  private hashCredit = 0;
  /** Tip of the branch a private-mining behaviour works on (undefined: mine on the public head). */
  private privateTip: StoredBlock | undefined;
  /** Blocks this node mined and has not published. They never become its public (canonical) view. */
  private readonly unpublished = new Set<Hash>();
  /** Eyal & Sirer's privateBranchLen. */
  private privateBranchLen = 0;
  private plan: (DoubleSpendPlan & { phase: AttackPhase; forkHeight: number }) | undefined;

  constructor(ctx: NodeContext<NetMessage>, setup: NodeSetup) {
    super(ctx, setup);
    this.params = powParams(setup.params, setup.blockPeriodMs, ctx.nodeCount);
    this.share = this.params.shares[ctx.id] ?? 0;
    // Rule 5: confirmation depth is a confidence mark; a heavier fork may still revert it.
    this.ledger.chain.finality = 'probabilistic';
    this.confirmedHeight = this.ledger.chain.finalizedHeight;
  }

  role(): string {
    return this.share > 0 ? 'miner' : 'full-node';
  }

  /** This node's normalised hash-power share. */
  hashShare(): number {
    return this.share;
  }

  /** Phase of the double-spend race, if this node is running one. */
  attackPhase(): AttackPhase | undefined {
    return this.plan?.phase;
  }

  /** The difficulty the next block on this node's best chain must carry. */
  currentDifficulty(): number {
    return nextDifficulty(this.ledger.chain.head(), this.ledger.chain, this.params).difficulty;
  }

  protected onStart(): void {
    this.ctx.trace({ type: 'node.role', node: this.ctx.id, role: this.role() });
    if (this.share <= 0) return;
    if (this.params.classroom) this.ctx.setTimer('hash', this.params.tickMs);
    else this.restartMining();
  }

  /** A block we already hold is dropped before any work (relay sends each block to us several times). */
  override onMessage(from: NodeId, message: NetMessage): void {
    if (message.type === 'block' && typeof message.block?.hash === 'string' && this.ledger.chain.has(message.block.hash)) return;
    super.onMessage(from, message);
  }

  protected onProtocolMessage(): void {
    // Nakamoto consensus needs nothing beyond transactions, blocks and sync.
  }

  protected onProtocolTimer(name: string, data: unknown): void {
    if (name === 'mine') {
      this.miningTimer = undefined;
      this.miningOn = undefined;
      const tip = this.miningTip();
      if (tip.block.hash === data) this.mined(this.assemble(tip, this.ctx.now(), this.ctx.random.nextU32()), tip);
      this.restartMining();
    } else if (name === 'hash') {
      this.hashTick();
      this.ctx.setTimer('hash', this.params.tickMs);
    }
  }

  // ---- mining -------------------------------------------------------------------------------

  private privateMining(): boolean {
    if (this.behaviour === undefined || this.privateTip === undefined) return false;
    return this.behaviour !== 'double-spend' || (this.plan !== undefined && (this.plan.phase === 'premine' || this.plan.phase === 'race'));
  }

  private miningTip(): StoredBlock {
    return this.privateMining() ? this.privateTip! : this.ledger.chain.head();
  }

  /** Rule 2: (re)draw the time to this node's next block on its current tip. */
  private restartMining(): void {
    if (this.share <= 0 || this.params.classroom) return; // the classroom tick picks the new tip up itself
    const tip = this.miningTip();
    if (this.miningTimer !== undefined && this.miningOn === tip.block.hash) return;
    if (this.miningTimer !== undefined) this.ctx.cancelTimer(this.miningTimer);
    const difficulty = nextDifficulty(tip, this.ledger.chain, this.params).difficulty;
    const delayMs = this.ctx.random.exponential(difficulty / (this.share * this.params.hashRatePerMs));
    this.miningOn = tip.block.hash;
    this.miningTimer = this.ctx.setTimer('mine', delayMs, tip.block.hash);
  }

  private candidatesOn(tip: StoredBlock): SignedTx[] {
    const selected = this.ledger.mempool.select(tip.state, this.setup.maxTxsPerBlock);
    const conflict = this.plan?.conflict;
    if (!conflict || !this.privateMining()) return selected;
    // The attacker's branch carries its conflicting spend, and never the payment it replaces.
    const clash = (tx: SignedTx) => tx.body.from === conflict.body.from && tx.body.nonce === conflict.body.nonce;
    return [conflict, ...selected.filter((tx) => !clash(tx))];
  }

  private assemble(tip: StoredBlock, timestampMs: number, nonce: number): AssembledPowBlock & { rule: DifficultyRule } {
    const rule = nextDifficulty(tip, this.ledger.chain, this.params);
    const subsidy = blockSubsidy(tip.height + 1, this.params.blockReward, this.params.halvingInterval);
    const assembled = assemblePowHeader({
      chainId: this.setup.chainId,
      parent: tip,
      proposer: this.setup.key.address,
      timestampMs,
      difficulty: rule.difficulty,
      nonce,
      candidates: this.candidatesOn(tip),
      maxTxs: this.setup.maxTxsPerBlock,
      ...(subsidy > 0 ? { reward: { to: this.params.payouts[this.ctx.id] ?? this.setup.key.address, amount: subsidy } } : {}),
      ...(this.ledger.contracts ? { contracts: this.ledger.contracts } : {}),
    });
    for (const { tx, invalid } of assembled.skipped) {
      if (!this.ledger.mempool.has(tx.hash)) continue;
      this.ledger.mempool.remove(tx.hash);
      this.ctx.trace({ type: 'tx.reject', node: this.ctx.id, tx: tx.hash, reason: invalid.reason, detail: invalid.detail });
    }
    return { ...assembled, rule };
  }

  /** Classroom mode: try this tick's share of nonces on the current template. */
  private hashTick(): void {
    const tip = this.miningTip();
    if (!this.template || this.template.parentHash !== tip.block.hash) {
      const assembled = this.assemble(tip, this.ctx.now(), 0);
      if (assembled.rule.retarget) this.traceRetarget(assembled.header.height, assembled.rule);
      this.template = { parentHash: tip.block.hash, header: assembled.header, txs: assembled.txs, nextNonce: this.ctx.random.nextU32() };
    }
    const template = this.template;
    this.hashCredit += this.share * this.params.hashRatePerMs * this.params.tickMs;
    const attempts = Math.min(Math.floor(this.hashCredit), this.params.maxHashesPerTick);
    this.hashCredit = Math.min(this.hashCredit - attempts, this.params.maxHashesPerTick); // bounded carry
    if (attempts === 0) return;
    const difficulty = template.header.consensus.difficulty as number;
    const firstNonce = template.nextNonce;
    let best = 'f';
    for (let i = 0; i < attempts; i++) {
      const header = withNonce(template.header, template.nextNonce++);
      const hash = blockHash(header);
      if (hash < best) best = hash;
      if (meetsTarget(hash, difficulty)) {
        this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'hashing', detail: `nonces ${firstNonce}..${template.nextNonce - 1} on ${short(tip.block.hash)}: ${short(hash)} has ${leadingZeroBits(hash)} leading zero bits and meets difficulty ${difficulty}` });
        this.template = undefined;
        this.mined({ header, txs: template.txs, skipped: [], rule: { difficulty } }, tip);
        return;
      }
    }
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'hashing', detail: `nonces ${firstNonce}..${template.nextNonce - 1} on ${short(tip.block.hash)}: best ${short(best)} (${leadingZeroBits(best)} leading zero bits), difficulty ${difficulty} needs about ${log2Floor(difficulty)}` });
  }

  private traceRetarget(height: number, rule: DifficultyRule): void {
    const r = rule.retarget!;
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'retarget', detail: `height ${height}: difficulty ${r.previous} -> ${rule.difficulty} (last ${this.params.retargetInterval - 1} intervals took ${r.actualMs} ms, target ${r.targetMs} ms)` });
  }

  /** A block was found on `tip`: publish it, or keep it private if a behaviour says so. */
  private mined(assembled: AssembledPowBlock & { rule: DifficultyRule }, tip: StoredBlock): void {
    const block = makeBlock(assembled.header, assembled.txs, POW_CERTIFICATE);
    const keepPrivate = this.privateMining();
    if (assembled.rule.retarget && !this.params.classroom) this.traceRetarget(block.header.height, assembled.rule);
    this.ctx.trace({ type: 'block.propose', node: this.ctx.id, height: block.header.height, hash: block.hash, txs: block.txs.length });
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: keepPrivate ? 'mined-private' : 'mined', detail: `height ${block.header.height} on ${short(tip.block.hash)}, difficulty ${assembled.rule.difficulty}, chain work ${chainWorkOf(block)}${rewardNote(block.header)}` });
    if (keepPrivate) this.unpublished.add(block.hash);
    this.receiveBlock(block, this.ctx.id, false);
    const stored = this.ledger.chain.get(block.hash);
    invariant(stored !== undefined, `node ${this.ctx.id} rejected its own block ${short(block.hash)}`);
    if (keepPrivate) this.onPrivateBlock(stored);
    else this.ctx.broadcast({ type: 'block', block });
  }

  // ---- validation and fork choice -----------------------------------------------------------

  protected checkConsensus(block: Block, parent: StoredBlock): BlockProblem | undefined {
    const { difficulty, chainWork, nonce } = block.header.consensus;
    if (typeof difficulty !== 'number' || !Number.isSafeInteger(difficulty) || difficulty < 1) return { reason: 'bad-difficulty', detail: 'header.consensus.difficulty must be a positive integer' };
    if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 0) return { reason: 'malformed', detail: 'header.consensus.nonce must be a non-negative integer' };
    if (block.certificate.kind !== 'pow' || block.certificate.signatures.length !== 0) return { reason: 'bad-certificate', detail: 'a proof-of-work block carries its proof in the header (certificate kind "pow", no signatures)' };
    const rule = nextDifficulty(parent, this.ledger.chain, this.params);
    if (difficulty !== rule.difficulty) {
      const why = rule.retarget
        ? `the retarget at height ${block.header.height} gives ${rule.difficulty} (${rule.retarget.previous} × ${rule.retarget.targetMs} ms / ${rule.retarget.actualMs} ms, clamped to [¼, 4×])`
        : `the parent's difficulty carries over until the next retarget, so it must be ${rule.difficulty}`;
      return { reason: 'bad-difficulty', detail: `difficulty ${difficulty} at height ${block.header.height} is wrong: ${why}` };
    }
    const rewardProblem = this.checkReward(block.header);
    if (rewardProblem) return rewardProblem;
    const expectedWork = addWork(chainWorkOf(parent.block), difficulty);
    if (chainWork !== expectedWork) return { reason: 'bad-chainwork', detail: `chain work ${String(chainWork)} should be the parent's ${chainWorkOf(parent.block)} + difficulty ${difficulty} = ${expectedWork}` };
    if (block.header.timestampMs > this.ctx.now() + this.params.futureLimitMs) {
      return { reason: 'future-timestamp', detail: `timestamp ${block.header.timestampMs} is more than ${this.params.futureLimitMs} ms ahead of now (${this.ctx.now()})` };
    }
    if (this.params.classroom && !meetsTarget(block.hash, difficulty)) {
      return { reason: 'insufficient-work', detail: `hash ${short(block.hash)} has ${leadingZeroBits(block.hash)} leading zero bits; difficulty ${difficulty} needs its first 52 bits below 2^52/${difficulty} (about ${log2Floor(difficulty)} zero bits)` };
    }
    return undefined;
  }

  /** Rule 7: exactly the coins the rule gives at this height, to an address. */
  private checkReward(header: BlockHeader): BlockProblem | undefined {
    const { reward, coinbase } = header.consensus;
    const { blockReward, halvingInterval } = this.params;
    const expected = blockSubsidy(header.height, blockReward, halvingInterval);
    const rule = blockReward === 0 ? 'this chain issues no coins' : `the rule gives ${expected} at height ${header.height} (${blockReward}${halvingInterval > 0 ? `, halved every ${halvingInterval} blocks` : ''})`;
    if (expected === 0) {
      if (reward !== undefined || coinbase !== undefined) return { reason: 'bad-reward', detail: `the block creates ${String(reward)} new coins, but ${rule}` };
      return undefined;
    }
    if (reward !== expected) return { reason: 'bad-reward', detail: `the block creates ${String(reward)} new coins, but ${rule}` };
    if (typeof coinbase !== 'string' || !isAddress(coinbase)) return { reason: 'bad-reward', detail: `header.consensus.coinbase must be the address that receives the ${expected} new coins` };
    return undefined;
  }

  override blockReward(header: BlockHeader): BlockReward | undefined {
    return rewardOf(header);
  }

  /** Rule 3: strictly more cumulative work; on a tie the current (first-seen) head stays. */
  protected prefer(candidate: StoredBlock, current: StoredBlock): boolean {
    return compareWork(chainWorkOf(candidate.block), chainWorkOf(current.block)) > 0;
  }

  protected override considerHead(candidate: StoredBlock): boolean {
    if (this.unpublished.has(candidate.block.hash)) return false; // a private block is not part of our public view
    const before = this.ledger.chain.head();
    const moved = super.considerHead(candidate);
    if (moved && this.privateMining()) this.onPublicHeadMoved(before);
    return moved;
  }

  /** Rule 5: k-confirmation finality, and a visible event when a reorg reverts confirmed blocks. */
  protected onHeadChanged(change: HeadChange): void {
    const chain = this.ledger.chain;
    const reverted = change.removed.filter((gone) => gone.height <= this.confirmedHeight);
    if (reverted.length > 0) {
      const heights = reverted.map((b) => b.height);
      this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'confirmed-reverted', detail: `a reorg of depth ${change.removed.length} reverted ${reverted.length} block(s) with ${this.params.confirmations} confirmations (heights ${Math.min(...heights)}-${Math.max(...heights)})` });
    }
    const confirmed = Math.max(chain.finalizedHeight, chain.headHeight - this.params.confirmations);
    if (confirmed > chain.finalizedHeight) {
      chain.setFinalized(confirmed);
      this.ctx.trace({ type: 'block.finalize', node: this.ctx.id, height: confirmed, hash: chain.canonicalAt(confirmed)!.block.hash });
    }
    this.confirmedHeight = chain.finalizedHeight;
    if (!this.privateMining()) this.restartMining(); // private strategies restart after deciding
  }

  // ---- Byzantine behaviours -----------------------------------------------------------------

  override setByzantine(behaviour: string | undefined): void {
    if (this.privateMining() && this.privateTip && compareWork(chainWorkOf(this.privateTip.block), chainWorkOf(this.ledger.chain.head().block)) > 0) {
      this.publishUpTo(this.privateTip.height, 'released on leaving private mining'); // withhold's big reveal
    }
    super.setByzantine(behaviour);
    this.plan = undefined;
    this.privateBranchLen = 0;
    this.privateTip = behaviour === 'selfish' || behaviour === 'withhold' ? this.ledger.chain.head() : undefined;
    this.restartMining();
  }

  /** Arm the double-spend race (behaviour 'double-spend' must be on). */
  prepareDoubleSpend(plan: DoubleSpendPlan): void {
    invariant(this.behaviour === 'double-spend', 'prepareDoubleSpend needs the double-spend behaviour');
    invariant(plan.payment.body.from === plan.conflict.body.from && plan.payment.body.nonce === plan.conflict.body.nonce && plan.payment.hash !== plan.conflict.hash, 'the payment and the conflicting spend must use the same sender and nonce');
    invariant(Number.isSafeInteger(plan.confirmations) && plan.confirmations >= 0 && Number.isSafeInteger(plan.giveUpBehind) && plan.giveUpBehind >= 1, 'confirmations >= 0 and giveUpBehind >= 1');
    this.plan = { ...plan, phase: 'premine', forkHeight: this.ledger.chain.headHeight };
    this.privateTip = this.ledger.chain.head();
    this.privateBranchLen = 0;
    this.restartMining();
  }

  /** This node mined a block it keeps private. */
  private onPrivateBlock(stored: StoredBlock): void {
    const behaviour = this.behaviour as PrivateBehaviour;
    const publicHeight = this.ledger.chain.headHeight;
    const deltaPrev = this.privateTip!.height - publicHeight;
    this.privateTip = stored;
    this.privateBranchLen++;
    if (behaviour === 'selfish' && deltaPrev === 0 && this.privateBranchLen === 2) {
      this.publishUpTo(stored.height, 'selfish: won the tie race with a lead of one');
      this.privateBranchLen = 0;
    }
    if (behaviour === 'withhold') this.releaseIfConfirmedBlocksFall();
    if (behaviour === 'double-spend') this.advanceAttack();
    this.restartMining();
  }

  /** withhold: release the branch once it is heavier and replaces a block honest nodes have k-confirmed. */
  private releaseIfConfirmedBlocksFall(): void {
    const tip = this.privateTip!;
    const head = this.ledger.chain.head();
    if (compareWork(chainWorkOf(tip.block), chainWorkOf(head.block)) <= 0) return;
    let fork: StoredBlock | undefined = tip;
    while (fork && this.unpublished.has(fork.block.hash)) fork = this.ledger.chain.parentOf(fork);
    if (!fork || head.height - fork.height <= this.params.confirmations) return;
    this.publishUpTo(tip.height, `withhold: the branch is heavier and the public chain has ${head.height - fork.height} blocks since the fork`);
  }

  /** The public chain's head moved (someone else's block, or a published one of ours). */
  private onPublicHeadMoved(before: StoredBlock): void {
    const head = this.ledger.chain.head();
    const behaviour = this.behaviour as PrivateBehaviour;
    if (behaviour === 'withhold') {
      if (compareWork(chainWorkOf(head.block), chainWorkOf(this.privateTip!.block)) > 0) this.privateTip = head;
      else this.releaseIfConfirmedBlocksFall();
    } else if (behaviour === 'selfish' && head.height > before.height) {
      // Eyal & Sirer, "on others found a block".
      const deltaPrev = this.privateTip!.height - before.height;
      if (deltaPrev <= 0) {
        this.privateTip = head; // they win
        this.privateBranchLen = 0;
      } else if (deltaPrev === 1) {
        this.publishUpTo(this.privateTip!.height, 'selfish: same length now, try our luck');
      } else if (deltaPrev === 2) {
        this.publishUpTo(this.privateTip!.height, 'selfish: publish all, win by one');
        this.privateBranchLen = 0;
      } else {
        this.publishUpTo(head.height, 'selfish: publish the first unpublished block');
      }
    } else if (behaviour === 'double-spend') {
      this.advanceAttack();
    }
    this.restartMining();
  }

  /** The double-spend race (whitepaper §11 with a pre-mined block, as in Rosenfeld 2012). */
  private advanceAttack(): void {
    const plan = this.plan;
    const tip = this.privateTip;
    if (!plan || !tip) return;
    const head = this.ledger.chain.head();
    if (plan.phase === 'premine') {
      if (this.unpublished.has(tip.block.hash) && tip.block.header.parentHash === head.block.hash) {
        // One private block with the conflicting spend on the current public tip: pay now.
        plan.phase = 'race';
        plan.forkHeight = head.height;
        this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'attack-start', detail: `private block ${short(tip.block.hash)} holds the conflicting spend; payment ${short(plan.payment.hash)} broadcast; merchant waits for ${plan.confirmations} confirmation(s)` });
        this.ctx.broadcast({ type: 'tx', tx: plan.payment });
      } else {
        if (compareWork(chainWorkOf(head.block), chainWorkOf(tip.block)) >= 0) this.privateTip = head; // the honest chain moved first: start over on it
        return;
      }
    }
    if (plan.phase !== 'race') return;
    const confirmations = this.confirmationsOf(plan.payment.hash, head, plan.forkHeight);
    if (confirmations >= plan.confirmations && compareWork(chainWorkOf(tip.block), chainWorkOf(head.block)) > 0) {
      plan.phase = 'published';
      this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'attack-publish', detail: `private branch of ${tip.height - plan.forkHeight} block(s) beats the public ${head.height - plan.forkHeight} after the payment had ${confirmations} confirmation(s)` });
      this.publishUpTo(tip.height, 'double-spend: the private branch is heavier');
      this.privateTip = undefined;
    } else if (head.height - tip.height >= plan.giveUpBehind) {
      plan.phase = 'abandoned';
      this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'attack-abandon', detail: `the public chain is ${head.height - tip.height} blocks ahead of the private branch (give up at ${plan.giveUpBehind})` });
      this.privateTip = undefined;
    }
  }

  /** Depth of a transaction on the public chain, counting its own block as 1 (0: not on it). */
  private confirmationsOf(tx: Hash, head: StoredBlock, aboveHeight: number): number {
    for (let stored: StoredBlock | undefined = head; stored && stored.height > aboveHeight; stored = this.ledger.chain.parentOf(stored)) {
      if (stored.block.txs.some((t) => t.hash === tx)) return head.height - stored.height + 1;
    }
    return 0;
  }

  /** Broadcast the unpublished blocks of the private branch up to `height`, oldest first. */
  private publishUpTo(height: number, why: string): void {
    const branch: StoredBlock[] = [];
    for (let stored = this.privateTip; stored && this.unpublished.has(stored.block.hash); stored = this.ledger.chain.parentOf(stored)) {
      if (stored.height <= height) branch.push(stored);
    }
    if (branch.length === 0) return;
    branch.reverse();
    this.ctx.trace({ type: 'consensus', node: this.ctx.id, protocol: 'pow', what: 'publish', detail: `${why}: ${branch.length} block(s), heights ${branch[0]!.height}-${branch[branch.length - 1]!.height}` });
    for (const stored of branch) {
      this.unpublished.delete(stored.block.hash);
      this.ctx.broadcast({ type: 'block', block: stored.block });
    }
    for (const stored of branch) super.considerHead(stored); // now public: our own view may switch to it
  }
}

export const pow: ProtocolDefinition = {
  name: 'pow',
  byzantineBehaviours: {
    selfish: 'Selfish mining (Eyal & Sirer 2014): mines on a private branch and releases blocks strategically, so honest blocks are orphaned and it earns more than its hash share.',
    withhold: 'The majority attack on confirmations: mines a private branch and releases it all at once when it is heavier and the public chain has confirmed (k deep) a block it replaces.',
    'double-spend': 'The whitepaper §11 attacker: pre-mines a block with a conflicting spend, then pays the merchant, races privately, and publishes once the merchant has its confirmations and the branch is heavier (mines honestly until armed with a payment).',
  },
  // Safety holds while honest miners have more than half of the hash power: with the default equal
  // shares, the largest number of nodes whose combined share stays below one half.
  tolerance: (n) => Math.floor((n - 1) / 2),
  genesisConsensus(_authorities, blockPeriodMs) {
    // D0 and the hash shares are chain parameters (NetworkOptions.protocolParams), like Bitcoin's genesis nBits.
    return { protocol: 'pow', chainWork: '0', targetBlockMs: blockPeriodMs };
  },
  create: (ctx, setup) => new PowNode(ctx, setup),
};
