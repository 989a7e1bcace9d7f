/**
 * The double-spend race of the Bitcoin whitepaper §11, measured in the proof-of-work simulator
 * and set against the paper's AttackerSuccessProbability (notes/consensus.md §4).
 *
 The races run in a small PoW network (engine/consensus/pow.ts, Poisson mining, no retargeting,
 * 10-minute blocks, 10 ms links): two honest miners sharing 1 − q of the hash power, the
 * merchant's node (a full node that does not mine), and the attacker with share q, running the
 * 'double-spend' behaviour. Each trial:
 * 1. The attacker mines privately on the public tip, its block holding a conflicting spend of the
 *    coins it will pay with (same sender and nonce, to an accomplice). If an honest block comes
 *    first it starts again on it. With one private block on the current tip, it broadcasts the
 *    payment. This one-block head start is what makes the paper's formula describe a real node:
 *    Nakamoto counts *catching up* as success, but a node with first-seen tie-breaks only switches
 *    to a strictly heavier chain; with the pre-mined block, catching up the honest count is exactly
 *    getting one block ahead of it (Rosenfeld 2012 makes the same assumption).
 * 2. The merchant accepts once the payment's block has z confirmations on its node (the block
 *    itself is the first; z = 0: on sight of the payment).
 * 3. The attacker publishes its branch as soon as the payment has z confirmations on the public
 *    chain and its branch has more work; the merchant's node then reorganises and the payment is
 *    gone: a success, counted only if the merchant had accepted before. The attacker gives up when
 *    the public chain is G blocks ahead of its branch, G the smallest integer >= 6 with
 *    (q/p)^G < 10^-4 (q = 0.1: 6; q = 0.3: 11; q = 0.45: 46): catching up from G behind has
 *    probability (q/p)^G, far below what the trial counts can resolve.
 *
 * The simulated race is the exact one, so its success rate converges to Rosenfeld's
 * negative-binomial value (`exact`), not to Nakamoto's Poisson approximation (`analytic`); the two
 * differ by little for small z (q = 0.3, z = 6: 0.156 against 0.132), well inside a 95 % interval
 * at a few hundred trials. Both are printed.
 */
import { invariant, LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import { Prng } from '../core/prng.ts';
import { Network } from '../api/network.ts';
import type { PowNode } from '../consensus/pow.ts';
import type { ChainStore } from '../ledger/chain.ts';
import { signTx } from '../ledger/tx.ts';

/** Whitepaper §11, exactly as the published C code (Poisson approximation of the attacker's progress). */
export function attackerSuccessProbability(q: number, z: number): number {
  const p = 1.0 - q;
  const lambda = z * (q / p);
  let sum = 1.0;
  for (let k = 0; k <= z; k++) {
    let poisson = Math.exp(-lambda);
    for (let i = 1; i <= k; i++) poisson *= lambda / i;
    sum -= poisson * (1 - Math.pow(q / p, z - k));
  }
  return sum;
}

/**
 * The exact probability for the same race (Rosenfeld 2012, "Analysis of hashrate-based double
 * spending"): the attacker's blocks while the honest network finds z are negative-binomial.
 * r = 1 − Σ_{m=0}^{z} C(m+z−1, m) (p^z q^m − p^m q^z); 1 when q >= p or z = 0.
 */
export function exactAttackerSuccessProbability(q: number, z: number): number {
  const p = 1 - q;
  if (q >= p || z === 0) return 1;
  let sum = 0;
  let binomial = 1; // C(m+z−1, m) at m = 0
  for (let m = 0; m <= z; m++) {
    if (m > 0) binomial *= (m + z - 1) / m;
    sum += binomial * (Math.pow(p, z) * Math.pow(q, m) - Math.pow(p, m) * Math.pow(q, z));
  }
  return 1 - sum;
}

/** Wilson score interval for a binomial proportion (95 % by default). */
export function wilsonInterval(successes: number, trials: number, zScore = 1.959963984540054): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const phat = successes / trials;
  const z2 = zScore * zScore;
  const denominator = 1 + z2 / trials;
  const centre = (phat + z2 / (2 * trials)) / denominator;
  const half = (zScore * Math.sqrt((phat * (1 - phat)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Blocks behind at which the attacker gives up (see the top of this file). */
export function giveUpBehind(q: number): number {
  const ratio = q / (1 - q);
  return Math.min(500, Math.max(6, Math.floor(Math.log(1e-4) / Math.log(ratio)) + 1));
}

export interface DoubleSpendOptions {
  /** Attacker's share of the hash power, 0 < q < 0.5. */
  q: number;
  /** Confirmation counts to measure. */
  z: readonly number[];
  /** Trials per z. */
  trials: number;
  seed: number;
}

export interface DoubleSpendRow {
  q: number;
  z: number;
  trials: number;
  successes: number;
  /** successes / trials. */
  probability: number;
  /** 95 % Wilson interval of the measured probability. */
  ciLow: number;
  ciHigh: number;
  /** Whitepaper §11 (Nakamoto's AttackerSuccessProbability). */
  analytic: number;
  /** The exact race (Rosenfeld). */
  exact: number;
  /** Is the whitepaper value inside the interval? */
  analyticWithinCi: boolean;
  /** Trials stopped by the event bound before either side won (counted as failures; should be 0). */
  unresolved: number;
}

export type TrialOutcome = 'success' | 'failure' | 'unresolved';

const HONEST_MINERS = 2;
const MERCHANT = HONEST_MINERS;
const ATTACKER = HONEST_MINERS + 1;
const AMOUNT = 100;
const TRIAL_MAX_EVENTS = 500_000;
/** After publishing, how long the merchant's node has to receive the branch (links are 10 ms). */
const SETTLE_MS = 1_000;

export function validateDoubleSpendOptions(options: DoubleSpendOptions): void {
  const problems: string[] = [];
  if (!(options.q > 0 && options.q < 0.5)) problems.push(`q must be above 0 and below 0.5 (got ${options.q})`);
  if (options.z.length === 0 || !options.z.every((z) => Number.isSafeInteger(z) && z >= 0 && z <= 100)) problems.push('z must be whole numbers from 0 to 100');
  if (!Number.isSafeInteger(options.trials) || options.trials < 1 || options.trials > 1_000_000) problems.push(`trials must be a whole number from 1 to 1000000 (got ${options.trials})`);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) problems.push(`seed must be a non-negative integer (got ${options.seed})`);
  if (problems.length > 0) throw new LedgerlabError('bad-experiment-options', `Invalid double-spend options: ${problems.join('; ')}.`);
}

/** Depth of a transaction on a node's canonical chain above `floorHeight`, its own block counting 1 (0: absent). */
function confirmationsOn(chain: ChainStore, tx: Hash, floorHeight: number): number {
  for (let stored = chain.head(); stored.height > floorHeight; stored = chain.parentOf(stored)!) {
    if (stored.block.txs.some((t) => t.hash === tx)) return chain.headHeight - stored.height + 1;
  }
  return 0;
}

/**
 * The races of one row, back to back in one network. Mining is memoryless and every race starts
 * afresh from the current public tip with a new payment (the payer's next nonce), so the trials
 * are independent; one network per row saves building keys and genesis for every trial.
 */
export class DoubleSpendRace {
  readonly net: Network;
  private readonly attacker: PowNode;
  private readonly giveUp: number;
  private trials = 0;

  constructor(
    readonly q: number,
    readonly z: number,
    seed: number,
    capacity: number,
  ) {
    const honestShare = (1 - q) / HONEST_MINERS;
    this.net = new Network({
      protocol: 'pow',
      nodes: HONEST_MINERS + 2,
      seed,
      blockPeriodMs: 600_000,
      link: { latencyMs: 10, jitterMs: 0 },
      traceMessages: false,
      traceRetain: 256,
      actors: [{ name: 'payer', balance: AMOUNT * capacity }, { name: 'merchant' }, { name: 'accomplice' }],
      // No rebroadcast: the race of §11 is between chains, and the payments are handed to every node directly.
      protocolParams: { hashShares: [...Array.from({ length: HONEST_MINERS }, () => honestShare), 0, q], retargetInterval: 0, rebroadcastMs: 0 },
    });
    this.net.makeByzantine(ATTACKER, 'double-spend');
    this.attacker = this.net.node(ATTACKER) as PowNode;
    this.giveUp = giveUpBehind(q);
  }

  /** One race: does the merchant, having accepted after z confirmations, lose the payment? */
  run(): TrialOutcome {
    const net = this.net;
    const z = this.z;
    const payer = net.actor('payer').key;
    const accomplice = net.addressOf('accomplice');
    const nonce = this.trials++;
    const transfer = (to: string) => signTx(payer, { chainId: net.chainId, nonce, payload: { type: 'transfer', to, amount: AMOUNT } });
    const payment = transfer(net.addressOf('merchant'));
    const conflict = transfer(accomplice);
    const merchantChain = net.chainOf(MERCHANT);
    const floorHeight = merchantChain.headHeight;
    const accompliceBefore = merchantChain.head().state.balanceOf(accomplice);
    this.attacker.prepareDoubleSpend({ payment, conflict, confirmations: z, giveUpBehind: this.giveUp });

    let accepted = false;
    let outcome: TrialOutcome | undefined;
    let publishedAtMs: number | undefined;
    const unsubscribe = net.trace.subscribe((event) => {
      if (event.type === 'consensus' && event.node === ATTACKER) {
        if (event.what === 'attack-start' && z === 0) accepted = true; // zero confirmations: the merchant accepts on sight
        else if (event.what === 'attack-publish') publishedAtMs = event.t;
        else if (event.what === 'attack-abandon') outcome = 'failure';
      } else if (event.type === 'block.head' && event.node === MERCHANT) {
        if (!accepted && z > 0 && confirmationsOn(merchantChain, payment.hash, floorHeight) >= z) accepted = true;
        if (accepted && merchantChain.head().state.balanceOf(accomplice) >= accompliceBefore + AMOUNT) outcome = 'success';
      }
    });
    const result = net.sim.runUntil(() => outcome !== undefined || (publishedAtMs !== undefined && net.now > publishedAtMs + SETTLE_MS), { maxEvents: TRIAL_MAX_EVENTS });
    unsubscribe();
    if (outcome) return outcome;
    invariant(result.reason !== 'idle', `double-spend race (q ${this.q}, z ${z}, trial ${nonce}) ran out of events: the miners stopped`);
    return publishedAtMs !== undefined ? 'failure' : 'unresolved';
  }
}

/** The seed of the network that runs one row, from (experiment seed, q, z). */
export function rowSeed(seed: number, q: number, z: number): number {
  return Prng.stream(seed, `experiment/double-spend/q=${q}/z=${z}`).nextU32();
}

/** Measure every z in turn; `onRow` sees each row as soon as it is done. */
export function runDoubleSpendExperiment(options: DoubleSpendOptions, onRow?: (row: DoubleSpendRow) => void): DoubleSpendRow[] {
  validateDoubleSpendOptions(options);
  const rows: DoubleSpendRow[] = [];
  for (const z of options.z) {
    let successes = 0;
    let unresolved = 0;
    const race = new DoubleSpendRace(options.q, z, rowSeed(options.seed, options.q, z), options.trials);
    for (let trial = 0; trial < options.trials; trial++) {
      const outcome = race.run();
      if (outcome === 'success') successes++;
      else if (outcome === 'unresolved') unresolved++;
    }
    const ci = wilsonInterval(successes, options.trials);
    const analytic = attackerSuccessProbability(options.q, z);
    const row: DoubleSpendRow = {
      q: options.q,
      z,
      trials: options.trials,
      successes,
      probability: successes / options.trials,
      ciLow: ci.low,
      ciHigh: ci.high,
      analytic,
      exact: exactAttackerSuccessProbability(options.q, z),
      analyticWithinCi: analytic >= ci.low && analytic <= ci.high,
      unresolved,
    };
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}
