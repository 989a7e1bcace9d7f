/**
 * Node inspection: what one node knows, as plain data for the studio's inspector and the CLI.
 * Generic ledger facts (chain tip, finalized block, state root, mempool, stored forks) plus the
 * protocol's own state: Raft's term, vote and log; Tendermint's height, round, step and locks;
 * proof-of-work difficulty and chain work; proof-of-authority slots.
 *
 * A crashed node has no process, so its protocol state is read from its disk (what survives a
 * crash) and marked `source: 'disk'`; what lives only in memory (Raft's leader and commit index,
 * the mempool) is then absent.
 */
import { LedgerlabError } from '../core/assert.ts';
import type { Hash } from '../core/hash.ts';
import { BftNode, PowNode, PROTOCOLS, RaftNode, type ProtocolName, type RaftEntry } from '../consensus/index.ts';
import type { StoredBlock } from '../ledger/chain.ts';
import type { NodeId } from '../sim/events.ts';
import type { Network } from './network.ts';

/** The trace vocabulary the network view reads, re-exported so the renderer reaches it through engine/api. */
export type { NodeId, TraceEvent } from '../sim/events.ts';

/** One labelled line of protocol detail, in display order. */
export interface InspectField {
  label: string;
  value: string;
  /** A sentence saying what the value means, for a tooltip or a screen reader. */
  hint?: string;
}

export interface RaftInspection {
  kind: 'raft';
  term: number;
  votedFor: NodeId | null;
  /** Log entries after the genesis sentinel (one per block). */
  logLength: number;
  lastLogTerm: number;
  /** Undefined when read from disk (the commit index is volatile in Raft). */
  commitIndex?: number;
  /** Who this node believes leads the current term (live nodes only). */
  leader?: NodeId;
}

export interface BftInspection {
  kind: 'bft';
  height: number;
  round: number;
  step: string;
  lockedRound: number;
  lockedValue: Hash | null;
  validRound: number;
  validValue: Hash | null;
  /** Votes needed for a quorum (more than two thirds of the validators). */
  quorum: number;
  /** The validator whose turn it is to propose at (height, round). */
  proposer: NodeId;
}

export interface PowInspection {
  kind: 'pow';
  /** Difficulty the next block on this node's best chain must carry (live nodes only). */
  nextDifficulty?: number;
  headDifficulty: number;
  /** Cumulative work of the head, a decimal string. */
  chainWork: string;
  /** This node's normalised share of the network's hash power (live nodes only). */
  hashShare?: number;
  attackPhase?: string;
}

export interface PoaInspection {
  kind: 'poa';
  /** The slot the clock is in now, and the authority whose turn it is. */
  slot: number;
  primary: NodeId;
  /** Slot of the head block (-1 at genesis). */
  headSlot: number;
  /** The next slot in which this node is primary. */
  nextOwnSlot: number;
}

export type ProtocolInspection = RaftInspection | BftInspection | PowInspection | PoaInspection;

export interface NodeInspection {
  node: NodeId;
  /** Virtual time of the inspection (the network moves on; a UI shows how fresh this is). */
  atMs: number;
  protocol: ProtocolName;
  alive: boolean;
  role: string;
  /** The Byzantine behaviour switched on, with what it does; null when honest. */
  byzantine: { behaviour: string; description: string } | null;
  head: { height: number; hash: Hash; parentHash: Hash; proposer: string; timestampMs: number; txs: number };
  finalized: { height: number; hash: Hash };
  stateRoot: Hash;
  /** Transactions waiting in the mempool (0 for a crashed node: the mempool is lost). */
  mempool: number;
  /** Blocks stored, forks included, and how many of them are off the canonical chain. */
  storedBlocks: number;
  forkBlocks: number;
  /** Where the protocol state was read: the running process, or the disk of a crashed node. */
  source: 'live' | 'disk';
  protocolState: ProtocolInspection;
  /** The protocol state as labelled lines, in display order. */
  details: InspectField[];
}

/** Inspect one node of a network: plain data, safe to send across a worker boundary. */
export function inspectNode(network: Network, node: NodeId): NodeInspection {
  if (!Number.isInteger(node) || node < 0 || node >= network.nodeCount) {
    throw new LedgerlabError('bad-node', `there is no node ${node}: nodes are 0 to ${network.nodeCount - 1}.`, 'Pick a node from the graph or the node list.');
  }
  const status = network.status()[node]!;
  const chain = network.chainOf(node);
  const head = chain.head();
  const finalized = chain.canonicalAt(chain.finalizedHeight) ?? network.genesis;
  const behaviour = network.byzantine().get(node);
  const behaviours = PROTOCOLS[network.protocol].byzantineBehaviours;
  const protocolState = protocolInspection(network, node, head);
  return {
    node,
    atMs: network.now,
    protocol: network.protocol,
    alive: status.alive,
    role: status.role,
    byzantine: behaviour === undefined ? null : { behaviour, description: behaviours[behaviour] ?? 'misbehaves as the protocol file describes' },
    head: {
      height: head.height,
      hash: head.block.hash,
      parentHash: head.block.header.parentHash,
      proposer: nodeName(network, head.block.header.proposer),
      timestampMs: head.block.header.timestampMs,
      txs: head.block.txs.length,
    },
    finalized: { height: finalized.height, hash: finalized.block.hash },
    stateRoot: status.stateRoot,
    mempool: status.mempool,
    storedBlocks: chain.size,
    forkBlocks: chain.size - (chain.headHeight + 1),
    source: network.node(node) ? 'live' : 'disk',
    protocolState,
    details: describe(protocolState),
  };
}

/** `node-3` for a node's address, the address itself otherwise (genesis has the zero address). */
function nodeName(network: Network, address: string): string {
  const index = network.nodeKeys.findIndex((k) => k.address === address);
  return index >= 0 ? `node-${index}` : address;
}

function protocolInspection(network: Network, node: NodeId, head: StoredBlock): ProtocolInspection {
  const live = network.node(node);
  const n = network.nodeCount;
  switch (network.protocol) {
    case 'raft': {
      if (live instanceof RaftNode) {
        const s = live.inspect();
        return { kind: 'raft', term: s.term, votedFor: s.votedFor, logLength: s.log.length - 1, lastLogTerm: s.log[s.log.length - 1]?.term ?? 0, commitIndex: s.commitIndex, ...(s.leader !== undefined ? { leader: s.leader } : {}) };
      }
      const disk = network.sim.disk(node).get<{ currentTerm: number; votedFor: NodeId | null; log: RaftEntry[] }>('raft');
      const log = disk?.log ?? [];
      return { kind: 'raft', term: disk?.currentTerm ?? 0, votedFor: disk?.votedFor ?? null, logLength: Math.max(0, log.length - 1), lastLogTerm: log[log.length - 1]?.term ?? 0 };
    }
    case 'bft': {
      const quorum = Math.floor((2 * n) / 3) + 1;
      const disk = live instanceof BftNode ? live.inspect() : network.sim.disk(node).get<BftDiskView>('bft');
      const height = disk?.height ?? head.height + 1;
      const round = disk?.round ?? 0;
      return {
        kind: 'bft',
        height,
        round,
        step: disk?.step ?? 'propose',
        lockedRound: disk?.lockedRound ?? -1,
        lockedValue: disk?.lockedValue ?? null,
        validRound: disk?.validRound ?? -1,
        validValue: disk?.validValue ?? null,
        quorum,
        // Tendermint's round-robin proposer, as in BftNode.proposerOf (validators are the nodes, in order).
        proposer: (height + round) % n,
      };
    }
    case 'pow': {
      const headDifficulty = Number(head.block.header.consensus.difficulty ?? 0);
      const chainWork = String(head.block.header.consensus.chainWork ?? '0');
      if (live instanceof PowNode) {
        const phase = live.attackPhase();
        return { kind: 'pow', nextDifficulty: live.currentDifficulty(), headDifficulty, chainWork, hashShare: live.hashShare(), ...(phase !== undefined ? { attackPhase: phase } : {}) };
      }
      return { kind: 'pow', headDifficulty, chainWork };
    }
    case 'poa': {
      const slot = Math.floor(network.now / network.blockPeriodMs);
      const headSlot = typeof head.block.header.consensus.slot === 'number' ? head.block.header.consensus.slot : -1;
      // Authorities are the nodes in id order; slot s belongs to authority s mod n (PoaNode.primaryOf).
      const nextOwnSlot = slot + 1 + ((((node - slot - 1) % n) + n) % n);
      return { kind: 'poa', slot, primary: slot % n, headSlot, nextOwnSlot };
    }
  }
}

interface BftDiskView {
  height: number;
  round: number;
  step: string;
  lockedValue: Hash | null;
  lockedRound: number;
  validValue: Hash | null;
  validRound: number;
}

const short = (hash: Hash | null): string => (hash === null ? 'none' : `${hash.slice(0, 10)}…`);

/** Protocol state as labelled lines, with a sentence each for readers new to the protocol. */
export function describe(state: ProtocolInspection): InspectField[] {
  switch (state.kind) {
    case 'raft':
      return [
        { label: 'Term', value: String(state.term), hint: 'Raft numbers its elections; a higher term wins over a lower one.' },
        { label: 'Voted for', value: state.votedFor === null ? 'nobody yet' : `node ${state.votedFor}`, hint: 'The candidate this server voted for in the current term (at most one).' },
        { label: 'Leader', value: state.leader === undefined ? 'unknown' : `node ${state.leader}`, hint: 'Who this server believes leads the current term.' },
        { label: 'Commit index', value: state.commitIndex === undefined ? 'not kept on disk' : String(state.commitIndex), hint: 'The highest log entry known to be stored on a majority: committed, never lost.' },
        { label: 'Log length', value: String(state.logLength), hint: 'Entries in this server’s log (one block each), committed or not.' },
        { label: 'Last log term', value: String(state.lastLogTerm), hint: 'The term of the newest entry; voters prefer candidates whose log is at least as up to date.' },
      ];
    case 'bft':
      return [
        { label: 'Height', value: String(state.height), hint: 'The block height the validators are deciding.' },
        { label: 'Round', value: String(state.round), hint: 'Attempts at this height; a new round starts when one times out.' },
        { label: 'Step', value: state.step, hint: 'propose → prevote → precommit, Tendermint’s three steps per round.' },
        { label: 'Proposer', value: `node ${state.proposer}`, hint: 'Whose turn it is to propose at this height and round (round robin).' },
        { label: 'Locked', value: state.lockedRound < 0 ? 'not locked' : `${short(state.lockedValue)} in round ${state.lockedRound}`, hint: 'A value this validator precommitted; it prevotes only for it until a later round proves otherwise.' },
        { label: 'Valid', value: state.validRound < 0 ? 'none' : `${short(state.validValue)} in round ${state.validRound}`, hint: 'The latest value seen with a quorum of prevotes; a proposer re-proposes it.' },
        { label: 'Quorum', value: `${state.quorum} votes`, hint: 'More than two thirds of the validators.' },
      ];
    case 'pow':
      return [
        ...(state.nextDifficulty !== undefined ? [{ label: 'Difficulty', value: state.nextDifficulty.toLocaleString('en'), hint: 'Expected hashes for the next block on this node’s best chain.' }] : []),
        { label: 'Head difficulty', value: state.headDifficulty.toLocaleString('en'), hint: 'The difficulty the head block carries.' },
        { label: 'Chain work', value: state.chainWork, hint: 'Total difficulty of the chain up to the head: the heaviest chain wins.' },
        ...(state.hashShare !== undefined ? [{ label: 'Hash share', value: `${(state.hashShare * 100).toFixed(1)} %`, hint: 'This node’s part of the network’s mining power.' }] : []),
        ...(state.attackPhase !== undefined ? [{ label: 'Attack phase', value: state.attackPhase, hint: 'Where this node’s double-spend race has got to.' }] : []),
      ];
    case 'poa':
      return [
        { label: 'Slot', value: String(state.slot), hint: 'Time is cut into slots of one block period each.' },
        { label: 'Primary', value: `node ${state.primary}`, hint: 'The authority whose turn it is to seal a block in this slot (round robin).' },
        { label: 'Head slot', value: state.headSlot < 0 ? 'genesis' : String(state.headSlot), hint: 'The slot of this node’s newest block; gaps mean missed slots.' },
        { label: 'Next own slot', value: String(state.nextOwnSlot), hint: 'The next slot in which this node is primary.' },
      ];
  }
}
