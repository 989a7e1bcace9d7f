/**
 * Raft's leader-election experiment, after §9.3 and Figure 16 of the extended Raft paper
 * (notes/consensus.md §5.1): five servers, broadcast time about 15 ms, the leader crashed
 * repeatedly at a uniformly random moment within a heartbeat interval (half the minimum
 * election timeout), servers with different log lengths; measure the time without a leader.
 * Each trial is a fresh, seeded simulation, so the whole table is reproducible.
 *
 * The paper's headline numbers, for comparison: no randomness → split votes, elections often
 * longer than 10 s; 5 ms of randomness → median downtime 287 ms; 150–200 ms (50 ms of
 * randomness) → worst case 513 ms over 1000 trials; 12–24 ms → 35 ms on average, 152 ms max.
 */
import { Network } from '../api/network.ts';
import type { RaftNode } from '../consensus/raft.ts';
import { Prng } from '../core/prng.ts';

export interface ElectionRange {
  minMs: number;
  maxMs: number;
}

export interface ElectionRow {
  range: string;
  trials: number;
  /** Trials that elected no leader before the cap (counted at the cap in the statistics). */
  capped: number;
  meanMs: number;
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Time without a leader at the 10th, 20th ... 100th percentile, for a CDF plot. */
  cdfMs: number[];
}

export const PAPER_RANGES: ElectionRange[] = [
  { minMs: 150, maxMs: 150 },
  { minMs: 150, maxMs: 151 },
  { minMs: 150, maxMs: 155 },
  { minMs: 150, maxMs: 175 },
  { minMs: 150, maxMs: 200 },
  { minMs: 150, maxMs: 300 },
  { minMs: 12, maxMs: 24 },
  { minMs: 25, maxMs: 50 },
  { minMs: 50, maxMs: 100 },
  { minMs: 100, maxMs: 200 },
];

export interface ElectionOptions {
  trials: number;
  seed: number;
  ranges?: ElectionRange[];
  servers?: number;
  /** A trial with no leader after this long counts as this long (default 10 s). */
  capMs?: number;
}

/** Time from the leader's crash to the next leader being elected, in one seeded trial. */
export function electionTrial(range: ElectionRange, seed: number, servers = 5, capMs = 10_000): number {
  const heartbeatMs = Math.max(1, Math.floor(range.minMs / 2));
  const net = new Network({
    protocol: 'raft',
    nodes: servers,
    seed,
    // One-way 5-10 ms: a broadcast (request and reply) takes about 15 ms, as in the paper.
    link: { latencyMs: 5, jitterMs: 5 },
    blockPeriodMs: 10,
    protocolParams: { electionTimeoutMinMs: range.minMs, electionTimeoutMaxMs: range.maxMs, heartbeatMs, maxUncommitted: 1_000 },
    traceMessages: false,
    traceRetain: 1_000,
  });
  const raft = (id: number) => net.node(id) as RaftNode | undefined;
  const leader = () => {
    for (let id = 0; id < servers; id++) if (raft(id)?.inspect().role === 'leader') return id;
    return undefined;
  };
  // Let a leader emerge and replicate for a while.
  net.runUntil(() => leader() !== undefined, { maxTimeMs: capMs });
  if (leader() === undefined) return capMs;
  net.runFor(100);
  // Different log lengths: one follower stops hearing the leader for a little less than the
  // minimum election timeout (so it does not campaign), missing the entries appended meanwhile.
  const random = Prng.stream(seed, 'election-trial');
  const current = leader();
  if (current === undefined) return capMs;
  const lagging = (current + 1 + random.nextInt(servers - 1)) % servers;
  net.sim.network.cut(current, lagging, true);
  net.runFor(Math.max(1, Math.floor(range.minMs * 0.8)));
  net.sim.network.heal();
  // Crash the leader at a uniformly random moment within a heartbeat interval.
  net.runFor(random.nextInt(heartbeatMs) + 1);
  const first = leader();
  if (first === undefined) return capMs;
  const term = raft(first)!.inspect().term;
  const crashedAt = net.now;
  net.crash(first);
  const result = net.runUntil(
    () => {
      const now = leader();
      return now !== undefined && now !== first && raft(now)!.inspect().term > term;
    },
    { maxTimeMs: crashedAt + capMs },
  );
  return result.reason === 'reached' ? net.now - crashedAt : capMs;
}

export function electionExperiment(options: ElectionOptions): ElectionRow[] {
  const ranges = options.ranges ?? PAPER_RANGES;
  const capMs = options.capMs ?? 10_000;
  return ranges.map((range, r) => {
    const times: number[] = [];
    for (let t = 0; t < options.trials; t++) times.push(electionTrial(range, options.seed * 1_000_003 + r * 10_007 + t, options.servers, capMs));
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
    return {
      range: `${range.minMs}-${range.maxMs} ms`,
      trials: times.length,
      capped: times.filter((x) => x >= capMs).length,
      meanMs: Math.round(times.reduce((s, x) => s + x, 0) / times.length),
      medianMs: at(0.5),
      p90Ms: at(0.9),
      p99Ms: at(0.99),
      maxMs: times[times.length - 1]!,
      cdfMs: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map(at),
    };
  });
}
