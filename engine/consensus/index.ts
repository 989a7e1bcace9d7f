import { invariant } from '../core/assert.ts';
import { poa } from './poa.ts';
import { raft } from './raft.ts';
import { bft } from './bft.ts';
import { pow } from './pow.ts';
import type { ProtocolDefinition, ProtocolName } from './protocol.ts';

export * from './protocol.ts';
export { LedgerNode } from './base.ts';
export { PoaNode, poa } from './poa.ts';
export { RaftNode, raft, type RaftEntry, type RaftMessage } from './raft.ts';
export { BftNode, bft, type BftMessage } from './bft.ts';
export { PowNode, pow } from './pow.ts';

export const PROTOCOLS: Record<ProtocolName, ProtocolDefinition> = { poa, raft, bft, pow };

export function protocolByName(name: string): ProtocolDefinition {
  const protocol = (PROTOCOLS as Record<string, ProtocolDefinition | undefined>)[name];
  invariant(protocol !== undefined, `unknown protocol "${name}": choose one of ${Object.keys(PROTOCOLS).join(', ')}`);
  return protocol;
}
