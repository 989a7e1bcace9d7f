/**
 * Worker API for the chain explorer: the live session's blocks, transactions and audit trails as
 * plain data (engine/api/explorer.ts), and the tamper demo, which changes the network and so also
 * returns a fresh frame for the page.
 */
import {
  auditTrail,
  blockDetail,
  blockTree,
  tamper,
  txDetail,
  type AuditTrail,
  type BlockDetail,
  type BlockTree,
  type TamperEdit,
  type TamperReport,
  type TxDetail,
} from '../../engine/api/explorer.ts';
import type { SessionFrame } from '../../engine/api/session.ts';
import { session } from './current.ts';

type NodeId = number;

export const explorerApi = {
  /** One node's stored blocks (chain and fork branches) over the newest `limit` heights. */
  blockTree(node: NodeId, options: { limit?: number } = {}): BlockTree {
    return blockTree(session().network, node, options);
  },
  blockDetail(node: NodeId, hash: string): BlockDetail {
    return blockDetail(session().network, node, hash);
  },
  /** A transaction found in a block (looked up on `node` first). */
  txDetail(hash: string, node?: NodeId): TxDetail {
    return txDetail(session().network, hash, node);
  },
  auditTrail(actor: string, options: { node?: NodeId; limit?: number } = {}): AuditTrail {
    return auditTrail(session().network, actor, options);
  },
  /** The actors of the live network, by name, for the audit-trail picker. */
  explorerActors(): string[] {
    return session().network.actorList().map((actor) => actor.name);
  },
  /** Edit a past block on one node and report what the checks and the other nodes make of it. */
  tamper(node: NodeId, height: number, edit: TamperEdit): { report: TamperReport; frame: SessionFrame } {
    const report = tamper(session().network, node, height, edit);
    return { report, frame: session().frame() };
  },
};
