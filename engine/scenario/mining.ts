/**
 * Proof-of-work in stories (SCENARIOS.md story 8, the digital currency primer): coins created by
 * the block-reward rule and paid to the actors who run mining nodes, waiting for confirmations,
 * a height or a fork, the double-spend race against a merchant, and the checks and
 * plain-language lines that go with them. The player (player.ts) calls in here; everything is
 * a function of the network and the scenario, so replaying a story gives the same records.
 */
import { LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import { deriveKeyPair, type Address } from '../core/keys.ts';
import type { Network } from '../api/network.ts';
import { blockSubsidy, issuedUpTo, PowNode, rewardOf } from '../consensus/pow.ts';
import type { ProtocolName, ProtocolParam } from '../consensus/protocol.ts';
import { giveUpBehind } from '../experiments/double-spend.ts';
import type { StoredBlock } from '../ledger/chain.ts';
import type { LedgerState } from '../ledger/state.ts';
import { signTx } from '../ledger/tx.ts';
import type { Block } from '../ledger/types.ts';
import type { NodeId, TraceEvent } from '../sim/events.ts';
import type { Scenario, ScenarioAction, ScenarioExpect } from './format.ts';
import type { CheckResult, TxRecord } from './player.ts';

/** How long (simulated) a wait for a height, confirmations or a fork may run. */
const CHAIN_WAIT_LIMIT_MS = 300_000;
/** How long a double-spend attempt may run: the attacker may need many tries to get its secret block. */
const ATTACK_LIMIT_MS = 600_000;
/** After the attacker publishes, how deep the payment or the conflicting spend must be before the story says who won. */
const SETTLE_DEPTH = 3;

type DoubleSpendAction = Extract<ScenarioAction, { doubleSpend: unknown }>['doubleSpend'];
type ChainWait = Exclude<Extract<ScenarioAction, { wait: unknown }>['wait'], { ms: number } | { blocks: number }>;
export type CurrencyCheck = Extract<ScenarioExpect, { supply: unknown } | { reward: unknown } | { forks: unknown } | { confirmations: unknown } | { doubleSpend: unknown }>;

/** What happened in a double-spend attempt, kept on the payment's record. */
export interface DoubleSpendOutcome {
  attacker: string;
  merchant: string;
  /** Who the conflicting spend paid instead. */
  instead: string;
  amount: number;
  attackerNode: NodeId;
  /** The node whose view stands for the merchant's. */
  merchantNode: NodeId;
  /** Confirmations the merchant waited for before handing over the goods. */
  confirmations: number;
  /** When the attacker had its secret block and paid (simulated ms). */
  paidAtMs?: number;
  /** When the merchant handed over the goods, and the block the payment was in then (none at 0 confirmations). */
  acceptedAtMs?: number;
  acceptedInBlock?: number;
  /** When the attacker released its secret branch, or gave up. */
  publishedAtMs?: number;
  abandonedAtMs?: number;
  /** Blocks the attacker mined in secret: those that ended on the chain, and those that never did. */
  secretBlocksKept: number;
  secretBlocksLost: number;
  /** The merchant handed over the goods and the payment is no longer on the chain: the coins went to `instead`. */
  succeeded: boolean;
  /** Why the attempt never started (the attacker could not pay), if it did not. */
  refused?: string;
}

// ---- network set-up ------------------------------------------------------------------------

/** Why a story can only run on proof-of-work, if it can. */
export function powOnlyReason(scenario: Scenario): string | undefined {
  if (scenario.network.mining) return 'creates coins by mining (network.mining)';
  if (scenario.steps.some((step) => step.actions?.some((action) => 'doubleSpend' in action))) return 'has a double-spend race (doubleSpend)';
  return undefined;
}

/**
 * The proof-of-work parameters of the story's mining (pow.ts rule 7): the block reward, its
 * halving, the hash shares, and each mining node's payout address (the actor who runs it).
 */
export function miningNetworkOptions(scenario: Scenario, protocol: ProtocolName, seed: number): { protocolParams?: Record<string, ProtocolParam> } {
  const reason = powOnlyReason(scenario);
  if (reason && protocol !== 'pow') {
    throw new LedgerlabError('scenario-needs-pow', `this story ${reason}, which only proof-of-work has, so it cannot run on ${protocol}.`, 'Run it with --protocol pow, or without --protocol.');
  }
  const mining = scenario.network.mining;
  if (!mining || protocol !== 'pow') return {};
  const payouts = Array.from({ length: scenario.network.nodes }, (_, node) => {
    const owner = scenario.actors.find((a) => a.node === node);
    // The same key the Network derives for the actor (api/network.ts addActor): rewards go to the actor's own wallet.
    return owner ? deriveKeyPair(seed, `actor:${owner.id}`).address : '';
  });
  return {
    protocolParams: {
      blockReward: mining.reward,
      halvingInterval: mining.halvingEvery ?? 0,
      payouts,
      ...(mining.hashShares ? { hashShares: mining.hashShares } : {}),
    },
  };
}

// ---- reading the chain -----------------------------------------------------------------------

/** The node whose head the story's checks read: the first live one (as ScenarioPlayer.state()). */
function viewNode(net: Network, except?: NodeId): NodeId {
  return net.status().find((s) => s.alive && s.node !== except)?.node ?? 0;
}

/** Depth of a transaction on a node's chain, its own block counting 1; 0 if it is not on it. */
export function confirmationsOf(net: Network, tx: Hash, node: NodeId): { confirmations: number; height?: number } {
  const found = net.receiptOf(tx, node);
  return found ? { confirmations: net.chainOf(node).headHeight - found.height + 1, height: found.height } : { confirmations: 0 };
}

/** Every coin in every account (people, organisations, devices and contracts). */
export function supplyOf(state: LedgerState): number {
  return state.accounts().reduce((sum, account) => sum + account.balance, 0);
}

function ruleOf(scenario: Scenario): { reward: number; halvingEvery: number } {
  return { reward: scenario.network.mining?.reward ?? 0, halvingEvery: scenario.network.mining?.halvingEvery ?? 0 };
}

/** Display names: actors by id and by address, nodes by who runs them. */
class Names {
  private readonly byAddress = new Map<Address, string>();

  constructor(
    private readonly net: Network,
    private readonly scenario: Scenario,
  ) {
    for (const actor of scenario.actors) this.byAddress.set(net.addressOf(actor.id), actor.name);
  }

  actor(id: string): string {
    return this.scenario.actors.find((a) => a.id === id)?.name ?? id;
  }

  node(node: NodeId): string {
    const owner = this.scenario.actors.find((a) => a.node === node);
    return owner ? `${owner.name}'s node` : `node ${node}`;
  }

  /** Who mined a block: the actor its reward went to, else the node whose key proposed it. */
  minerOf(block: Block): string {
    const reward = rewardOf(block.header);
    const paid = reward && this.byAddress.get(reward.to);
    const node = this.net.nodeKeys.findIndex((k) => k.address === block.header.proposer);
    if (node >= 0) return this.node(node);
    return paid ? `${paid}'s node` : 'an unknown miner';
  }
}

// ---- waits ----------------------------------------------------------------------------------

/** Heads of the live nodes, as one string: the waits look at the chains only when it changes. */
function headsKey(net: Network): string {
  let key = '';
  for (let node = 0; node < net.nodeCount; node++) key += net.sim.isAlive(node) ? net.chainOf(node).head().block.hash.slice(0, 12) : '-';
  return key;
}

function liveNodesAgree(net: Network): boolean {
  const heads = new Set(net.status().filter((s) => s.alive).map((s) => s.headHash));
  return heads.size <= 1;
}

/**
 * wait: { height }, { confirmations, tx } or { forks }. Each runs until it holds or the time
 * limit passes; a check then says what was reached.
 */
export function waitOnChain(net: Network, wait: ChainWait, txs: ReadonlyMap<string, TxRecord>): void {
  const limits = { maxTimeMs: net.now + CHAIN_WAIT_LIMIT_MS };
  if ('height' in wait) {
    net.runUntilHeight(wait.height, limits);
    return;
  }
  if ('confirmations' in wait) {
    const record = txs.get(wait.tx);
    if (!record || (record.status !== 'pending' && record.height === undefined)) return; // rejected: nothing to wait for
    let heads = '';
    let done = false;
    net.runUntil(() => {
      const now = headsKey(net);
      if (now !== heads) {
        heads = now;
        done = net.status().every((s) => !s.alive || confirmationsOf(net, record.hash, s.node).confirmations >= wait.confirmations);
      }
      return done;
    }, limits);
    return;
  }
  // Forks: count blocks that left some node's chain, then let every node settle on one head.
  const orphaned = new Set<Hash>();
  const unsubscribe = net.trace.subscribe((event) => {
    if (event.type === 'block.orphan') orphaned.add(event.hash);
  });
  try {
    net.runUntil(() => orphaned.size >= wait.forks && liveNodesAgree(net), limits);
  } finally {
    unsubscribe();
  }
}

// ---- the double spend -------------------------------------------------------------------------

/**
 * The whitepaper §11 race against a merchant (engine/experiments/double-spend.ts runs it
 * hundreds of times; here it runs once, in the story's network). The attacker's mining node
 * mines in secret a block that sends the coins elsewhere ("instead"); once it has that block it
 * pays the merchant. The merchant hands over the goods after `confirmations` blocks; the
 * attacker publishes its branch if it is then longer, or gives up when it falls too far behind.
 * Returns the payment's record (with the outcome) and the conflicting spend's.
 */
export function playDoubleSpend(net: Network, scenario: Scenario, action: DoubleSpendAction): TxRecord[] {
  const { by, miner, to, amount, confirmations, as, conflictAs } = action;
  const instead = action.instead ?? by;
  if (net.protocol !== 'pow') throw new LedgerlabError('scenario-needs-pow', `a double spend races miners, so it needs proof-of-work (this run is ${net.protocol}).`, 'Run the story with --protocol pow.');
  if (miner >= net.nodeCount) throw new LedgerlabError('scenario-bad-node', `there is no node ${miner}: nodes are numbered 0 to ${net.nodeCount - 1}.`);
  if (instead === to) throw new LedgerlabError('scenario-bad-double-spend', `the conflicting spend must pay someone other than the merchant "${to}".`, 'Set instead: to the attacker or an accomplice.');
  const attacker = net.node(miner);
  if (!(attacker instanceof PowNode)) throw new LedgerlabError('scenario-bad-double-spend', `node ${miner} is crashed, so it cannot mine the attacker's secret block.`, 'Restart it first, or choose another node.');
  const share = attacker.hashShare();
  if (share <= 0) throw new LedgerlabError('scenario-bad-double-spend', `node ${miner} does not mine (its hash share is 0), so it can never find the secret block a double spend needs.`, 'Give it a share in network.mining.hashShares.');
  const merchantOwn = scenario.actors.find((a) => a.id === to)?.node;
  const merchantNode = merchantOwn !== undefined && merchantOwn !== miner && net.sim.isAlive(merchantOwn) ? merchantOwn : viewNode(net, miner);
  const payer = net.actor(by);
  // The payment and the conflicting spend: same sender, same nonce, so only one can ever be in the chain.
  const nonce = payer.nextNonce;
  const spend = (dest: string) => signTx(payer.key, { chainId: net.chainId, nonce, payload: { type: 'transfer', to: net.addressOf(dest), amount } });
  const payment = spend(to);
  const conflict = spend(instead);
  const outcome: DoubleSpendOutcome = { attacker: by, merchant: to, instead, amount, attackerNode: miner, merchantNode, confirmations, secretBlocksKept: 0, secretBlocksLost: 0, succeeded: false };
  const holds = net.chainOf(merchantNode).head().state.balanceOf(payer.key.address);
  if (holds < amount) {
    // Luck decides who holds coins by now (another seed, another story): a failed attempt, not a broken file.
    outcome.refused = `${new Names(net, scenario).actor(by)} holds ${holds} coins, not enough to pay ${amount}, so the attempt never started.`;
    return [
      { ...(as ? { name: as } : {}), kind: 'transfer', by, hash: payment.hash, status: 'rejected', rejection: outcome.refused, doubleSpend: outcome },
      { ...(conflictAs ? { name: conflictAs } : {}), kind: 'transfer', by, hash: conflict.hash, status: 'rejected', rejection: 'never sent: the attempt never started' },
    ];
  }
  payer.nextNonce++;
  const secret = new Set<Hash>();
  let lastProposed: Hash | undefined;
  const merchantChain = () => net.chainOf(merchantNode);
  const unsubscribe = net.trace.subscribe((event: TraceEvent) => {
    if (event.type === 'block.propose' && event.node === miner) lastProposed = event.hash;
    else if (event.type === 'consensus' && event.node === miner) {
      if (event.what === 'mined-private' && lastProposed) secret.add(lastProposed);
      else if (event.what === 'attack-start') {
        outcome.paidAtMs = event.t;
        if (confirmations === 0) outcome.acceptedAtMs = event.t; // handed over on sight of the payment
      } else if (event.what === 'attack-publish') outcome.publishedAtMs = event.t;
      else if (event.what === 'attack-abandon') outcome.abandonedAtMs = event.t;
    } else if (event.type === 'block.head' && event.node === merchantNode && confirmations > 0 && outcome.acceptedAtMs === undefined && outcome.paidAtMs !== undefined) {
      const depth = confirmationsOf(net, payment.hash, merchantNode);
      if (depth.confirmations >= confirmations) {
        outcome.acceptedAtMs = event.t;
        outcome.acceptedInBlock = depth.height!;
      }
    }
  });
  const behaviourBefore = net.byzantine().get(miner);
  try {
    net.makeByzantine(miner, 'double-spend');
    attacker.prepareDoubleSpend({ payment, conflict, confirmations, giveUpBehind: giveUpBehind(Math.min(share, 0.49)) });
    // Once the branch is out, a tie with an honest block can still go either way: the story's
    // verdict waits until every node agrees and the payment or its rival is SETTLE_DEPTH deep.
    let heads = '';
    let settled = false;
    net.runUntil(() => {
      if (outcome.abandonedAtMs !== undefined) return true;
      if (outcome.publishedAtMs === undefined) return false;
      const now = headsKey(net);
      if (now !== heads) {
        heads = now;
        const deepest = Math.max(confirmationsOf(net, payment.hash, merchantNode).confirmations, confirmationsOf(net, conflict.hash, merchantNode).confirmations);
        settled = liveNodesAgree(net) && deepest >= SETTLE_DEPTH;
      }
      return settled;
    }, { maxTimeMs: net.now + ATTACK_LIMIT_MS });
    net.makeByzantine(miner, behaviourBefore); // the attempt is over: the node mines as before
  } finally {
    unsubscribe();
  }

  const chain = merchantChain();
  for (const hash of secret) {
    if (chain.isCanonical(hash)) outcome.secretBlocksKept++;
    else outcome.secretBlocksLost++;
  }
  const paid = net.receiptOf(payment.hash, merchantNode);
  const replaced = net.receiptOf(conflict.hash, merchantNode);
  outcome.succeeded = outcome.acceptedAtMs !== undefined && !paid && replaced !== undefined;
  const names = new Names(net, scenario);
  const record = (tx: typeof payment, name: string | undefined, found: typeof paid, missing: string): TxRecord => ({
    ...(name ? { name } : {}),
    kind: 'transfer',
    by,
    hash: tx.hash,
    status: found ? found.receipt.status : 'rejected',
    ...(found ? { height: found.height, receipt: found.receipt } : { rejection: missing }),
  });
  const paymentRecord: TxRecord = {
    ...record(payment, as, paid, replaced ? `double-spent: a block the attacker mined in secret, which the network accepted, sends the same coins to ${names.actor(instead)}` : 'never included in the chain'),
    doubleSpend: outcome,
  };
  const conflictRecord = record(conflict, conflictAs, replaced, 'kept in the attacker\'s secret branch, which was never part of the chain');
  return [paymentRecord, conflictRecord];
}

// ---- checks -----------------------------------------------------------------------------------

function bounds(value: number, spec: { equals?: number | undefined; atLeast?: number | undefined; atMost?: number | undefined }): { passed: boolean; want: string } {
  const passed = (spec.equals === undefined || value === spec.equals) && (spec.atLeast === undefined || value >= spec.atLeast) && (spec.atMost === undefined || value <= spec.atMost);
  const want = [spec.equals !== undefined ? `= ${spec.equals}` : '', spec.atLeast !== undefined ? `≥ ${spec.atLeast}` : '', spec.atMost !== undefined ? `≤ ${spec.atMost}` : ''].filter(Boolean).join(' and ');
  return { passed, want };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Blocks orphaned among these trace events: they left some node's chain and are not on the story's view of it. */
function orphansIn(net: Network, events: readonly TraceEvent[]): StoredBlock[] {
  const view = net.chainOf(viewNode(net));
  const seen = new Map<Hash, StoredBlock>();
  for (const event of events) {
    if (event.type !== 'block.orphan' || seen.has(event.hash) || view.isCanonical(event.hash)) continue;
    const stored = net.chainOf(event.node).get(event.hash);
    if (stored) seen.set(event.hash, stored);
  }
  return [...seen.values()];
}

/** supply, reward, forks, confirmations and doubleSpend checks. */
export function checkCurrency(net: Network, scenario: Scenario, check: CurrencyCheck, txs: ReadonlyMap<string, TxRecord>, stepEvents: readonly TraceEvent[]): CheckResult {
  const node = viewNode(net);
  const chain = net.chainOf(node);
  const { reward, halvingEvery } = ruleOf(scenario);
  const halving = halvingEvery > 0 ? `, halved every ${halvingEvery} blocks` : '';
  if ('supply' in check) {
    const spec = check.supply;
    const supply = supplyOf(chain.head().state);
    const atStart = supplyOf(net.genesis.state);
    const issued = issuedUpTo(chain.headHeight, reward, halvingEvery);
    const { passed: inBounds, want } = bounds(supply, spec);
    const byRule = spec.byRule !== true || supply === atStart + issued;
    const what = [want ? `coins in circulation ${want}` : '', spec.byRule ? 'every coin in circulation came from the issuance rule' : ''].filter(Boolean).join(', and ');
    const source = reward > 0 ? `${atStart} at the start + ${issued} created by ${plural(chain.headHeight, 'block')} (${reward} per block${halving})` : `${atStart} at the start, and this chain creates none`;
    return { check: what, passed: inBounds && byRule, detail: `${supply} coins at height ${chain.headHeight}; the rule allows ${atStart + issued}: ${source}` };
  }
  if ('reward' in check) {
    const next = chain.headHeight + 1;
    const now = blockSubsidy(next, reward, halvingEvery);
    return { check: `each new block creates ${check.reward.equals} coins`, passed: now === check.reward.equals, detail: `the rule gives ${now} for block ${next} (${reward} per block${halving})` };
  }
  if ('forks' in check) {
    const orphans = orphansIn(net, stepEvents);
    const { passed, want } = bounds(orphans.length, check.forks);
    const names = new Names(net, scenario);
    return {
      check: `the number of competing blocks orphaned in this step ${want}`,
      passed,
      detail: orphans.length === 0 ? 'no block was orphaned in this step' : `orphaned: ${orphans.map((b) => `block ${b.height} from ${names.minerOf(b.block)}`).join(', ')}`,
    };
  }
  if ('confirmations' in check) {
    const { tx, atLeast } = check.confirmations;
    const record = txs.get(tx);
    const depth = record ? confirmationsOf(net, record.hash, node) : { confirmations: 0 };
    return {
      check: `"${tx}" has at least ${plural(atLeast, 'confirmation')}`,
      passed: depth.confirmations >= atLeast,
      detail: depth.height !== undefined ? `it is in block ${depth.height}, with ${plural(depth.confirmations, 'confirmation')} on node ${node}` : `it is not on node ${node}'s chain (${record?.status ?? 'unknown'}${record?.rejection ? `: ${record.rejection}` : ''})`,
    };
  }
  const { tx, succeeded } = check.doubleSpend;
  const outcome = txs.get(tx)?.doubleSpend;
  return {
    check: `the double spend against "${tx}" ${succeeded ? 'succeeded' : 'failed'}`,
    passed: outcome !== undefined && outcome.succeeded === succeeded,
    detail: outcome ? describeDoubleSpend(new Names(net, scenario), outcome).join(' ') : `"${tx}" was not made with doubleSpend`,
  };
}

// ---- plain-language lines ---------------------------------------------------------------------

function describeDoubleSpend(names: Names, o: DoubleSpendOutcome): string[] {
  const attacker = names.actor(o.attacker);
  const merchant = names.actor(o.merchant);
  const instead = o.instead === o.attacker ? `${attacker}'s own wallet` : names.actor(o.instead);
  const lines: string[] = [];
  if (o.refused) return [o.refused];
  if (o.paidAtMs === undefined) return [`${names.node(o.attackerNode)} never found the secret block it needed, so ${attacker} never paid ${merchant}.`];
  lines.push(`${names.node(o.attackerNode)} mined, in secret, a block that sends ${o.amount} coins to ${instead}; only then, at ${seconds(o.paidAtMs)}, did ${attacker} pay ${merchant} the same ${o.amount} coins.`);
  if (o.acceptedAtMs === undefined) lines.push(`${merchant} never saw ${plural(o.confirmations, 'confirmation')} and kept the goods.`);
  else if (o.confirmations === 0) lines.push(`${merchant} handed over the goods as soon as the payment was announced, without waiting for a confirmation.`);
  else lines.push(`${merchant} waited until the payment's block (${o.acceptedInBlock}) had ${plural(o.confirmations, 'confirmation')}, at ${seconds(o.acceptedAtMs)}, then handed over the goods.`);
  if (o.publishedAtMs !== undefined && o.succeeded) {
    lines.push(`At ${seconds(o.publishedAtMs)} ${names.node(o.attackerNode)} published its secret branch (${plural(o.secretBlocksKept, 'block')}), longer than the public chain, and every node switched to it: the payment to ${merchant} vanished and the coins went to ${instead} instead.`);
  } else if (o.publishedAtMs !== undefined) {
    lines.push(`At ${seconds(o.publishedAtMs)} ${names.node(o.attackerNode)} published its secret branch, but the payment to ${merchant} still stands.`);
  } else if (o.abandonedAtMs !== undefined) {
    lines.push(`${names.node(o.attackerNode)} fell too far behind the honest miners and gave up at ${seconds(o.abandonedAtMs)}: its ${plural(o.secretBlocksLost, 'secret block')}, and their rewards, never became part of the record. The payment to ${merchant} stands.`);
  } else lines.push(`The race had not ended after ${seconds(ATTACK_LIMIT_MS)} of simulated time.`);
  return lines;
}

/**
 * What the step did to the chain, in words: blocks mined and who mined them, the coins they
 * created, forks and what the losing miner lost, and any double-spend attempt. Only for stories
 * with mining or a double spend; others keep their records as they were.
 */
export function describeChain(net: Network, scenario: Scenario, events: readonly TraceEvent[], transactions: readonly TxRecord[]): string[] {
  const attempts = transactions.map((t) => t.doubleSpend).filter((o): o is DoubleSpendOutcome => o !== undefined);
  if (!scenario.network.mining && attempts.length === 0) return [];
  const names = new Names(net, scenario);
  const chain = net.chainOf(viewNode(net));
  const lines: string[] = [];
  const mined = new Map<Hash, StoredBlock>();
  for (const event of events) {
    if (event.type !== 'block.propose' || !chain.isCanonical(event.hash)) continue;
    const stored = chain.get(event.hash);
    if (stored) mined.set(event.hash, stored);
  }
  if (mined.size > 0) {
    const blocks = [...mined.values()].sort((a, b) => a.height - b.height);
    const byMiner = new Map<string, number>();
    for (const b of blocks) byMiner.set(names.minerOf(b.block), (byMiner.get(names.minerOf(b.block)) ?? 0) + 1);
    const who = [...byMiner].map(([miner, n]) => `${n} from ${miner}`).join(', ');
    const range = blocks.length === 1 ? `block ${blocks[0]!.height}` : `blocks ${blocks[0]!.height}–${blocks[blocks.length - 1]!.height}`;
    let line = `${plural(blocks.length, 'new block')} joined the chain (${range}): ${who}.`;
    const rewards = blocks.map((b) => rewardOf(b.block.header)?.amount ?? 0);
    const created = rewards.reduce((sum, r) => sum + r, 0);
    if (created > 0) {
      const changed = blocks.findIndex((_, i) => i > 0 && rewards[i] !== rewards[i - 1]);
      line += changed > 0
        ? ` Together they created ${created} new coins for their miners; the reward per block halved from ${rewards[changed - 1]} to ${rewards[changed]} at block ${blocks[changed]!.height}.`
        : ` Each created ${rewards[0]} new coins for its miner, ${created} in all.`;
    }
    lines.push(line);
  }
  for (const orphan of orphansIn(net, events)) {
    const winner = chain.canonicalAt(orphan.height);
    const lost = rewardOf(orphan.block.header)?.amount ?? 0;
    if (attempts.some((o) => o.publishedAtMs !== undefined)) continue; // told with the double spend
    lines.push(
      `Two blocks were found for height ${orphan.height} at almost the same moment, by ${names.minerOf(orphan.block)} and ${winner ? names.minerOf(winner.block) : 'another miner'}. ` +
        `For a moment the nodes disagreed; once the next block was built on the other one, every node followed the longer branch and the block from ${names.minerOf(orphan.block)} was orphaned${lost > 0 ? `, taking its ${lost}-coin reward with it` : ''}.`,
    );
  }
  for (const attempt of attempts) lines.push(...describeDoubleSpend(names, attempt));
  return lines;
}
