/**
 * Worker API for the metrics view: the live session's metrics as plain arrays. A collector
 * follows each network's trace from the moment it is first asked for (or watched from start),
 * kept beside the Network in a WeakMap rather than in it, so a snapshot or a forked copy of a
 * network simply gets its own collector, fed from what its trace holds.
 */
import { attachMetrics, type MetricsCollector, type MetricsReport } from '../../engine/api/metrics.ts';
import type { StudioSession } from '../../engine/api/session.ts';
import { hasSession, session } from './current.ts';

/** Points per series sent to the page at most (the newest ones). */
const MAX_POINTS = 5_000;

type Network = StudioSession['network'];

const collectors = new WeakMap<Network, MetricsCollector>();

function collectorFor(network: Network): MetricsCollector {
  let collector = collectors.get(network);
  if (!collector) {
    collector = attachMetrics(network.trace).collector;
    collectors.set(network, collector);
  }
  return collector;
}

/** Start collecting for a new session right away, so its metrics cover the run from time 0. */
export function watchMetrics(started: StudioSession): void {
  collectorFor(started.network);
}

export const metricsApi = {
  /** The running session's metrics, or null when no network is running. */
  metrics(maxPoints: number = MAX_POINTS): MetricsReport | null {
    if (!hasSession()) return null;
    return collectorFor(session().network).report(Math.max(1, Math.min(MAX_POINTS, Math.floor(maxPoints))));
  },
};
