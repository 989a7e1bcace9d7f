/**
 * Every kind of trace event, by family. All fields are integers, strings, booleans, or plain
 * arrays and objects of those, so every event has a canonical encoding.
 */

export type NodeId = number;

/** Messages on the wire. */
export type NetworkEvent =
  | { type: 'msg.send'; from: NodeId; to: NodeId; msg: string; id: number; deliverAtMs: number }
  | { type: 'msg.deliver'; from: NodeId; to: NodeId; msg: string; id: number }
  | { type: 'msg.drop'; from: NodeId; to: NodeId; msg: string; id: number; reason: DropReason };

export type DropReason = 'loss' | 'partition' | 'crashed' | 'queue-full' | 'byzantine';

/** Node lifecycle, timers and faults. */
export type NodeEvent =
  | { type: 'node.start'; node: NodeId; incarnation: number }
  | { type: 'node.crash'; node: NodeId }
  | { type: 'node.restart'; node: NodeId; incarnation: number }
  | { type: 'node.role'; node: NodeId; role: string; term?: number }
  | { type: 'timer'; node: NodeId; name: string }
  | { type: 'fault'; fault: string; detail: string };

/** Transactions and blocks, as each node sees them. */
export type LedgerEvent =
  | { type: 'tx.submit'; node: NodeId; tx: string; from: string; nonce: number }
  | { type: 'tx.admit'; node: NodeId; tx: string }
  | { type: 'tx.reject'; node: NodeId; tx: string; reason: string; detail: string }
  | { type: 'block.propose'; node: NodeId; height: number; hash: string; txs: number }
  | { type: 'block.import'; node: NodeId; height: number; hash: string; from: NodeId }
  | { type: 'block.reject'; node: NodeId; height: number; hash: string; reason: string; detail: string }
  | { type: 'block.head'; node: NodeId; height: number; hash: string; reorgDepth: number }
  | { type: 'block.orphan'; node: NodeId; height: number; hash: string }
  | { type: 'block.finalize'; node: NodeId; height: number; hash: string }
  | { type: 'sync.request'; node: NodeId; to: NodeId; fromHeight: number }
  | { type: 'sync.serve'; node: NodeId; to: NodeId; blocks: number };

/** Protocol-specific observations (votes, terms, rounds) and checker verdicts. */
export type ConsensusEvent =
  | { type: 'consensus'; node: NodeId; protocol: string; what: string; detail: string }
  | { type: 'violation'; checker: string; detail: string; seed: string; replay: string };

export type TraceEventInput = NetworkEvent | NodeEvent | LedgerEvent | ConsensusEvent;

/** A trace event as stored: its index in the trace and the virtual time it happened at. */
export type TraceEvent = TraceEventInput & { i: number; t: number };

export type TraceEventType = TraceEventInput['type'];
