/**
 * The chain explorer: plain-data views over one node's block store (the fork tree, a block, a
 * transaction, an actor's audit trail) and the tamper demo. Pure functions over a {@link Network}:
 * the Web Worker, the CLI and tests call the same code. Every result is serialisable.
 *
 * People are named as the network knows them (actor names), nodes as "node-N", anything else by
 * its registered identity or a shortened address.
 */
import { LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import { verifyOnce } from '../core/keys.ts';
import { voteDigest } from '../consensus/bft.ts';
import { blockHash, checkBlockShape, txRootOf } from '../ledger/block.ts';
import type { StoredBlock } from '../ledger/chain.ts';
import { describeStateChanges, type NameOf } from '../ledger/describe.ts';
import { applyTx, type BlockEnv } from '../ledger/execute.ts';
import type { LedgerState } from '../ledger/state.ts';
import { Trie } from '../ledger/trie.ts';
import { deepFreeze, txHash } from '../ledger/tx.ts';
import type { Block, BlockHeader, Certificate, Receipt, SignedTx, TxBody } from '../ledger/types.ts';
import type { NodeId, TraceEvent } from '../sim/events.ts';
import type { Network } from './network.ts';

/** Heights the fork tree shows by default, and at most. */
export const TREE_HEIGHTS_DEFAULT = 40;
export const TREE_HEIGHTS_MAX = 400;
/** Audit-trail entries returned by default, and at most. */
export const AUDIT_LIMIT_DEFAULT = 100;
export const AUDIT_LIMIT_MAX = 1_000;
/** Reorgs listed with the tree, newest first. */
const REORGS_MAX = 20;
/** Raw state-diff entries a transaction detail carries (the sentences are not cut). */
const RAW_DIFF_MAX = 40;
const VALUE_CHARS_MAX = 200;

// ---------------------------------------------------------------------------------------------
// Result types (plain data)

/** One block as the fork tree draws it. */
export interface TreeBlock {
  hash: Hash;
  parentHash: Hash;
  height: number;
  /** Who built it: "node-2". */
  proposer: string;
  timeMs: number;
  txCount: number;
  /** On this node's chosen chain. */
  canonical: boolean;
  /** Canonical and at or below this node's finalized height. */
  finalized: boolean;
  /** Not on the chosen chain: a branch that lost (or has not won yet). */
  orphaned: boolean;
  /** Virtual time a reorg took it off this node's chain, if the retained trace shows it. */
  orphanedAtMs?: number;
  /** Its parent hash does not lead to the block stored below it: the hash link is broken. */
  linkBroken: boolean;
  /** Its content no longer matches its hashes (the record was edited), in words. */
  problem?: string;
}

export interface Reorg {
  atMs: number;
  /** New head height and hash after the switch. */
  height: number;
  hash: Hash;
  /** Blocks that left the chain. */
  depth: number;
}

export interface BlockTree {
  node: NodeId;
  alive: boolean;
  headHeight: number;
  headHash: Hash;
  finalizedHeight: number;
  /** Lowest height included (older blocks are left out). */
  fromHeight: number;
  /** Blocks in this node's store, all heights. */
  storedBlocks: number;
  /** Blocks from `fromHeight` up, sorted by height, canonical first within a height. */
  blocks: TreeBlock[];
  /** Recent head switches that replaced blocks, newest first. */
  reorgs: Reorg[];
  /** First problem on this node's canonical chain (tamper evidence), if any. */
  broken?: { height: number; detail: string };
}

export interface Party {
  name: string;
  address: string;
}

/** A transaction in a list: who did what, and what came of it. */
export interface TxSummary {
  hash: Hash;
  index: number;
  kind: string;
  from: Party;
  to?: Party;
  amount?: number;
  fee: number;
  status: Receipt['status'] | 'unknown';
  /** "alice pays bob 42". */
  summary: string;
}

export interface CertificateView {
  kind: string;
  /** In words: "sealed by node-1, the authority for slot 5". */
  summary: string;
  signers: Array<{ name: string; address: string; signature: string; valid: boolean | null }>;
  data: Record<string, string | number | boolean>;
}

export interface BlockDetail {
  node: NodeId;
  hash: Hash;
  /** What the block's content hashes to now; differs from `hash` if anything in it was edited. */
  contentHash: Hash;
  height: number;
  parentHash: Hash;
  proposer: Party;
  timeMs: number;
  chainId: string;
  stateRoot: Hash;
  txRoot: Hash;
  receiptsRoot: Hash;
  /** Protocol-specific header fields (slot, term, round, difficulty...). */
  consensus: Record<string, string | number | boolean>;
  canonical: boolean;
  finalized: boolean;
  orphaned: boolean;
  /** Why this block no longer checks out, if it does not. */
  problem?: string;
  /** The parent hash points at no stored block. */
  linkBroken: boolean;
  certificate: CertificateView;
  /** Every node that stores a block with this hash, and whether it is on that node's chain. */
  heldBy: Array<{ node: NodeId; canonical: boolean }>;
  /** Children stored on this node. */
  children: Hash[];
  txs: TxSummary[];
}

export interface TxDetail {
  hash: Hash;
  kind: string;
  summary: string;
  from: Party;
  to?: Party;
  amount?: number;
  nonce: number;
  fee: number;
  gasLimit: number;
  /** The signed payload, with long strings (contract source) shortened. */
  payload: Record<string, unknown>;
  signature: string;
  publicKey: string;
  /** Where it was found: node, block, position, whether that block is on the node's chain. */
  node: NodeId;
  block: { hash: Hash; height: number; canonical: boolean; finalized: boolean; timeMs: number };
  index: number;
  receipt: Receipt | null;
  /** What the transaction changed, in sentences naming people. */
  changes: string[];
  /** The raw state diff (first entries; values shortened). */
  diff: Array<{ key: string; before?: string; after?: string }>;
  /** Why the diff could not be computed, if it could not. */
  diffNote?: string;
}

export interface AuditEntry {
  txHash: Hash;
  height: number;
  blockHash: Hash;
  timeMs: number;
  direction: 'sent' | 'received';
  kind: string;
  counterparty?: string;
  amount?: number;
  fee: number;
  status: Receipt['status'] | 'unknown';
  summary: string;
  final: boolean;
  /** Who agreed to the block: its certificate's signers by name (empty for proof of work). */
  agreedBy: string[];
  /** The agreement in words. */
  agreement: string;
}

export interface AuditTrail {
  actor: string;
  address: string;
  node: NodeId;
  balance: number;
  nonce: number;
  /** Newest first. */
  entries: AuditEntry[];
  /** More entries exist further back than the limit. */
  truncated: boolean;
}

/** What to change in the past block. Plain data, so it crosses the worker boundary. */
export type TamperEdit =
  | {
      kind: 'amount';
      /** New amount for the block's first payment (default: ten times the old one). */
      amount?: number;
      /** Also recompute the transaction hash, the tx root and the block hash to hide the edit. */
      rehash?: boolean;
    }
  | {
      kind: 'timestamp';
      /** How far to move the block's time (default +1000 ms). */
      deltaMs?: number;
      rehash?: boolean;
    };

/** One block of the tampered node's chain, as the classic hash-chain picture shows it. */
export interface TamperLink {
  height: number;
  /** The hash the block carries, which the next block points to. */
  hash: Hash;
  /** What its content hashes to now. */
  contentHash: Hash;
  parentHash: Hash;
  /** Its parent hash is what the block below it really hashes to now. */
  parentOk: boolean;
}

export type TamperResponse = 'tampered' | 'rejected' | 'ignored' | 'accepted' | 'kept-aside' | 'down';

export interface TamperNodeVerdict {
  node: NodeId;
  alive: boolean;
  /** Its own block at the height: the original, the forgery, something else, or none yet. */
  copy: 'original' | 'forged' | 'other' | 'none';
  /** Its own canonical chain still verifies. */
  intact: boolean;
  intactDetail?: string;
  /** What it did when offered the forged block. */
  response: TamperResponse;
  reason?: string;
  detail?: string;
  /** The response in a sentence. */
  says: string;
}

export interface TamperReport {
  node: NodeId;
  height: number;
  /** The edit in words. */
  edit: string;
  originalHash: Hash;
  /** The hash the forged block carries (unchanged unless the edit was re-hashed). */
  claimedHash: Hash;
  /** What the forged block's content hashes to now. */
  contentHash: Hash;
  /** The hash links around the edit on the tampered node: the block before, the block, the block after. */
  links: TamperLink[];
  /** The forged block's own checks (hash, roots, transaction signatures), in words, if they fail. */
  blockProblem?: string;
  /** The first broken link on the tampered node's chain. */
  firstBroken?: { height: number; detail: string };
  nodes: TamperNodeVerdict[];
  rejectedBy: NodeId[];
  /** The other live nodes still hold the same original block at this height. */
  othersAgree: boolean;
  /** "node 2's copy no longer verifies at height 3; nodes 0, 1, 3 reject it". */
  verdict: string;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Names for every address the network knows: actors by name, nodes as node-N. */
export function namesOf(network: Network, state?: LedgerState): NameOf {
  const known = new Map<string, string>();
  network.nodeKeys.forEach((key, i) => known.set(key.address, `node-${i}`));
  for (const actor of network.actorList()) known.set(actor.key.address, actor.name);
  return (address: string) => known.get(address) ?? state?.identity(address)?.name ?? shortAddress(address);
}

function party(address: string, name: NameOf): Party {
  return { name: name(address), address };
}

export function shortAddress(address: string): string {
  return typeof address === 'string' && address.length > 12 ? `${address.slice(0, 10)}…` : String(address);
}

function shortHash(hash: string): string {
  return typeof hash === 'string' ? hash.slice(0, 10) : String(hash);
}

/** "reject" for several nodes, "rejects" for one. */
function verb(nodes: readonly NodeId[], plural: string): string {
  return nodes.length === 1 ? `${plural}s` : plural;
}

/** "nodes 0, 1, 3" / "node 2". */
export function nodeList(nodes: readonly NodeId[]): string {
  return nodes.length === 1 ? `node ${nodes[0]}` : `nodes ${nodes.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// Checks (memoised per immutable block object)

const shapeProblems = new WeakMap<Block, string | null>();

/** The state-independent checks every node runs on a block, in words, or undefined if it passes. */
function blockProblem(block: Block, chainId: string): string | undefined {
  let problem = shapeProblems.get(block);
  if (problem === undefined) {
    const found = checkBlockShape(block, chainId);
    problem = found ? `${found.reason}: ${found.detail}` : null;
    if (Object.isFrozen(block) || block.header.height === 0) shapeProblems.set(block, problem);
  }
  // Genesis is height 0, which checkBlockShape (for received blocks) does not accept.
  if (block.header.height === 0) return undefined;
  return problem ?? undefined;
}

function checkNode(network: Network, node: NodeId): void {
  if (!Number.isInteger(node) || node < 0 || node >= network.nodeCount) {
    throw new LedgerlabError('bad-node', `there is no node ${node}: nodes are 0 to ${network.nodeCount - 1}.`, 'Pick a node from the list.');
  }
}

/** The first live node, or 0. */
function firstLiveNode(network: Network): NodeId {
  for (let id = 0; id < network.nodeCount; id++) if (network.sim.isAlive(id)) return id;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The fork tree

/**
 * Every block a node stores from `limit` heights below its highest block up: the canonical chain
 * and the fork branches, with parent links, who built each, canonical / finalized / orphaned,
 * and tamper evidence (a content that no longer matches its hash, a broken parent link).
 */
export function blockTree(network: Network, node: NodeId, options: { limit?: number } = {}): BlockTree {
  checkNode(network, node);
  const limit = Math.max(1, Math.min(TREE_HEIGHTS_MAX, Math.floor(options.limit ?? TREE_HEIGHTS_DEFAULT)));
  const chain = network.chainOf(node);
  const name = namesOf(network);
  let top = chain.headHeight;
  for (const stored of chain.blocks()) top = Math.max(top, stored.height);
  const fromHeight = Math.max(0, top - limit + 1);

  const { orphanedAt, reorgs } = reorgHistory(network, node);
  const blocks: TreeBlock[] = [];
  for (const stored of chain.blocks()) {
    if (stored.height < fromHeight) continue;
    const { block, height } = stored;
    const canonical = chain.isCanonical(block.hash);
    const expectedParent = canonical ? chain.canonicalAt(height - 1)?.block.hash : undefined;
    const linkBroken = height > 0 && (canonical ? expectedParent !== block.header.parentHash : !chain.has(block.header.parentHash));
    const problem = blockProblem(block, network.chainId);
    const entry: TreeBlock = {
      hash: block.hash,
      parentHash: block.header.parentHash,
      height,
      proposer: height === 0 ? 'genesis' : name(block.header.proposer),
      timeMs: block.header.timestampMs,
      txCount: block.txs.length,
      canonical,
      finalized: canonical && height <= chain.finalizedHeight,
      orphaned: !canonical,
      linkBroken,
    };
    const at = orphanedAt.get(block.hash);
    if (!canonical && at !== undefined) entry.orphanedAtMs = at;
    if (problem) entry.problem = problem;
    blocks.push(entry);
  }
  blocks.sort((a, b) => a.height - b.height || Number(b.canonical) - Number(a.canonical) || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const head = chain.head();
  const tree: BlockTree = {
    node,
    alive: network.sim.isAlive(node),
    headHeight: head.height,
    headHash: head.block.hash,
    finalizedHeight: chain.finalizedHeight,
    fromHeight,
    storedBlocks: chain.size,
    blocks,
    reorgs,
  };
  const broken = firstBrokenLink(network, node);
  if (broken) tree.broken = broken;
  return tree;
}

/**
 * The first block on a node's canonical chain that fails its checks or its parent link: what
 * {@link Network.verifyChain} reports, with each block's checks memoised so a live view can ask often.
 */
function firstBrokenLink(network: Network, node: NodeId): { height: number; detail: string } | undefined {
  const chain = network.chainOf(node);
  for (let h = 1; h <= chain.headHeight; h++) {
    const stored = chain.canonicalAt(h)!;
    const problem = blockProblem(stored.block, network.chainId);
    if (problem) return { height: h, detail: `block ${h}: ${problem}` };
    const parent = chain.canonicalAt(h - 1)!;
    if (stored.block.header.parentHash !== parent.block.hash) {
      return { height: h, detail: `block ${h} points to parent ${shortHash(stored.block.header.parentHash)}, but block ${h - 1} is now ${shortHash(parent.block.hash)}` };
    }
  }
  return undefined;
}

/** Reorgs and orphaned blocks of one node, from the retained trace. */
function reorgHistory(network: Network, node: NodeId): { orphanedAt: Map<Hash, number>; reorgs: Reorg[] } {
  const orphanedAt = new Map<Hash, number>();
  const reorgs: Reorg[] = [];
  const events: readonly TraceEvent[] = network.trace.events();
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === 'block.orphan' && event.node === node) {
      if (!orphanedAt.has(event.hash)) orphanedAt.set(event.hash, event.t);
    } else if (event.type === 'block.head' && event.node === node && event.reorgDepth > 0 && reorgs.length < REORGS_MAX) {
      reorgs.push({ atMs: event.t, height: event.height, hash: event.hash, depth: event.reorgDepth });
    }
  }
  return { orphanedAt, reorgs };
}

// ---------------------------------------------------------------------------------------------
// Blocks and transactions

/** Everything about one block a node stores, with its certificate's signers by name. */
export function blockDetail(network: Network, node: NodeId, hash: Hash): BlockDetail {
  checkNode(network, node);
  const chain = network.chainOf(node);
  const stored = chain.get(hash);
  if (!stored) {
    throw new LedgerlabError('unknown-block', `node ${node} has no block ${shortHash(hash)}.`, 'Pick a block from the tree; it may have been replaced on this node.');
  }
  const name = namesOf(network, stored.state);
  const { block, height } = stored;
  const header = block.header;
  const canonical = chain.isCanonical(hash);
  const receipts = stored.receipts;
  const children: Hash[] = [];
  for (const other of chain.blocks()) if (other.height === height + 1 && other.block.header.parentHash === hash) children.push(other.block.hash);
  const heldBy: BlockDetail['heldBy'] = [];
  for (let id = 0; id < network.nodeCount; id++) {
    const other = network.chainOf(id);
    if (other.has(hash)) heldBy.push({ node: id, canonical: other.isCanonical(hash) });
  }
  const problem = blockProblem(block, network.chainId);
  const detail: BlockDetail = {
    node,
    hash,
    contentHash: contentHash(block),
    height,
    parentHash: header.parentHash,
    proposer: height === 0 ? { name: 'genesis', address: header.proposer } : party(header.proposer, name),
    timeMs: header.timestampMs,
    chainId: header.chainId,
    stateRoot: header.stateRoot,
    txRoot: header.txRoot,
    receiptsRoot: header.receiptsRoot,
    consensus: { ...header.consensus },
    canonical,
    finalized: canonical && height <= chain.finalizedHeight,
    orphaned: !canonical,
    linkBroken: height > 0 && (canonical ? chain.canonicalAt(height - 1)?.block.hash !== header.parentHash : !chain.has(header.parentHash)),
    certificate: certificateView(network, block, name),
    heldBy,
    children: children.sort(),
    txs: block.txs.map((tx, index) => txSummary(tx, index, receipts[index], name)),
  };
  if (problem) detail.problem = problem;
  return detail;
}

function certificateView(network: Network, block: Block, name: NameOf): CertificateView {
  const certificate: Certificate = block.certificate;
  const header: BlockHeader = block.header;
  const data = { ...(certificate.data ?? {}) };
  const round = typeof data.round === 'number' ? data.round : undefined;
  const signers = certificate.signatures.map((s) => {
    let valid: boolean | null = null;
    if (certificate.kind.endsWith('-seal')) valid = verifyOnce(s.signature, block.hash, s.publicKey);
    else if (certificate.kind === 'bft-commit' && round !== undefined) valid = verifyOnce(s.signature, voteDigest(network.chainId, 'precommit', header.height, round, block.hash), s.publicKey);
    return { name: name(s.signer), address: s.signer, signature: s.signature, valid };
  });
  const names = signers.map((s) => s.name);
  const c = header.consensus;
  let summary: string;
  switch (certificate.kind) {
    case 'genesis':
      summary = 'The genesis block: agreed in advance by every node, so it needs no signature.';
      break;
    case 'poa-seal':
      summary = `Sealed by ${names.join(', ') || 'nobody'}${c.slot !== undefined ? `, the authority for slot ${c.slot}` : ''}.`;
      break;
    case 'raft-seal':
      summary = `Sealed by ${names.join(', ') || 'nobody'}, leader${c.term !== undefined ? ` in term ${c.term}` : ''}; committed once a majority stored it.`;
      break;
    case 'bft-commit': {
      const quorum = Math.floor((2 * network.nodeCount) / 3) + 1;
      summary = `Committed by ${signers.length} of ${network.nodeCount} validators (a quorum is ${quorum})${round !== undefined ? ` in round ${round}` : ''}: ${names.join(', ')}.`;
      break;
    }
    case 'pow':
      summary = `Mined by ${name(header.proposer)}: proof of work at difficulty ${c.difficulty ?? '?'} (nonce ${c.nonce ?? '?'}); no signatures, the work is the evidence.`;
      break;
    default:
      summary = `${certificate.kind} certificate with ${signers.length} signature(s).`;
  }
  if (signers.some((s) => s.valid === false)) summary += ` ${signers.filter((s) => s.valid === false).length} signature(s) do not verify against this block's hash.`;
  return { kind: certificate.kind, summary, signers, data };
}

function txSummary(tx: SignedTx, index: number, receipt: Receipt | undefined, name: NameOf): TxSummary {
  const body = tx.body;
  const payload = body.payload as { type: string; to?: string; amount?: number; subject?: string; contract?: string };
  const summary: TxSummary = {
    hash: tx.hash,
    index,
    kind: payload.type,
    from: party(body.from, name),
    fee: body.fee,
    status: receipt?.status ?? 'unknown',
    summary: describeTx(body, name),
  };
  const to = payload.to ?? payload.subject ?? payload.contract;
  if (typeof to === 'string') summary.to = party(to, name);
  if (typeof payload.amount === 'number') summary.amount = payload.amount;
  return summary;
}

/** A transaction in one sentence: "alice pays bob 42". */
export function describeTx(body: TxBody, name: NameOf): string {
  const from = name(body.from);
  const payload = body.payload as { type: string } & Record<string, unknown>;
  switch (payload.type) {
    case 'transfer':
      return `${from} pays ${name(String(payload.to))} ${String(payload.amount)}`;
    case 'identity.register':
      return `${from} registers the identity "${String(payload.name)}" (${String(payload.kind)})`;
    case 'credential.issue':
      return `${from} issues ${name(String(payload.subject))} a "${String(payload.credentialType)}" credential`;
    case 'credential.revoke':
      return `${from} revokes credential ${shortHash(String(payload.credentialId))}`;
    case 'contract.deploy':
      return `${from} deploys the contract ${payload.name ? `"${String(payload.name)}"` : '(unnamed)'}`;
    case 'contract.call':
      return `${from} calls ${String(payload.method)}() on ${name(String(payload.contract))}${Number(payload.value) > 0 ? `, sending ${String(payload.value)}` : ''}`;
    default:
      return `${from} sends a ${payload.type} transaction`;
  }
}

function shorten(value: unknown): unknown {
  if (typeof value === 'string') return value.length > VALUE_CHARS_MAX ? `${value.slice(0, VALUE_CHARS_MAX)}… (${value.length} characters)` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  return value;
}

/** Find a transaction in a block: the node's chain first (newest first), then its fork branches. */
function findTx(network: Network, node: NodeId, hash: Hash): { stored: StoredBlock; index: number } | undefined {
  const chain = network.chainOf(node);
  for (let h = chain.headHeight; h >= 1; h--) {
    const stored = chain.canonicalAt(h)!;
    const index = stored.block.txs.findIndex((tx) => tx.hash === hash);
    if (index >= 0) return { stored, index };
  }
  for (const stored of chain.blocks()) {
    const index = stored.block.txs.findIndex((tx) => tx.hash === hash);
    if (index >= 0) return { stored, index };
  }
  return undefined;
}

/**
 * A transaction as signed, where it landed, its receipt, and what it changed in words (found by
 * re-executing the block's transactions up to it from the parent's state).
 */
export function txDetail(network: Network, hash: Hash, node?: NodeId): TxDetail {
  const order: NodeId[] = [];
  if (node !== undefined) {
    checkNode(network, node);
    order.push(node);
  }
  const first = firstLiveNode(network);
  for (const id of [first, ...Array.from({ length: network.nodeCount }, (_, i) => i)]) if (!order.includes(id)) order.push(id);
  let found: { stored: StoredBlock; index: number; node: NodeId } | undefined;
  for (const id of order) {
    const hit = findTx(network, id, hash);
    if (hit) {
      found = { ...hit, node: id };
      break;
    }
  }
  if (!found) {
    throw new LedgerlabError('unknown-tx', `no node has transaction ${shortHash(hash)} in a block.`, 'It may still be waiting in a mempool: let the network run a little and try again.');
  }
  const { stored, index } = found;
  const chain = network.chainOf(found.node);
  const tx = stored.block.txs[index]!;
  const body = tx.body;
  const name = namesOf(network, stored.state);
  const summary = txSummary(tx, index, stored.receipts[index], name);
  const canonical = chain.isCanonical(stored.block.hash);
  const detail: TxDetail = {
    hash: tx.hash,
    kind: body.payload.type,
    summary: summary.summary,
    from: summary.from,
    nonce: body.nonce,
    fee: body.fee,
    gasLimit: body.gasLimit,
    payload: shorten(body.payload) as Record<string, unknown>,
    signature: tx.signature,
    publicKey: body.publicKey,
    node: found.node,
    block: { hash: stored.block.hash, height: stored.height, canonical, finalized: canonical && stored.height <= chain.finalizedHeight, timeMs: stored.block.header.timestampMs },
    index,
    receipt: stored.receipts[index] ?? null,
    changes: [],
    diff: [],
  };
  if (summary.to) detail.to = summary.to;
  if (summary.amount !== undefined) detail.amount = summary.amount;
  const diff = txStateDiff(network, found.node, stored, index, name);
  if ('note' in diff) detail.diffNote = diff.note;
  else {
    detail.changes = diff.changes;
    detail.diff = diff.raw;
  }
  return detail;
}

function txStateDiff(network: Network, node: NodeId, stored: StoredBlock, index: number, name: NameOf): { changes: string[]; raw: TxDetail['diff'] } | { note: string } {
  const parent = network.chainOf(node).get(stored.block.header.parentHash);
  if (!parent) return { note: `The block before this one is not on node ${node} any more (its hash link is broken), so the change cannot be replayed.` };
  const header = stored.block.header;
  const env: BlockEnv = { chainId: header.chainId, height: stored.height, timestampMs: header.timestampMs, parentHash: header.parentHash, proposer: header.proposer };
  let state = parent.state;
  for (let i = 0; i < index; i++) {
    const applied = applyTx(state, stored.block.txs[i]!, env, network.contracts);
    if (!applied.ok) return { note: `Replaying transaction ${i} of this block failed (${applied.invalid.reason}: ${applied.invalid.detail}): the record was altered.` };
    state = applied.state;
  }
  const applied = applyTx(state, stored.block.txs[index]!, env, network.contracts);
  if (!applied.ok) return { note: `Replaying this transaction failed (${applied.invalid.reason}: ${applied.invalid.detail}): the record was altered.` };
  const changes = describeStateChanges(state, applied.state, name);
  const raw = diffEntries(state, applied.state);
  return { changes, raw };
}

function diffEntries(before: LedgerState, after: LedgerState): TxDetail['diff'] {
  return Trie.diff(before.trie, after.trie)
    .slice(0, RAW_DIFF_MAX)
    .map((e) => ({ key: e.key, ...(e.before !== undefined ? { before: shorten(e.before) as string } : {}), ...(e.after !== undefined ? { after: shorten(e.after) as string } : {}) }));
}

// ---------------------------------------------------------------------------------------------
// Audit trail

/**
 * Every transaction an actor signed or received on a node's chain (newest first, up to `limit`),
 * with its block, status and who agreed to that block.
 */
export function auditTrail(network: Network, actor: string, options: { node?: NodeId; limit?: number } = {}): AuditTrail {
  const address = network.addressOf(actor);
  const node = options.node ?? firstLiveNode(network);
  checkNode(network, node);
  const limit = Math.max(1, Math.min(AUDIT_LIMIT_MAX, Math.floor(options.limit ?? AUDIT_LIMIT_DEFAULT)));
  const chain = network.chainOf(node);
  const head = chain.head();
  const name = namesOf(network, head.state);
  const account = head.state.account(address);
  const entries: AuditEntry[] = [];
  let truncated = false;
  for (let h = chain.headHeight; h >= 1 && !truncated; h--) {
    const stored = chain.canonicalAt(h)!;
    const { block } = stored;
    for (let index = block.txs.length - 1; index >= 0; index--) {
      const tx = block.txs[index]!;
      const payload = tx.body.payload as { type: string; to?: string; subject?: string; contract?: string; amount?: number };
      const sent = tx.body.from === address;
      const counter = payload.to ?? payload.subject ?? payload.contract;
      if (!sent && counter !== address) continue;
      if (entries.length >= limit) {
        truncated = true;
        break;
      }
      const certificate = certificateView(network, block, name);
      const entry: AuditEntry = {
        txHash: tx.hash,
        height: h,
        blockHash: block.hash,
        timeMs: block.header.timestampMs,
        direction: sent ? 'sent' : 'received',
        kind: payload.type,
        fee: tx.body.fee,
        status: stored.receipts[index]?.status ?? 'unknown',
        summary: describeTx(tx.body, name),
        final: h <= chain.finalizedHeight,
        agreedBy: certificate.signers.map((s) => s.name),
        agreement: certificate.summary,
      };
      const other = sent ? counter : tx.body.from;
      if (typeof other === 'string') entry.counterparty = name(other);
      if (typeof payload.amount === 'number') entry.amount = payload.amount;
      entries.push(entry);
    }
  }
  return { actor, address, node, balance: account.balance, nonce: account.nonce, entries, truncated };
}

// ---------------------------------------------------------------------------------------------
// The tamper demo

type ThawedTx = { body: TxBody; hash: string; signature: string };
type ThawedBlock = { header: BlockHeader; hash: string; txs: ThawedTx[]; certificate: Certificate };

/** Build the edited block and say what was changed. Throws a LedgerlabError if the edit cannot apply. */
function forge(block: Block, edit: TamperEdit, node: NodeId, name: NameOf): { forged: Block; description: string } {
  const copy = JSON.parse(JSON.stringify(block)) as ThawedBlock;
  const height = block.header.height;
  let description: string;
  if (edit.kind === 'amount') {
    const index = copy.txs.findIndex((tx) => tx.body.payload.type === 'transfer');
    if (index < 0) {
      throw new LedgerlabError('tamper-no-payment', `block ${height} on node ${node} has no payment to change.`, 'Pick a block with transactions (the tree shows how many each has), or change the block\'s time instead.');
    }
    const tx = copy.txs[index]!;
    const payload = tx.body.payload as { type: 'transfer'; to: string; amount: number };
    const amount = edit.amount ?? payload.amount * 10;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new LedgerlabError('tamper-bad-amount', `the new amount must be a positive whole number, got ${amount}.`);
    if (amount === payload.amount) throw new LedgerlabError('tamper-no-change', `the payment is already ${amount}.`, 'Choose a different amount.');
    description = `In block ${height}, the payment of ${payload.amount} from ${name(tx.body.from)} to ${name(payload.to)} was changed to ${amount}`;
    payload.amount = amount;
    if (edit.rehash) {
      tx.hash = txHash(tx.body);
      copy.header.txRoot = txRootOf(copy.txs as unknown as SignedTx[]);
      copy.hash = blockHash(copy.header);
      description += ', and the hashes were recomputed to hide it';
    }
  } else {
    const delta = edit.deltaMs ?? 1_000;
    if (!Number.isSafeInteger(delta) || delta === 0) throw new LedgerlabError('tamper-bad-time', `move the time by a non-zero whole number of milliseconds, got ${delta}.`);
    const before = copy.header.timestampMs;
    copy.header.timestampMs = Math.max(0, before + delta);
    description = `Block ${height}'s time was changed from ${(before / 1000).toFixed(3)} s to ${(copy.header.timestampMs / 1000).toFixed(3)} s`;
    if (edit.rehash) {
      copy.hash = blockHash(copy.header);
      description += ', and its hash was recomputed to hide it';
    }
  }
  return { forged: deepFreeze(copy) as unknown as Block, description: `${description}.` };
}

/**
 * Edit a past block on ONE node's disk, as an insider with access to that machine could, then
 * show what the ledger's checks make of it: the block's hash no longer matches its content (or,
 * if re-hashed, the next block's parent link breaks), that node's chain stops verifying, and
 * each other running node, offered the edited block as the tampered node would serve it, refuses
 * it. The other nodes' own copies are untouched and still agree with each other.
 */
export function tamper(network: Network, node: NodeId, height: number, edit: TamperEdit): TamperReport {
  checkNode(network, node);
  const chain = network.chainOf(node);
  if (!Number.isInteger(height) || height < 1 || height > chain.headHeight) {
    throw new LedgerlabError(
      'tamper-bad-height',
      `node ${node} has no block at height ${height}: its chain goes from 1 to ${chain.headHeight}.`,
      chain.headHeight < 1 ? 'Let the network make some blocks first.' : 'Choose a past block on that node (genesis cannot be edited).',
    );
  }
  const original = chain.canonicalAt(height)!;
  const name = namesOf(network, original.state);
  const { forged, description } = forge(original.block, edit, node, name);
  network.tamper(node, height, () => forged);

  const blockCheck = blockProblem(forged, network.chainId);
  const firstBroken = network.verifyChain(node);
  // The untouched nodes' view of this height: the block most of them hold.
  const originalHash = original.block.hash;

  const nodes: TamperNodeVerdict[] = [];
  for (let id = 0; id < network.nodeCount; id++) {
    const alive = network.sim.isAlive(id);
    const own = network.chainOf(id).canonicalAt(height);
    const copy: TamperNodeVerdict['copy'] = !own ? 'none' : own.block === forged || blockProblem(own.block, network.chainId) ? 'forged' : own.block.hash === originalHash ? 'original' : 'other';
    const broken = network.verifyChain(id);
    const verdict: TamperNodeVerdict = { node: id, alive, copy, intact: broken === undefined, response: 'tampered', says: '' };
    if (broken) verdict.intactDetail = broken.detail;
    if (id === node) {
      verdict.says = broken ? `holds the edited copy; its chain no longer verifies (${broken.detail})` : 'holds the edited copy; nothing after it contradicts it yet';
    } else if (!alive) {
      verdict.response = 'down';
      verdict.says = 'is down, so it was not asked';
    } else {
      Object.assign(verdict, offer(network, id, node, forged));
    }
    nodes.push(verdict);
  }
  const others = nodes.filter((n) => n.node !== node);
  const rejectedBy = others.filter((n) => n.response === 'rejected' || n.response === 'ignored').map((n) => n.node);
  const liveOthers = others.filter((n) => n.alive && n.copy !== 'none');
  const othersAgree = liveOthers.length > 0 && liveOthers.every((n) => n.copy === 'original');

  const report: TamperReport = {
    node,
    height,
    edit: description,
    originalHash,
    claimedHash: forged.hash,
    contentHash: contentHash(forged),
    links: linksAround(network, node, height),
    nodes,
    rejectedBy,
    othersAgree,
    verdict: tamperVerdict(node, height, firstBroken, others),
  };
  if (blockCheck) report.blockProblem = blockCheck;
  if (firstBroken) report.firstBroken = firstBroken;
  return report;
}

/**
 * What a block's content hashes to now: each transaction re-hashed from its body, the tx root
 * rebuilt from those, then the header hashed. Equal to `block.hash` unless something was edited.
 */
export function contentHash(block: Block): Hash {
  if (block.header.height === 0) return block.hash;
  const txRoot = txRootOf(block.txs.map((tx) => ({ ...tx, hash: txHash(tx.body) })));
  return blockHash(txRoot === block.header.txRoot ? block.header : { ...block.header, txRoot });
}

function linksAround(network: Network, node: NodeId, height: number): TamperLink[] {
  const chain = network.chainOf(node);
  const links: TamperLink[] = [];
  for (let h = Math.max(0, height - 1); h <= Math.min(chain.headHeight, height + 1); h++) {
    const { block } = chain.canonicalAt(h)!;
    const below = h > 0 ? chain.canonicalAt(h - 1)!.block : undefined;
    links.push({ height: h, hash: block.hash, contentHash: contentHash(block), parentHash: block.header.parentHash, parentOk: below === undefined || block.header.parentHash === contentHash(below) });
  }
  return links;
}

/** Hand the forged block to a running node as a peer's block message and see what it does. */
function offer(network: Network, peer: NodeId, from: NodeId, forged: Block): Pick<TamperNodeVerdict, 'response' | 'reason' | 'detail' | 'says'> {
  const live = network.node(peer)!;
  const chain = network.chainOf(peer);
  const knewHash = chain.has(forged.hash);
  const mark = network.trace.length;
  live.onMessage(from, { type: 'block', block: forged });
  const rejection = network.trace.since(mark).find((e): e is Extract<TraceEvent, { type: 'block.reject' }> => e.type === 'block.reject' && e.node === peer && e.hash === forged.hash);
  if (rejection) return { response: 'rejected', reason: rejection.reason, detail: rejection.detail, says: `rejects it: ${rejection.reason} (${rejection.detail})` };
  const stored = chain.get(forged.hash);
  if (knewHash && stored && stored.block !== forged) {
    return { response: 'ignored', says: 'ignores it: it already holds its own block with that hash, and keeps its intact copy' };
  }
  if (stored && stored.block === forged) {
    return { response: 'accepted', says: chain.isCanonical(forged.hash) ? 'accepted it onto its chain' : 'stored it as a side branch (it did not replace its own block)' };
  }
  return { response: 'kept-aside', says: 'set it aside: it cannot place the block (it lacks its parent)' };
}

function tamperVerdict(node: NodeId, height: number, firstBroken: { height: number; detail: string } | undefined, others: readonly TamperNodeVerdict[]): string {
  const parts: string[] = [];
  parts.push(firstBroken ? `node ${node}'s copy no longer verifies at height ${firstBroken.height}` : `node ${node}'s own chain still verifies (nothing after block ${height} contradicts the edit yet)`);
  const rejected = others.filter((n) => n.response === 'rejected').map((n) => n.node);
  const ignored = others.filter((n) => n.response === 'ignored').map((n) => n.node);
  const refusing = [...rejected, ...ignored].sort((a, b) => a - b);
  if (refusing.length > 0) parts.push(`${nodeList(refusing)} ${verb(refusing, ignored.length === 0 ? 'reject' : 'refuse')} it`);
  const accepted = others.filter((n) => n.response === 'accepted').map((n) => n.node);
  if (accepted.length > 0) parts.push(`${nodeList(accepted)} stored it as a side branch`);
  const aside = others.filter((n) => n.response === 'kept-aside').map((n) => n.node);
  if (aside.length > 0) parts.push(`${nodeList(aside)} could not place it`);
  const down = others.filter((n) => n.response === 'down').map((n) => n.node);
  if (down.length > 0) parts.push(`${nodeList(down)} ${down.length === 1 ? 'is' : 'are'} down`);
  return parts.join('; ');
}
