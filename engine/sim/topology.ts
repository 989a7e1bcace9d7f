/**
 * Who is connected to whom. A full mesh suits small permissioned networks (PoA, Raft, BFT);
 * large proof-of-work networks connect each node to a few random peers and relay (gossip),
 * as Bitcoin nodes do with their 8 outbound connections.
 */
import { invariant } from '../core/assert.ts';
import { Prng } from '../core/prng.ts';
import type { NodeId } from './events.ts';

export type TopologySpec = { kind: 'mesh' } | { kind: 'random'; degree: number };

/** Symmetric adjacency lists, sorted, every node reachable from every other. */
export function buildTopology(nodes: number, spec: TopologySpec, seed: number | string): NodeId[][] {
  if (spec.kind === 'mesh' || nodes <= spec.degree + 1) {
    return Array.from({ length: nodes }, (_, i) => Array.from({ length: nodes }, (_, j) => j).filter((j) => j !== i));
  }
  invariant(Number.isInteger(spec.degree) && spec.degree >= 2, 'a random topology needs degree >= 2');
  const random = Prng.stream(seed, 'topology');
  const links = Array.from({ length: nodes }, () => new Set<NodeId>());
  const connect = (a: NodeId, b: NodeId) => {
    if (a === b) return;
    links[a]!.add(b);
    links[b]!.add(a);
  };
  // A ring guarantees connectivity; random chords bring the diameter down to about log(n).
  for (let i = 0; i < nodes; i++) connect(i, (i + 1) % nodes);
  for (let i = 0; i < nodes; i++) {
    let attempts = 0;
    while (links[i]!.size < spec.degree && attempts++ < spec.degree * 4) {
      const j = random.nextInt(nodes);
      if (links[j]!.size < spec.degree * 2) connect(i, j);
    }
  }
  return links.map((set) => [...set].sort((a, b) => a - b));
}

export function isFullMesh(peers: readonly (readonly NodeId[])[]): boolean {
  return peers.every((list) => list.length === peers.length - 1);
}
