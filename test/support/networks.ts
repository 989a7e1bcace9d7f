/** Networks shared by engine tests. */
import { Network, type ActorSpec } from '../../engine/api/network.ts';

/**
 * A 4-node proof-of-authority network with the usual cast: alice and bob (1,000 each) and the
 * council (10,000), plus any `extraActors`.
 */
export function poaWithCast(seed: number, extraActors: ActorSpec[] = []): Network {
  return new Network({
    protocol: 'poa',
    nodes: 4,
    seed,
    actors: [
      { name: 'alice', balance: 1_000 },
      { name: 'bob', balance: 1_000 },
      { name: 'council', kind: 'organisation', balance: 10_000 },
      ...extraActors,
    ],
  });
}
