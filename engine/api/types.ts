/**
 * Plain, serialisable data crossing the engine boundary (CLI, Web Worker, tests).
 * Nothing here holds functions or class instances, so structured clone and JSON both work.
 */

import type { ProtocolName, ProtocolParam } from '../consensus/protocol.ts';
import type { Violation } from '../checkers/index.ts';

export type { ProtocolName, Violation };

export interface RunOptions {
  protocol: ProtocolName;
  /** Number of ledger nodes (authorities for proof-of-authority). */
  nodes: number;
  /** Seed that fully defines the run. */
  seed: number;
  /** Stop once every live node has this many blocks on its canonical chain. */
  blocks: number;
  /** Signed transfers submitted by the workload during the run. */
  txs: number;
  /** Optional cap on simulator events (default: generous, proportional to the run). */
  maxEvents?: number;
  /** Stop at this virtual time if the target height is not reached (default: generous). */
  maxTimeMs?: number;
  /** A fault script (see engine/api/faults.ts), e.g. "@2s crash 1; @6s restart 1". */
  faults?: string;
  /** Protocol parameters, e.g. { hashShares: [0.6, 0.2, 0.2] } for a proof-of-work attacker. */
  params?: Record<string, ProtocolParam>;
}

export interface RunReport {
  protocol: ProtocolName;
  nodes: number;
  seed: number;
  /** Final common height: the lowest canonical height among live nodes. */
  height: number;
  /** Transactions included in the canonical chain up to `height`. */
  txsCommitted: number;
  /** State root of each node at `height`, indexed by node. */
  stateRoots: string[];
  /** Running sha256 over the canonical encoding of every trace event. */
  traceHash: string;
  traceEvents: number;
  simTimeMs: number;
  wallMs: number;
  /** Whether every live node reached `blocks` before the time or event limit. */
  reachedTarget: boolean;
  /** Finalized height of each node (what it will never revert; k-confirmed for proof-of-work). */
  finalizedHeight: number[];
  /** What the checkers found; empty when every check held. */
  violations: Violation[];
  /** The command that replays this run exactly. */
  replay: string;
}
