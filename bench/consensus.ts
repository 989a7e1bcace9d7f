/**
 * Consensus cost against network size, per protocol: simulator events per second and wall time
 * per block, so the growth of cost with node count is visible (PoA and Raft grow about linearly
 * in messages per block, BFT quadratically: every validator votes to every other).
 * Message trace off, as for any large headless run. Figures, not pass/fail.
 */
import { wallClockMs } from '../engine/api/clock.ts';
import { Network } from '../engine/api/network.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../engine/api/workload.ts';
import type { ProtocolName } from '../engine/consensus/protocol.ts';
import { formatTable } from '../engine/node/cli-support.ts';

export interface ConsensusRow {
  protocol: ProtocolName;
  nodes: number;
  blocks: number;
  events: number;
  wallMs: number;
  eventsPerSec: number;
  msPerBlock: number;
  eventsPerBlock: number;
}

export function benchConsensus(protocol: ProtocolName, nodes: number, blocks: number): ConsensusRow {
  const started = wallClockMs();
  const net = new Network({ protocol, nodes, seed: 1, actors: [...WORKLOAD_ACTORS], traceMessages: false, traceRetain: 1_000 });
  scheduleTransfers(net, { count: blocks * 10, startMs: 1, endMs: blocks * net.blockPeriodMs });
  net.runUntilHeight(blocks, { maxTimeMs: blocks * net.blockPeriodMs * 20 });
  const wallMs = wallClockMs() - started;
  const height = net.commonHeight();
  return {
    protocol,
    nodes,
    blocks: height,
    events: net.sim.eventCount,
    wallMs: Math.round(wallMs),
    eventsPerSec: Math.round(net.sim.eventCount / (wallMs / 1000)),
    msPerBlock: Number((wallMs / Math.max(1, height)).toFixed(1)),
    eventsPerBlock: Math.round(net.sim.eventCount / Math.max(1, height)),
  };
}

export function runConsensusBench(print: (line: string) => void): void {
  const plan: Array<[ProtocolName, number[], number]> = [
    ['poa', [4, 16, 64], 20],
    ['raft', [5, 17, 65], 20],
    ['bft', [4, 16, 100], 5],
  ];
  print('Consensus cost against node count (wall time; 10 transfers per block)');
  const rows: Array<Record<string, unknown>> = [];
  for (const [protocol, sizes, blocks] of plan) {
    const measured = sizes.map((n) => benchConsensus(protocol, n, blocks));
    for (const r of measured) rows.push({ ...r, msPerBlockVsSmallest: `${(r.msPerBlock / measured[0]!.msPerBlock).toFixed(1)}x` });
  }
  print(formatTable(rows));
}
