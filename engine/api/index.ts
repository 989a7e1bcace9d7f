/**
 * The engine's one surface for the CLI, the Web Worker and tests. Functions here take and
 * return plain, serialisable data; the {@link Network} harness is the object behind them.
 */
import { LedgerlabError } from '../core/assert.ts';
import { PROTOCOLS } from '../consensus/index.ts';
import { wallClockMs } from './clock.ts';
import { Network } from './network.ts';
import type { RunOptions, RunReport } from './types.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from './workload.ts';
import { preverifyTransactions } from './webcrypto.ts';
import { parseFaults, scheduleFaults } from './faults.ts';
import { CheckerSet } from '../checkers/index.ts';
import type { SignedTx } from '../ledger/types.ts';

export * from './types.ts';
export { Network, type NetworkOptions, type NetworkAction, type Actor, type ActorSpec, type QueryOptions } from './network.ts';
/** `Network.fork()` throws this, naming the path, if simulated state holds a closure. */
export { SnapshotError } from '../core/clone.ts';
export type { TimelineChange, TimelineInfo, PlaybackOptions, SnapshotPolicy } from '../scenario/timeline.ts';
export { ContractLab, LabDeployError, sharedContractVm, type LabOptions, type LabActor, type LabReceipt, type DeployedContract, type ContractRef } from './lab.ts';
export { createTestCollector, runTests, expect, ExpectationError, type TestApi, type TestCase, type TestResult, type Matchers } from './contract-tests.ts';
export { scheduleTransfers, WORKLOAD_ACTORS } from './workload.ts';
export { LedgerlabError } from '../core/assert.ts';
export { preverifyTransactions, webCryptoEd25519 } from './webcrypto.ts';
export { parseFaults, formatFaults, scheduleFaults, applyFault, type FaultStep, type FaultAction } from './faults.ts';
export { CheckerSet } from '../checkers/index.ts';

/** Check run options and say exactly what is wrong and how to fix it. */
export function validateRunOptions(options: RunOptions): RunOptions {
  const problems: string[] = [];
  if (!(options.protocol in PROTOCOLS)) problems.push(`protocol must be one of ${Object.keys(PROTOCOLS).join(', ')} (got "${options.protocol}")`);
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 2_000) problems.push(`nodes must be an integer from 1 to 2000 (got ${options.nodes})`);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) problems.push(`seed must be a non-negative integer (got ${options.seed})`);
  if (!Number.isInteger(options.blocks) || options.blocks < 1 || options.blocks > 1_000_000) problems.push(`blocks must be an integer from 1 to 1000000 (got ${options.blocks})`);
  if (!Number.isInteger(options.txs) || options.txs < 0 || options.txs > 10_000_000) problems.push(`txs must be an integer from 0 to 10000000 (got ${options.txs})`);
  if (problems.length > 0) throw new LedgerlabError('bad-run-options', `Invalid run options: ${problems.join('; ')}.`);
  return options;
}

export interface RunHooks {
  /** Called with the network before it runs (to subscribe to the trace, inject faults...). */
  onNetwork?: (network: Network) => void;
  /** Keep every trace event in memory (needed for --trace); default keeps the newest 100k. */
  keepFullTrace?: boolean;
}

/** A network built and loaded with its workload, ready to run. */
export interface PreparedRun {
  options: RunOptions;
  network: Network;
  checkers: CheckerSet;
  replay: string;
  lastFaultMs: number;
  /** Every transaction the workload will submit. */
  transactions: SignedTx[];
  startedMs: number;
}

/** Build the network and schedule the workload (signing every transaction) without running it. */
export function prepareRun(options: RunOptions, hooks: RunHooks = {}): PreparedRun {
  validateRunOptions(options);
  const startedMs = wallClockMs();
  const network = new Network({
    protocol: options.protocol,
    nodes: options.nodes,
    seed: options.seed,
    actors: [...WORKLOAD_ACTORS],
    traceRetain: hooks.keepFullTrace ? Number.POSITIVE_INFINITY : 100_000,
    ...(options.params ? { protocolParams: options.params } : {}),
  });
  hooks.onNetwork?.(network);
  const faults = options.faults ? parseFaults(options.faults, options.nodes) : [];
  scheduleFaults(network, faults);
  const replay = replayCommand(options);
  const checkers = new CheckerSet(network, replay);
  // Submissions fill the first three quarters of the run, so the last blocks can include them.
  const endMs = Math.max(network.blockPeriodMs, Math.floor(options.blocks * network.blockPeriodMs * 0.75));
  const transactions = scheduleTransfers(network, { count: options.txs, startMs: 1, endMs });
  return { options, network, checkers, replay, lastFaultMs: faults.at(-1)?.atMs ?? 0, transactions, startedMs };
}

/** The one-line command that replays a run. */
export function replayCommand(options: RunOptions): string {
  const faults = options.faults ? ` --faults '${options.faults}'` : '';
  const params = options.params ? ` --params '${JSON.stringify(options.params)}'` : '';
  return `npx ledgerlab run --protocol ${options.protocol} --nodes ${options.nodes} --seed ${options.seed} --blocks ${options.blocks} --txs ${options.txs}${faults}${params}`;
}

/** Run a prepared network until every live node has `blocks` blocks, and report. */
export function finishRun(run: PreparedRun): RunReport {
  const { options, network } = run;
  const maxTimeMs = options.maxTimeMs ?? run.lastFaultMs + options.blocks * network.blockPeriodMs * 20 + 60_000;
  const result = network.runUntilHeight(options.blocks, { maxEvents: options.maxEvents ?? 50_000_000, maxTimeMs });
  const violations = run.checkers.finish();
  run.checkers.detach();
  const height = network.commonHeight();
  const status = network.status();
  const firstLive = status.find((s) => s.alive)?.node ?? 0;
  return {
    protocol: options.protocol,
    nodes: options.nodes,
    seed: options.seed,
    height,
    txsCommitted: network.txsCommitted(firstLive, height),
    stateRoots: network.stateRootsAt(height),
    traceHash: network.trace.hash(),
    traceEvents: network.trace.length,
    simTimeMs: network.now,
    wallMs: Math.round(wallClockMs() - run.startedMs),
    reachedTarget: result.reason === 'reached',
    finalizedHeight: status.map((s) => s.finalizedHeight),
    violations,
    replay: run.replay,
  };
}

/** Run a network headless until every live node has `blocks` blocks, and report. */
export function runNetwork(options: RunOptions, hooks: RunHooks = {}): RunReport {
  return finishRun(prepareRun(options, hooks));
}

/**
 * The same run for asynchronous hosts (the studio's Web Worker): the workload's signatures are
 * first verified with the platform's native WebCrypto ed25519 where it exists. Same report,
 * same trace hash as {@link runNetwork}.
 */
export async function runNetworkAsync(options: RunOptions, hooks: RunHooks = {}): Promise<RunReport> {
  const run = prepareRun(options, hooks);
  await preverifyTransactions(run.transactions);
  return finishRun(run);
}
