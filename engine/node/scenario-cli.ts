/**
 * `ledgerlab scenario run FILE` plays a service story step by step and evaluates its checks;
 * `ledgerlab scenario test [DIR]` runs a folder of stories, on every protocol each allows.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { sharedContractVm } from '../api/lab.ts';
import { LedgerlabError } from '../core/assert.ts';
import { PROTOCOLS } from '../consensus/index.ts';
import type { ProtocolName } from '../consensus/protocol.ts';
import type { Scenario } from '../scenario/format.ts';
import { loadScenario, ScenarioError } from '../scenario/load.ts';
import { ScenarioPlayer, type StepRecord } from '../scenario/player.ts';
import { scenarioReportHtml } from '../scenario/report.ts';
import { integerFlag, parseWithPositionals, UsageError, type Io } from './cli-support.ts';

export const SCENARIO_USAGE = `Usage: ledgerlab scenario run FILE [--protocol P] [--seed S] [--json]
       ledgerlab scenario report FILE -o REPORT.html [--protocol P] [--seed S]
       ledgerlab scenario test [DIR]

  run    play every step of the story in FILE, print what happened and check every "expect";
         exits 1 with a readable report if a check fails
  report play the story and write a standalone HTML report (narration, timeline, every transaction
         with who signed it and in which block, each actor's view, check results) that opens offline
  test   run every *.yaml story in DIR (default contracts/scenarios) on every protocol it lists
         under network.protocols (or its network.protocol)

  --protocol P   run on another protocol: ${Object.keys(PROTOCOLS).join(', ')}
  --seed S       another seed (the story's own by default)
  --json         one JSON object: title, steps, checks {passed, failed}, failures, stateRoot, traceHash

Example: npx ledgerlab scenario run contracts/scenarios/identities.yaml --protocol raft`;

export async function scenarioCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'run') return runCommand(rest, io);
  if (sub === 'test') return testCommand(rest, io);
  if (sub === 'report') return reportCommand(rest, io);
  if (sub === '--help' || sub === '-h') {
    io.out(SCENARIO_USAGE);
    return 0;
  }
  throw new UsageError(`${sub === undefined ? 'Name a scenario command' : `Unknown scenario command "${sub}"`}: use run or test.\n\n${SCENARIO_USAGE}`);
}

interface Loaded {
  scenario: Scenario;
  sources: Record<string, string>;
}

function loadFile(file: string): Loaded {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read the scenario file "${file}": check the path.`);
  }
  const scenario = loadScenario(text, file);
  const sources: Record<string, string> = {};
  for (const contract of scenario.contracts ?? []) {
    const path = resolve(dirname(file), contract.path);
    try {
      sources[contract.path] = readFileSync(path, 'utf8');
    } catch {
      throw new LedgerlabError('scenario-missing-contract', `${file}: contract "${contract.id}" points to ${contract.path}, which does not exist (${path}).`, 'Paths are relative to the scenario file.');
    }
  }
  return { scenario, sources };
}

async function play(loaded: Loaded, protocol: ProtocolName | undefined, seed: number | undefined): Promise<ScenarioPlayer> {
  const contracts = (loaded.scenario.contracts?.length ?? 0) > 0 ? await sharedContractVm() : undefined;
  const player = new ScenarioPlayer(loaded.scenario, { ...(protocol ? { protocol } : {}), ...(seed !== undefined ? { seed } : {}), ...(contracts ? { contracts } : {}), sources: loaded.sources });
  player.playAll();
  return player;
}

function failuresOf(records: readonly StepRecord[]) {
  return records.flatMap((r) => r.checks.filter((c) => !c.passed).map((c) => ({ step: r.index + 1, title: r.title, check: c.check, detail: c.detail })));
}

/** The story file, protocol and seed a run or report names; a located error exits 2. */
function prepareStory(positionals: string[], values: { protocol?: string; seed?: string }, io: Io): { loaded: Loaded; protocol: ProtocolName | undefined; seed: number | undefined } | number {
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`name one scenario file.\n\n${SCENARIO_USAGE}`);
  const protocol = values.protocol;
  if (protocol !== undefined && !(protocol in PROTOCOLS)) throw new UsageError(`--protocol must be one of ${Object.keys(PROTOCOLS).join(', ')}, got "${protocol}".\n\n${SCENARIO_USAGE}`);
  const seed = values.seed === undefined ? undefined : integerFlag(values.seed, 'seed', 1, 0, Number.MAX_SAFE_INTEGER, SCENARIO_USAGE);
  try {
    return { loaded: loadFile(file), protocol: protocol as ProtocolName | undefined, seed };
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, { protocol: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, SCENARIO_USAGE);
  if (values.help) {
    io.out(SCENARIO_USAGE);
    return 0;
  }
  const prepared = prepareStory(positionals, values, io);
  if (typeof prepared === 'number') return prepared;
  const { loaded, protocol, seed } = prepared;
  const player = await play(loaded, protocol, seed);
  const records = player.history();
  const failures = failuresOf(records);
  const passed = records.reduce((n, r) => n + r.checks.filter((c) => c.passed).length, 0);
  if (values.json) {
    io.out(JSON.stringify({ title: loaded.scenario.title, protocol: player.protocol, seed: player.seed, steps: records, checks: { passed, failed: failures.length }, failures, stateRoot: player.state().root, traceHash: player.net.trace.hash() }));
  } else {
    io.out(`${loaded.scenario.title} — ${player.protocol}, ${loaded.scenario.network.nodes} nodes, seed ${player.seed}`);
    for (const r of records) {
      io.out(`\n${r.index + 1}. ${r.title}`);
      for (const t of r.transactions) io.out(`   ${t.name ?? t.kind}${t.kind === 'private.record' ? ' (private: only its parties can read it)' : ''} by ${t.by}: ${t.status}${t.height ? ` in block ${t.height}` : ''}${t.receipt?.error ? ` — ${t.receipt.error}` : t.rejection ? ` — ${t.rejection}` : ''}`);
      for (const change of r.changes) io.out(`   · ${change}`);
      for (const c of r.checks) io.out(`   ${c.passed ? '✓' : '✗'} ${c.check}${c.passed ? '' : ` — ${c.detail}`}`);
    }
    io.out(`\n${passed} checks passed, ${failures.length} failed. State root ${player.state().root.slice(0, 16)}…, trace ${player.net.trace.hash().slice(0, 16)}…`);
  }
  if (failures.length > 0) {
    io.err(`ledgerlab: ${failures.length} check${failures.length === 1 ? '' : 's'} failed: ${failures.map((f) => `step ${f.step} "${f.title}": ${f.check} (${f.detail})`).join('; ')}`);
    return 1;
  }
  return 0;
}

async function reportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, { out: { type: 'string', short: 'o' }, protocol: { type: 'string' }, seed: { type: 'string' } }, SCENARIO_USAGE);
  if (!values.out) throw new UsageError(`say where to write the report with -o report.html.\n\n${SCENARIO_USAGE}`);
  const prepared = prepareStory(positionals, values, io);
  if (typeof prepared === 'number') return prepared;
  const { loaded, protocol, seed } = prepared;
  const player = await play(loaded, protocol, seed);
  writeFileSync(values.out, scenarioReportHtml(player));
  const failures = failuresOf(player.history());
  io.out(`Wrote ${values.out}: ${loaded.scenario.title}, ${player.history().length} steps, ${failures.length === 0 ? 'every check passed' : `${failures.length} checks failed`}.`);
  return failures.length === 0 ? 0 : 1;
}

async function testCommand(args: string[], io: Io): Promise<number> {
  const { positionals } = parseWithPositionals(args, {}, SCENARIO_USAGE);
  const target = positionals[0] ?? 'contracts/scenarios';
  let files: string[];
  try {
    files = statSync(target).isDirectory() ? readdirSync(target).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort().map((f) => join(target, f)) : [target];
  } catch {
    throw new UsageError(`cannot read "${target}": name a scenario file or a folder of them.`);
  }
  let failed = 0;
  let passed = 0;
  for (const file of files) {
    let loaded: Loaded;
    try {
      loaded = loadFile(file);
    } catch (error) {
      if (!(error instanceof ScenarioError || error instanceof LedgerlabError)) throw error;
      io.out(`✗ ${relative('.', file)}: ${error.message}`);
      failed++;
      continue;
    }
    for (const protocol of loaded.scenario.network.protocols ?? [loaded.scenario.network.protocol]) {
      try {
        const player = await play(loaded, protocol, undefined);
        const failures = failuresOf(player.history());
        if (failures.length === 0) {
          passed++;
          io.out(`✓ ${relative('.', file)} on ${protocol}: ${player.history().reduce((n, r) => n + r.checks.length, 0)} checks`);
        } else {
          failed++;
          io.out(`✗ ${relative('.', file)} on ${protocol}:\n${failures.map((f) => `    step ${f.step} "${f.title}": ${f.check} — ${f.detail}`).join('\n')}`);
        }
      } catch (error) {
        if (!(error instanceof LedgerlabError)) throw error;
        failed++;
        io.out(`✗ ${relative('.', file)} on ${protocol}: ${error.message}`);
      }
    }
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
