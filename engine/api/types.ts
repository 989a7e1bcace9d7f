/**
 * Plain, serialisable data crossing the engine boundary (CLI, Web Worker, tests).
 * Nothing here holds functions or class instances, so structured clone and JSON both work.
 */

import type { ProtocolName } from '../consensus/protocol.ts';

export type { ProtocolName };

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
}
