/** A seeded workload of signed transfers between named actors, spread over a time window. */
import { Prng } from '../core/prng.ts';
import type { SignedTx } from '../ledger/types.ts';
import type { Actor, ActorSpec, Network } from './network.ts';

export const WORKLOAD_ACTORS: readonly ActorSpec[] = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi',
  'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil',
].map((name) => ({ name, kind: 'person' as const, balance: 1_000_000 }));

export interface WorkloadOptions {
  count: number;
  /** Submissions are spread uniformly over [startMs, endMs). */
  startMs: number;
  endMs: number;
}

/**
 * Schedule `count` transfers: random sender, random other recipient, amount 1-100, fee 1, each
 * handed to a random node. Nonces follow submission order per sender. Returns the transactions.
 */
export function scheduleTransfers(network: Network, options: WorkloadOptions): SignedTx[] {
  const random = Prng.stream(network.seed, 'workload');
  const actors = network.actorList();
  if (actors.length < 2 || options.count <= 0) return [];
  const span = Math.max(1, options.endMs - options.startMs);
  const times = Array.from({ length: options.count }, () => options.startMs + random.nextInt(span)).sort((a, b) => a - b);
  const scheduled: SignedTx[] = [];
  for (const at of times) {
    const { from, to, amount } = drawTransfer(random, actors);
    const tx = network.sign(from.name, { type: 'transfer', to: to.key.address, amount }, { fee: 1 });
    network.submitAt(at, tx, random.nextInt(network.nodeCount));
    scheduled.push(tx);
  }
  return scheduled;
}

/** One workload transfer: a random sender, a random other recipient, an amount from 1 to 100. */
export function drawTransfer(random: Prng, actors: readonly Actor[]): { from: Actor; to: Actor; amount: number } {
  const from = random.pick(actors);
  let to = random.pick(actors);
  while (to === from) to = random.pick(actors);
  return { from, to, amount: random.between(1, 100) };
}
