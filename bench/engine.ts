/**
 * Engine figures: simulator events per second and end-to-end signed-transfer throughput
 * (wall time: signing, gossip, validation by every node, execution, state roots) for 1, 4 and
 * 16 nodes. Figures, not pass/fail.
 */
import { Network } from '../engine/api/network.ts';
import { wallClockMs } from '../engine/api/clock.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../engine/api/workload.ts';
import { signatureVerifications } from '../engine/core/keys.ts';
import { blockExecutions } from '../engine/ledger/execute.ts';
import { Trie } from '../engine/ledger/trie.ts';
import { useNativeCrypto } from '../engine/node/native-crypto.ts';
import { formatTable } from '../engine/node/cli-support.ts';

export interface EngineRow {
  nodes: number;
  blocks: number;
  txs: number;
  events: number;
  wallMs: number;
  eventsPerSec: number;
  txPerSec: number;
  msPerBlock: number;
  verificationsPerTx: number;
  executionsPerBlock: number;
}

export function benchThroughput(nodes: number, blocks: number, txs: number, seed = 1): EngineRow {
  const started = wallClockMs();
  const verificationsBefore = signatureVerifications();
  const executionsBefore = blockExecutions();
  const net = new Network({ protocol: 'poa', nodes, seed, actors: [...WORKLOAD_ACTORS], traceRetain: 10_000 });
  scheduleTransfers(net, { count: txs, startMs: 1, endMs: Math.floor(blocks * net.blockPeriodMs * 0.75) });
  net.runUntilHeight(blocks);
  const wallMs = wallClockMs() - started;
  const committed = net.txsCommitted(0, net.commonHeight());
  return {
    nodes,
    blocks: net.commonHeight(),
    txs: committed,
    events: net.sim.eventCount,
    wallMs: Math.round(wallMs),
    eventsPerSec: Math.round(net.sim.eventCount / (wallMs / 1000)),
    txPerSec: Math.round(committed / (wallMs / 1000)),
    msPerBlock: Number((wallMs / net.commonHeight()).toFixed(2)),
    verificationsPerTx: Number(((signatureVerifications() - verificationsBefore) / Math.max(1, txs)).toFixed(2)),
    executionsPerBlock: Number(((blockExecutions() - executionsBefore) / net.commonHeight()).toFixed(2)),
  };
}

/** Cost of one state-root update as the state grows: should grow like log(n), not n. */
export function benchStateRoot(sizes: number[]): Array<{ keys: number; usPerUpdate: number }> {
  return sizes.map((size) => {
    let trie = Trie.EMPTY;
    for (let i = 0; i < size; i++) trie = trie.set(`acct:${i.toString(16).padStart(10, '0')}`, `{"balance":${i},"nonce":0}`);
    trie.rootHash();
    const updates = 2_000;
    const started = wallClockMs();
    for (let i = 0; i < updates; i++) {
      trie = trie.set(`acct:${((i * 7919) % size).toString(16).padStart(10, '0')}`, `{"balance":${i},"nonce":1}`);
      if (i % 100 === 99) trie.rootHash(); // one root per 100-update block
    }
    trie.rootHash();
    return { keys: size, usPerUpdate: Number((((wallClockMs() - started) * 1000) / updates).toFixed(1)) };
  });
}

export function runEngineBench(print: (line: string) => void): void {
  useNativeCrypto();
  benchThroughput(4, 5, 100, 99); // warm up the JIT
  print('Simulator and signed-transfer throughput (proof-of-authority, native ed25519, wall time)');
  // a different seed per row, so each row signs and verifies its own transactions
  const rows = [1, 4, 16].map((n) => benchThroughput(n, 20, 2_000, n));
  print(formatTable(rows.map((r) => ({ ...r, vsOneNode: `${(r.txPerSec / rows[0]!.txPerSec).toFixed(2)}x` }))));
  print('');
  print('Signature checks per transaction stay at ~1 whatever the node count (verified once per content hash);');
  print('block executions per block stay at ~1 (results shared by content key between in-process nodes).');
  print('');
  print('State-root update cost against state size (persistent Merkle trie, 100 updates per root)');
  const roots = benchStateRoot([1_000, 10_000, 100_000]);
  print(formatTable(roots.map((r) => ({ ...r, vsSmallest: `${(r.usPerUpdate / roots[0]!.usPerUpdate).toFixed(2)}x` }))));
}
