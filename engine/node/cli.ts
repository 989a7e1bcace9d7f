/**
 * The `ledgerlab` command line. Each command parses its flags strictly: an unknown or malformed
 * flag prints what is wrong and how to fix it, and exits with code 2.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { integerFlag, parse, UsageError, defaultIo, type Io } from './cli-support.ts';
import { fuzzCommand } from './fuzz-cli.ts';
import { scenarioCommand } from './scenario-cli.ts';
import { experimentCommand } from './experiment-cli.ts';
import { sessionCommand } from './session-cli.ts';
import { callCommand, testCommand } from './contract-cli.ts';
import { LedgerlabError, parseFaults, runNetwork, type Network, type RunOptions, type RunReport } from '../api/index.ts';
import { PROTOCOLS, type ProtocolParam } from '../consensus/index.ts';
import { Trace } from '../sim/trace.ts';
import { attachMetrics, formatMetrics, type MetricsCollector } from '../api/metrics.ts';
import { useNativeCrypto } from './native-crypto.ts';


const USAGE = `Usage: ledgerlab <command> [options]

Commands:
  run      Run a simulated ledger network headless and report the outcome.
  fuzz     Run many seeds with random faults and check every safety and progress property.
  experiment  Run a reproducible experiment against published numbers (double-spend, election).
  call     Deploy a contract file on a fresh network, call one method and print the receipt.
  test     Run contract tests (*.test.js next to the contracts, default contracts/).
  scenario Play a service story step by step and check it (scenario run FILE, scenario test DIR).
  session  Replay a studio session headless: its settings, the changes made and when (printed by the studio).

Run "ledgerlab <command> --help" for a command's options.`;

const RUN_USAGE = `Usage: ledgerlab run [--protocol P] [--nodes N] [--seed S] [--blocks B] [--txs T] [--faults SPEC] [--params JSON] [--json] [--trace FILE]

  --protocol P   consensus protocol: ${Object.keys(PROTOCOLS).join(', ')} (default poa)
  --nodes N      number of nodes, 1-2000 (default 4)
  --seed S       seed that fully defines the run, a non-negative integer (default 1)
  --blocks B     run until every live node has B blocks (default 20)
  --txs T        signed transfers submitted during the run (default 100)
  --json         print one JSON object instead of a summary
  --faults SPEC  what goes wrong and when: steps "@TIME ACTION ARGS" separated by ";"
                 crash N | restart N | partition 0,1|2,3 | cut A>B | cut A-B | heal
                 latency MS[+JITTER] [A-B] | drop RATE [A-B] | dup RATE [A-B]
                 byzantine N BEHAVIOUR | honest N
                 e.g. --faults "@2s crash 1; @6s restart 1; @3s partition 0,1|2,3; @8s heal"
  --params JSON  protocol parameters, e.g. '{"hashShares":[0.6,0.2,0.2]}' (a PoW attacker with 60%),
                 '{"electionTimeoutMinMs":150,"electionTimeoutMaxMs":300}' (Raft), '{"confirmations":6}'
  --trace FILE   write every trace event to FILE as JSON lines
  --metrics      also report block interval, time to finality, messages per block, throughput
                 and orphan rate (a "metrics" object with --json)
  --max-events N stop with an error after N simulator events (default 50000000)

Example: npx ledgerlab run --protocol poa --nodes 4 --seed 7 --blocks 20 --txs 200 --json`;

/** Entry point: returns the exit code (0 ok, 1 the run failed, 2 bad usage). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  useNativeCrypto();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest, io);
      case 'scenario':
        return await scenarioCommand(rest, io);
      case 'fuzz':
        return await fuzzCommand(rest, io);
      case 'experiment':
        return await experimentCommand(rest, io);
      case 'session':
        return await sessionCommand(rest, io);
      case 'call':
        return await callCommand(rest, io);
      case 'test':
        return await testCommand(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ledgerlab: ${error.message}`);
      return 2;
    }
    if (error instanceof LedgerlabError) {
      io.err(`ledgerlab: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      protocol: { type: 'string' },
      nodes: { type: 'string' },
      seed: { type: 'string' },
      blocks: { type: 'string' },
      txs: { type: 'string' },
      json: { type: 'boolean' },
      trace: { type: 'string' },
      metrics: { type: 'boolean' },
      faults: { type: 'string' },
      params: { type: 'string' },
      'max-events': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    RUN_USAGE,
  );
  if (values.help) {
    io.out(RUN_USAGE);
    return 0;
  }
  const protocol = values.protocol ?? 'poa';
  if (!(protocol in PROTOCOLS)) throw new UsageError(`--protocol must be one of ${Object.keys(PROTOCOLS).join(', ')}, got "${protocol}".\n\n${RUN_USAGE}`);
  const options: RunOptions = {
    protocol: protocol as RunOptions['protocol'],
    nodes: integerFlag(values.nodes, 'nodes', 4, 1, 2_000, RUN_USAGE),
    seed: integerFlag(values.seed, 'seed', 1, 0, Number.MAX_SAFE_INTEGER, RUN_USAGE),
    blocks: integerFlag(values.blocks, 'blocks', 20, 1, 1_000_000, RUN_USAGE),
    txs: integerFlag(values.txs, 'txs', 100, 0, 10_000_000, RUN_USAGE),
    maxEvents: integerFlag(values['max-events'], 'max-events', 50_000_000, 1, Number.MAX_SAFE_INTEGER, RUN_USAGE),
    ...(values.faults !== undefined ? { faults: values.faults } : {}),
    ...(values.params !== undefined ? { params: parseParams(values.params) } : {}),
  };
  if (options.faults !== undefined) {
    try {
      parseFaults(options.faults, options.nodes);
    } catch (error) {
      throw new UsageError(`--faults: ${(error as Error).message}`);
    }
  }
  let network: Network | undefined;
  let metrics: MetricsCollector | undefined;
  const onNetwork = (n: Network) => {
    network = n;
    if (values.metrics) metrics = attachMetrics(n.trace).collector;
  };
  const report = runNetwork(options, { keepFullTrace: values.trace !== undefined, onNetwork });
  if (values.trace !== undefined && network) await writeTrace(values.trace, network);
  const totals = metrics?.totals();
  if (values.json) io.out(JSON.stringify(totals ? { ...report, metrics: totals } : report));
  else io.out(totals ? `${summary(report)}\n${formatMetrics(totals)}` : summary(report));
  if (!report.reachedTarget) io.err(`ledgerlab: the network did not reach height ${options.blocks} (it stopped at ${report.height}, seed ${options.seed}). Replay: ${report.replay}`);
  if (report.violations.length > 0) io.err(`ledgerlab: ${report.violations.length} violation${report.violations.length === 1 ? '' : 's'} (seed ${options.seed}). Replay: ${report.replay}`);
  return report.reachedTarget && report.violations.length === 0 ? 0 : 1;
}

function parseParams(text: string): Record<string, ProtocolParam> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--params must be a JSON object, e.g. '{"hashShares":[0.6,0.2,0.2]}': ${(error as Error).message}.\n\n${RUN_USAGE}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--params must be a JSON object, e.g. '{"confirmations":6}'.\n\n${RUN_USAGE}`);
  for (const [key, value] of Object.entries(parsed)) {
    const ok = typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || (Array.isArray(value) && (value.every((v) => typeof v === 'number') || value.every((v) => typeof v === 'string')));
    if (!ok) throw new UsageError(`--params: "${key}" must be a number, string, boolean, list of numbers or list of strings.\n\n${RUN_USAGE}`);
  }
  return parsed as Record<string, ProtocolParam>;
}

async function writeTrace(path: string, network: Network): Promise<void> {
  const stream = createWriteStream(path);
  for (const event of network.trace.events()) {
    if (!stream.write(Trace.toJsonLine(event) + '\n')) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

function summary(report: RunReport): string {
  const agree = new Set(report.stateRoots).size === 1;
  return [
    `Ledgerlab run: ${report.protocol}, ${report.nodes} node${report.nodes === 1 ? '' : 's'}, seed ${report.seed}`,
    `  height ${report.height} ${report.reachedTarget ? 'reached' : 'NOT reached (stopped)'} after ${(report.simTimeMs / 1000).toFixed(1)} s of simulated time (${(report.wallMs / 1000).toFixed(2)} s wall)`,
    `  ${report.txsCommitted} transaction${report.txsCommitted === 1 ? '' : 's'} committed`,
    agree
      ? `  state root at height ${report.height}: all ${report.nodes} nodes agree (${report.stateRoots[0]!.slice(0, 16)}…)`
      : `  state roots at height ${report.height} DIFFER: ${report.stateRoots.map((r, i) => `node ${i} ${r.slice(0, 10)}`).join(', ')}`,
    `  finalized height per node: ${report.finalizedHeight.join(', ')}`,
    `  trace: ${report.traceEvents} events, hash ${report.traceHash.slice(0, 16)}…`,
    report.violations.length === 0 ? '  checkers: no violations' : `  VIOLATIONS:\n${report.violations.map((v) => `    [${v.checker}] at ${v.atMs} ms: ${v.detail}`).join('\n')}`,
  ].join('\n');
}
