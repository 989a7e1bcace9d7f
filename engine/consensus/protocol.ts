/**
 * The consensus interface: what every protocol (poa now; raft, bft, pow next) implements, and
 * what it is given. A protocol sees a node, never the simulator: messages, timers, its seeded
 * randomness, its disk, and its ledger (DESIGN.md, "Protocols see a node").
 */
import type { Hash } from '../core/hash.ts';
import type { KeyPair } from '../core/keys.ts';
import type { StoredBlock } from '../ledger/chain.ts';
import type { ContractExecutor } from '../ledger/execute.ts';
import type { AdmitResult } from '../ledger/mempool.ts';
import type { NodeLedger } from '../ledger/node-ledger.ts';
import type { Address, Block, SignedTx } from '../ledger/types.ts';
import type { NodeId } from '../sim/events.ts';
import type { NodeContext, NodeProcess } from '../sim/simulator.ts';
import type { RaftMessage } from './raft.ts';
import type { BftMessage } from './bft.ts';

export type ProtocolName = 'poa' | 'raft' | 'bft' | 'pow';

/** Messages every ledger node understands: gossip and block sync. */
export type LedgerMessage =
  | { type: 'tx'; tx: SignedTx }
  | { type: 'block'; block: Block }
  | { type: 'sync.get'; locator: Hash[]; max: number }
  | { type: 'sync.blocks'; blocks: Block[]; more: boolean };

/** All messages on the wire; protocols add their own members here. */
export type NetMessage = LedgerMessage | RaftMessage | BftMessage;

export interface Authority {
  address: Address;
  publicKey: string;
}

/** Everything a node is given at boot besides its context. */
export interface NodeSetup {
  key: KeyPair;
  /** The validator / authority set, in node order. */
  authorities: readonly Authority[];
  chainId: string;
  genesis: StoredBlock;
  contracts?: ContractExecutor;
  blockPeriodMs: number;
  maxTxsPerBlock: number;
  /** Protocol-specific parameters (hash-power shares, timeouts, difficulty...), from NetworkOptions.protocolParams. */
  params: Readonly<Record<string, ProtocolParam>>;
}

export type ProtocolParam = number | string | boolean | readonly number[] | readonly string[];

/** A plain-data snapshot of one node, for the CLI, the UI and checkers. */
export interface NodeStatus {
  node: NodeId;
  alive: boolean;
  role: string;
  headHeight: number;
  headHash: Hash;
  finalizedHeight: number;
  stateRoot: Hash;
  mempool: number;
  /** Raft term, BFT round, PoA slot... whatever the protocol counts in. */
  epoch?: number;
}

export interface ConsensusNode extends NodeProcess<NetMessage> {
  readonly ledger: NodeLedger;
  /** Turn on one of the protocol's Byzantine behaviours (undefined: honest again). */
  setByzantine(behaviour: string | undefined): void;
  /** The behaviour in force, if any. */
  byzantine(): string | undefined;
  /** The other nodes colluding with this one (same Byzantine behaviour). */
  setCoalition(nodes: readonly NodeId[]): void;
  /** A client hands this node a transaction: admit it and spread it. */
  submitFromClient(tx: SignedTx): AdmitResult;
  status(): Omit<NodeStatus, 'alive'>;
}

export interface ProtocolDefinition {
  name: ProtocolName;
  /** What a Byzantine node of this protocol can be told to do, with a sentence each. */
  byzantineBehaviours: Readonly<Record<string, string>>;
  /** How many faulty nodes the protocol tolerates among n (crash or Byzantine, as it defines). */
  tolerance(n: number): number;
  /** Genesis header data for this protocol. */
  genesisConsensus(authorities: readonly Authority[], blockPeriodMs: number): Record<string, string | number | boolean>;
  create(context: NodeContext<NetMessage>, setup: NodeSetup): ConsensusNode;
}
