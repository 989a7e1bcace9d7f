/**
 * Proof-of-work figures: simulator events per second and wall time per block against node count
 * (random degree-8 topology with relay, as Bitcoin's 8 outbound peers; message trace off, as for
 * any large headless run). Figures, not pass/fail.
 */
import { Network } from '../engine/api/network.ts';
import { wallClockMs } from '../engine/api/clock.ts';
import { useNativeCrypto } from '../engine/node/native-crypto.ts';
import { formatTable as table } from '../engine/node/cli-support.ts';

export interface PowRow {
  nodes: number;
  blocks: number;
  buildMs: number;
  wallMs: number;
  events: number;
  eventsPerSec: number;
  msPerBlock: number;
  traceEvents: number;
  orphanRate: string;
}

export function benchPowNetwork(nodes: number, blocks: number, seed = 1): PowRow {
  const started = wallClockMs();
  const net = new Network({ protocol: 'pow', nodes, seed, topology: { kind: 'random', degree: 8 }, traceMessages: false, traceRetain: 10_000 });
  const built = wallClockMs();
  let mined = 0;
  net.trace.subscribe((e) => {
    if (e.type === 'block.propose') mined++;
  });
  // Chunks of virtual time: Network.runUntilHeight checks every node's head after every event.
  while (net.commonHeight() < blocks) net.runFor(250);
  const done = wallClockMs();
  const runMs = done - built;
  const height = net.commonHeight();
  return {
    nodes,
    blocks: height,
    buildMs: Math.round(built - started),
    wallMs: Math.round(runMs),
    events: net.sim.eventCount,
    eventsPerSec: Math.round(net.sim.eventCount / (runMs / 1000)),
    msPerBlock: Number((runMs / height).toFixed(1)),
    traceEvents: net.trace.length,
    orphanRate: `${((1 - height / Math.max(1, mined)) * 100).toFixed(1)}%`,
  };
}

export function benchPow(print: (line: string) => void): void {
  useNativeCrypto();
  benchPowNetwork(20, 5, 99); // warm up the JIT
  print('Proof-of-work (Poisson mining, 1 s target, random degree-8 topology with relay, no message trace)');
  const rows = [
    benchPowNetwork(10, 40),
    benchPowNetwork(100, 20),
    benchPowNetwork(1_000, 10),
  ];
  print(table(rows.map((r) => ({ ...r, perNodeBlockUs: Number(((r.msPerBlock * 1000) / r.nodes).toFixed(1)) }))));
  print('');
  print('perNodeBlockUs: wall time per block per node (each node validates, stores and relays every block).');
  print('orphanRate: blocks mined but not on the chain that reached the common height (forks near the tip included).');
}
