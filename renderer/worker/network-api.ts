/** Worker API for the network view and node inspector: plain data in, plain data out. */
import { inspectNode, type NodeId, type NodeInspection } from '../../engine/api/inspect.ts';
import { session } from './current.ts';

export const networkApi = {
  /** What one node of the live network knows: chain tip, finality, protocol state (engine/api/inspect.ts). */
  inspectNode(node: NodeId): NodeInspection {
    return inspectNode(session().network, node);
  },
};
