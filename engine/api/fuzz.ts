/**
 * Simulation testing (swarm style, after TigerBeetle's VOPR): each seed draws its own network
 * size, fault mix and workload, runs a chaos phase, then heals the network and demands progress.
 *
 * Within tolerance (the default) at most f nodes are faulty (crash/restart, or a Byzantine
 * behaviour where the protocol defines one), and the network suffers partitions, loss,
 * duplication and latency changes; the checkers must find nothing, and after healing every
 * honest node must finalise new blocks. With `beyondTolerance`, f+1 nodes fail for good (or
 * collude), and the checkers must catch a violation or a loss of progress — proof they can fail.
 */
import { Prng } from '../core/prng.ts';
import { CheckerSet, type Violation } from '../checkers/index.ts';
import { protocolByName, type ProtocolName } from '../consensus/index.ts';
import type { NodeId } from '../sim/events.ts';
import { formatFaults, scheduleFaults, type FaultStep } from './faults.ts';
import { Network } from './network.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from './workload.ts';

export interface FuzzCase {
  seed: number;
  protocol: ProtocolName;
  nodes: number;
  tolerance: number;
  faulty: NodeId[];
  faults: string;
  violations: Violation[];
  /** Lowest finalized height among honest live nodes when the network was healed, and at the end. */
  finalizedAtHeal: number;
  finalizedAtEnd: number;
  replay: string;
  events: number;
}

export interface FuzzOptions {
  protocol: ProtocolName;
  beyondTolerance?: boolean;
  /** Virtual time of the chaos phase (default 20 s). */
  chaosMs?: number;
  /** Virtual time after healing in which progress is required (default 30 s; longer for PoW). */
  graceMs?: number;
}

const SIZES: Record<Exclude<ProtocolName, 'bft'>, [number, number]> = { poa: [3, 7], raft: [3, 7], pow: [4, 8] };

export function fuzzReplay(protocol: ProtocolName, seed: number, beyondTolerance: boolean): string {
  return `npx ledgerlab fuzz --protocol ${protocol} --seed ${seed}${beyondTolerance ? ' --beyond-tolerance' : ''}`;
}

/** Run one seed: draw a network and a fault mix, run chaos, heal, check. */
export function fuzzOne(seed: number, options: FuzzOptions): FuzzCase {
  const { protocol } = options;
  const beyond = options.beyondTolerance ?? false;
  const definition = protocolByName(protocol);
  const random = Prng.stream(seed, `fuzz/${protocol}`);
  // BFT at its canonical sizes n = 3f + 1, where f + 1 faults can break it.
  const nodes = protocol === 'bft' ? random.pick([4, 7]) : random.between(...SIZES[protocol]);
  const tolerance = definition.tolerance(nodes);
  const chaosMs = options.chaosMs ?? 20_000;
  const blockPeriodMs = protocol === 'pow' ? 2_000 : 1_000;
  const graceMs = options.graceMs ?? (protocol === 'pow' ? 60_000 : 30_000);
  const behaviours = Object.keys(definition.byzantineBehaviours).filter((b) => !(protocol === 'pow' && b === 'withhold' && !beyond));
  const faultyCount = beyond ? tolerance + 1 : random.between(0, tolerance);
  const faulty = random.shuffle(Array.from({ length: nodes }, (_, i) => i)).slice(0, faultyCount).sort((a, b) => a - b);
  const steps: FaultStep[] = [];
  const byzantine: Record<number, string> = {};
  const permanentlyDown = new Set<NodeId>();
  const protocolParams: Record<string, number | readonly number[]> = {};

  if (beyond) {
    if (protocol === 'bft') {
      // Even seeds attack safety (f+1 equivocators), odd seeds liveness (f+1 silent validators).
      for (const n of faulty) byzantine[n] = seed % 2 === 0 ? 'equivocate' : 'silent';
    } else if (protocol === 'pow') {
      // One attacker holding most of the hash power mines selfishly.
      const attacker = faulty[0]!;
      protocolParams.hashShares = Array.from({ length: nodes }, (_, i) => (i === attacker ? 0.6 : 0.4 / (nodes - 1)));
      byzantine[attacker] = behaviours.includes('withhold') ? 'withhold' : behaviours[0]!;
    } else {
      for (const n of faulty) {
        steps.push({ atMs: random.between(1_000, chaosMs / 2), action: { kind: 'crash', node: n } });
        permanentlyDown.add(n);
      }
    }
  } else {
    for (const n of faulty) {
      if (behaviours.length > 0 && random.chance(0.5)) {
        byzantine[n] = random.pick(behaviours);
      } else {
        const crashAt = random.between(500, chaosMs - 2_000);
        steps.push({ atMs: crashAt, action: { kind: 'crash', node: n } });
        if (random.chance(0.7)) steps.push({ atMs: random.between(crashAt + 500, chaosMs), action: { kind: 'restart', node: n } });
      }
    }
    // Network trouble for everyone: safety must hold whatever the network does.
    const partitions = protocol === 'pow' ? 0 : random.between(0, 2);
    for (let p = 0; p < partitions; p++) {
      const start = random.between(500, chaosMs - 3_000);
      const order = random.shuffle(Array.from({ length: nodes }, (_, i) => i));
      const cutAt = random.between(1, nodes - 1);
      steps.push({ atMs: start, action: { kind: 'partition', groups: [order.slice(0, cutAt), order.slice(cutAt)] } });
      steps.push({ atMs: random.between(start + 500, chaosMs), action: { kind: 'heal' } });
    }
    if (random.chance(0.5)) steps.push({ atMs: random.between(0, chaosMs / 2), action: { kind: 'drop', rate: random.between(0, protocol === 'pow' ? 5 : 20) / 100 } });
    if (random.chance(0.3)) steps.push({ atMs: random.between(0, chaosMs / 2), action: { kind: 'dup', rate: random.between(0, 10) / 100 } });
    if (random.chance(0.3)) steps.push({ atMs: random.between(0, chaosMs / 2), action: { kind: 'latency', latencyMs: random.between(5, 150), jitterMs: random.between(0, 100) } });
  }
  // Heal: links restored, loss and duplication off, crashed nodes back (unless beyond tolerance).
  steps.push({ atMs: chaosMs, action: { kind: 'heal' } });
  steps.push({ atMs: chaosMs, action: { kind: 'drop', rate: 0 } });
  steps.push({ atMs: chaosMs, action: { kind: 'dup', rate: 0 } });
  steps.push({ atMs: chaosMs, action: { kind: 'latency', latencyMs: 20, jitterMs: 30 } });
  for (const n of faulty) if (!byzantine[n] && !permanentlyDown.has(n)) steps.push({ atMs: chaosMs, action: { kind: 'restart', node: n } });
  steps.sort((a, b) => a.atMs - b.atMs);

  const network = new Network({ protocol, nodes, seed, actors: WORKLOAD_ACTORS.slice(0, 6), byzantine, blockPeriodMs, protocolParams, traceRetain: 20_000, traceMessages: false });
  const replay = fuzzReplay(protocol, seed, beyond);
  const checkers = new CheckerSet(network, replay);
  scheduleTransfers(network, { count: 30, startMs: 1, endMs: chaosMs });
  scheduleFaults(network, steps);
  const honestLive = () => Array.from({ length: nodes }, (_, i) => i).filter((i) => !byzantine[i] && network.sim.isAlive(i));
  const minFinalized = () => Math.min(...honestLive().map((i) => network.chainOf(i).finalizedHeight), Number.POSITIVE_INFINITY);
  network.runUntilTime(chaosMs, { maxEvents: 5_000_000 });
  const finalizedAtHeal = Math.max(...honestLive().map((i) => network.chainOf(i).finalizedHeight), 0);
  network.runUntilTime(chaosMs + graceMs, { maxEvents: 5_000_000 });
  const finalizedAtEnd = honestLive().length > 0 ? minFinalized() : 0;
  // Progress: after healing, every honest live node finalises blocks beyond anything final at the heal.
  if (finalizedAtEnd < finalizedAtHeal + 2) {
    checkers.report('progress', `after healing at ${chaosMs} ms, the honest nodes' lowest finalized height is ${finalizedAtEnd}, not past ${finalizedAtHeal + 1} within ${graceMs} ms`);
  }
  const violations = checkers.finish();
  checkers.detach();
  return { seed, protocol, nodes, tolerance, faulty, faults: formatFaults(steps) + (Object.keys(byzantine).length ? `; byzantine ${JSON.stringify(byzantine)}` : ''), violations, finalizedAtHeal, finalizedAtEnd, replay, events: network.sim.eventCount };
}

export interface FuzzSummary {
  protocol: ProtocolName;
  beyondTolerance: boolean;
  seeds: number;
  /** Seeds with at least one violation (including loss of progress). */
  failing: FuzzCase[];
  byChecker: Record<string, number>;
}

/** Run `count` seeds from `firstSeed`. */
export function fuzz(firstSeed: number, count: number, options: FuzzOptions, onCase?: (c: FuzzCase) => void): FuzzSummary {
  const failing: FuzzCase[] = [];
  const byChecker: Record<string, number> = {};
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const result = fuzzOne(seed, options);
    onCase?.(result);
    if (result.violations.length > 0) failing.push(result);
    for (const checker of new Set(result.violations.map((v) => v.checker))) byChecker[checker] = (byChecker[checker] ?? 0) + 1;
  }
  return { protocol: options.protocol, beyondTolerance: options.beyondTolerance ?? false, seeds: count, failing, byChecker };
}
