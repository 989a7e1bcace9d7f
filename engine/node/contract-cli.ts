/**
 * `ledgerlab call` and `ledgerlab test`: run a contract method, or a folder of contract tests,
 * on fresh in-process networks (engine/api/lab.ts). This file does what needs Node: reading
 * contract files, importing test files, printing; the harness itself is pure
 * (engine/api/contract-tests.ts).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LedgerlabError } from '../api/index.ts';
import { createTestCollector, failureOf, runTests, type TestApi, type TestCase, type TestResult } from '../api/contract-tests.ts';
import { ContractLab, LabDeployError, type LabOptions, type LabReceipt } from '../api/lab.ts';
import { LEDGER_LIMITS } from '../ledger/types.ts';
import { integerFlag, parseWithPositionals, UsageError, type Io } from './cli-support.ts';

const CALLER = 'developer';
const CALLER_BALANCE = 1_000_000_000;
const DEFAULT_GAS = 10_000_000;

export const CALL_USAGE = `Usage: ledgerlab call FILE METHOD [ARGS_JSON] [--init ARGS_JSON] [--value N] [--gas N] [--json]

Deploys the contract FILE on a fresh one-node network, calls METHOD in a transaction as the
account "${CALLER}" (which also deployed it), and prints the receipt.

  ARGS_JSON      the method's argument, as JSON (default null); quote it for your shell
  --init JSON    the argument of the contract's init() at deploy (default null)
  --value N      value sent with the call, a whole number (the caller holds ${CALLER_BALANCE})
  --gas N        gas limit of the deploy and of the call (default ${DEFAULT_GAS}, at most ${LEDGER_LIMITS.maxGasLimit})
  --json         print one JSON object: status, gasUsed, returnValue, error, events, logs, deploy, ...

Exit code: 0 the call succeeded, 1 the deploy or the call failed, 2 bad usage.

Example: npx ledgerlab call contracts/token.js transfer '{"to":"0x${'0'.repeat(39)}1","amount":5}' --init '{"initialSupply":100}'`;

export const TEST_USAGE = `Usage: ledgerlab test [PATH]

Runs contract tests: the *.test.js files in PATH (a folder, searched recursively; default
contracts/), or the test file PATH, or the tests of the contract PATH (token.js → token.test.js).
Each test builds its own network with lab(); see contracts/README.md for the harness API.

Exit code: 0 every test passed, 1 a test failed or a file did not load, 2 bad usage.

Example: npx ledgerlab test contracts/`;

// ----------------------------------------------------------------------------- call

export async function callCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseWithPositionals(
    args,
    {
      init: { type: 'string' },
      value: { type: 'string' },
      gas: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    CALL_USAGE,
  );
  if (values.help) {
    io.out(CALL_USAGE);
    return 0;
  }
  if (positionals.length < 2) throw new UsageError(`call needs a contract FILE and a METHOD.\n\n${CALL_USAGE}`);
  if (positionals.length > 3) {
    throw new UsageError(`call takes FILE METHOD [ARGS_JSON], got ${positionals.length} arguments: quote ARGS_JSON so that your shell passes it as one argument, e.g. '{"amount": 5}'.\n\n${CALL_USAGE}`);
  }
  const [file, method, argsText] = positionals as [string, string, string | undefined];
  const source = readContractFile(file);
  const callArgs = parseJsonArgument(argsText, 'ARGS_JSON');
  const initArgs = parseJsonArgument(values.init, '--init');
  const gasLimit = integerFlag(values.gas, 'gas', DEFAULT_GAS, 1, LEDGER_LIMITS.maxGasLimit, CALL_USAGE);
  const value = integerFlag(values.value, 'value', 0, 0, CALLER_BALANCE, CALL_USAGE);
  if (!/^[A-Za-z_$][\w$]*$/.test(method)) throw new UsageError(`METHOD must be the name of an exported function, got "${method}".${methodsHint(file, source)}`);

  const lab = await ContractLab.create({ actors: [{ name: CALLER, balance: CALLER_BALANCE }] });
  const name = basename(file).replace(/\.js$/, '');
  const base = { file, contract: null as string | null, method, args: callArgs, from: lab.address(CALLER) };
  let deployed;
  try {
    deployed = lab.deploySource(source, initArgs, { name, gasLimit });
  } catch (error) {
    if (!(error instanceof LabDeployError)) throw error;
    const deploy = summaryOf(error.receipt);
    if (values.json) {
      io.out(JSON.stringify({ ...base, phase: 'deploy', ...deploy, error: `deploy failed: ${error.receipt.error ?? error.receipt.status}`, deploy }));
    } else {
      io.out(callSummary(file, method, callArgs, lab.address(CALLER), error.receipt, undefined));
    }
    io.err(`ledgerlab: the deploy of ${file} ${error.receipt.status}: ${error.receipt.error ?? ''}`);
    return 1;
  }

  const receipt = lab.call(deployed, method, callArgs, { gasLimit, value });
  const noSuchMethod = receipt.status === 'invalid' && receipt.error === `invalid: contract has no exported method "${method}"`;
  if (noSuchMethod || (receipt.status === 'invalid' && method === 'init')) {
    const why = noSuchMethod ? `${file} has no exported method "${method}".` : `init() runs once, at deploy: pass its argument with --init instead.`;
    throw new UsageError(`${why}${methodsHint(file, source)}`);
  }
  if (values.json) {
    io.out(JSON.stringify({ ...base, contract: deployed.address, phase: 'call', ...summaryOf(receipt), txHash: receipt.txHash, height: receipt.height, blockTimeMs: receipt.blockTimeMs, deploy: { ...summaryOf(deployed.receipt), contract: deployed.address } }));
  } else {
    io.out(callSummary(file, method, callArgs, lab.address(CALLER), deployed.receipt, receipt));
  }
  if (receipt.status !== 'ok') io.err(`ledgerlab: ${method}() ended "${receipt.status}": ${receipt.error ?? ''}`);
  return receipt.status === 'ok' ? 0 : 1;
}

function summaryOf(receipt: LabReceipt) {
  return {
    status: receipt.status,
    gasUsed: receipt.gasUsed,
    fee: receipt.fee,
    returnValue: receipt.returnValue,
    error: receipt.error ?? null,
    events: receipt.events.map((e) => ({ contract: e.contract, name: e.name, data: e.data })),
    logs: receipt.logs,
  };
}

function callSummary(file: string, method: string, args: unknown, caller: string, deploy: LabReceipt, call: LabReceipt | undefined): string {
  const gas = (n: number) => n.toLocaleString('en-GB');
  const lines = [`ledgerlab call: ${file} on a fresh one-node network, as ${CALLER} (${caller})`];
  const describe = (label: string, r: LabReceipt, what: string) => {
    lines.push(`  ${label.padEnd(9)} ${what}: ${r.status}, ${gas(r.gasUsed)} gas, block ${r.height}`);
    if (r.error) lines.push(`  ${'error'.padEnd(9)} ${r.error}`);
    for (const e of r.events) lines.push(`  ${'event'.padEnd(9)} ${e.name} ${JSON.stringify(e.data)}`);
    for (const l of r.logs) lines.push(`  ${'log'.padEnd(9)} ${l}`);
  };
  describe('deploy', deploy, deploy.contract ? `at ${deploy.contract}` : 'failed');
  if (call) {
    describe('call', call, `${method}(${JSON.stringify(args)})`);
    if (call.status === 'ok') lines.push(`  ${'returned'.padEnd(9)} ${JSON.stringify(call.returnValue)}`);
  }
  return lines.join('\n');
}

function readContractFile(file: string): string {
  const path = resolve(file);
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new UsageError(`cannot read the contract file "${file}": there is no such file (looked for ${path}). Give the path of a .js contract, e.g. contracts/token.js.`);
  }
  if (stats.isDirectory()) throw new UsageError(`"${file}" is a folder: give the path of one .js contract file, e.g. contracts/token.js.`);
  return readFileSync(path, 'utf8');
}

function parseJsonArgument(text: string | undefined, what: string): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${what} is not valid JSON (${(error as Error).message}): ${text.length > 80 ? text.slice(0, 80) + '…' : text}\n` +
        `Write it as JSON in single quotes for your shell, with double-quoted keys, e.g. '{"to": "0x…", "amount": 5}'.`,
    );
  }
}

/** "Its methods: a, b, c." from the source's export statements (a hint; the VM is the authority). */
function methodsHint(file: string, source: string): string {
  const names = new Set<string>();
  for (const m of source.matchAll(/^\s*export\s+(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+|var\s+)([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
  for (const m of source.matchAll(/^\s*export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1]!.split(',')) {
      const exported = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (exported) names.add(exported);
    }
  }
  names.delete('init');
  names.delete('default');
  return names.size > 0 ? ` The methods ${basename(file)} exports: ${[...names].join(', ')}.` : ` ${basename(file)} exports no methods.`;
}

// ----------------------------------------------------------------------------- test

type TestGlobals = TestApi & { lab: (options?: LabOptions) => Promise<ContractLab> };

/** Each import of a test file gets its own URL, so running a file twice re-declares its tests. */
let importCount = 0;

export async function testCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseWithPositionals(args, { help: { type: 'boolean', short: 'h' } }, TEST_USAGE);
  if (values.help) {
    io.out(TEST_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`test takes at most one PATH, got ${positionals.length}: ${positionals.join(' ')}.\n\n${TEST_USAGE}`);
  const target = positionals[0] ?? 'contracts/';
  const files = findTestFiles(target);
  const started = performance.now();
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const [index, file] of files.entries()) {
    const shown = relative(process.cwd(), file) || file;
    io.out(index === 0 ? shown : `\n${shown}`);
    const results = await runTestFile(file, io, shown);
    for (const r of results) totals[r.status]++;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const parts = [`${totals.passed} passed`, `${totals.failed} failed`, ...(totals.skipped ? [`${totals.skipped} skipped`] : [])];
  io.out(`\nContract tests: ${parts.join(', ')} (${files.length} file${files.length === 1 ? '' : 's'}, ${seconds} s)`);
  return totals.failed === 0 ? 0 : 1;
}

/** Test files for a path: a folder (recursively), a test file, or a contract next to its test. */
function findTestFiles(target: string): string[] {
  const path = resolve(target);
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new UsageError(`cannot find "${target}" (looked for ${path}). Give a folder of *.test.js files, a test file or a contract, e.g. contracts/.`);
  }
  if (stats.isFile()) {
    if (path.endsWith('.test.js')) return [path];
    const sibling = path.replace(/\.js$/, '.test.js');
    if (path.endsWith('.js') && isFile(sibling)) return [sibling];
    throw new UsageError(`"${target}" is not a test file (*.test.js)${path.endsWith('.js') ? ` and ${basename(sibling)} does not exist next to it` : ''}.`);
  }
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.js')) found.push(full);
    }
  };
  walk(path);
  if (found.length === 0) throw new UsageError(`no test files (*.test.js) in "${target}". Name a contract's tests after it: token.js → token.test.js.`);
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Import one test file with the harness as globals, run what it declared, print as it goes. */
async function runTestFile(file: string, io: Io, shown: string): Promise<TestResult[]> {
  const { api, tests } = createTestCollector();
  const dir = dirname(file);
  const load = (contract: string): string => {
    const path = resolve(dir, contract);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new LedgerlabError('contract-file-missing', `cannot read the contract "${contract}" (looked for ${path}).`, 'Paths given to net.deploy() are relative to the test file.');
    }
  };
  const globals: TestGlobals = { ...api, lab: (options = {}) => ContractLab.create({ ...options, load }) };
  const saved = Object.keys(globals).map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  Object.assign(globalThis, globals);
  try {
    return await loadAndRun(file, tests, io, shown);
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  }
}

async function loadAndRun(file: string, tests: TestCase[], io: Io, shown: string): Promise<TestResult[]> {
  try {
    await import(`${pathToFileURL(file).href}?run=${++importCount}`);
  } catch (error) {
    const failure = failureOf(error);
    io.out(`  ✗ the file did not load: ${failure.message}`);
    const at = locationIn(failure.stack, file, shown);
    if (at) io.out(`      at ${at}`);
    return [{ suite: [], name: '(loading the file)', status: 'failed', durationMs: 0, error: failure }];
  }
  if (tests.length === 0) io.out('  (no tests declared)');
  let printedSuite: readonly string[] = [];
  return runTests(tests, (result) => {
    // Print the describe headers that changed since the previous test.
    let common = 0;
    while (common < printedSuite.length && common < result.suite.length && printedSuite[common] === result.suite[common]) common++;
    for (let i = common; i < result.suite.length; i++) io.out(`${'  '.repeat(i + 1)}${result.suite[i]}`);
    printedSuite = result.suite;
    const indent = '  '.repeat(result.suite.length + 1);
    const mark = result.status === 'passed' ? '✓' : result.status === 'failed' ? '✗' : '-';
    const time = result.status === 'skipped' ? ' (skipped)' : ` (${Math.round(result.durationMs)} ms)`;
    io.out(`${indent}${mark} ${result.name}${time}`);
    if (result.error) {
      for (const line of result.error.message.split('\n')) io.out(`${indent}    ${line}`);
      const at = locationIn(result.error.stack, file, shown);
      if (at) io.out(`${indent}    at ${at}`);
    }
  });
}

/** The first stack frame in the test file, as "shown/path.test.js:LINE:COLUMN". */
function locationIn(stack: string | undefined, file: string, shown: string): string | undefined {
  if (!stack) return undefined;
  const url = pathToFileURL(file).href;
  for (const line of stack.split('\n')) {
    const at = line.indexOf(url) >= 0 ? line.indexOf(url) + url.length : line.indexOf(file) >= 0 ? line.indexOf(file) + file.length : -1;
    if (at < 0) continue;
    const position = /^(?:\?[^:]*)?:(\d+):(\d+)/.exec(line.slice(at));
    if (position) return `${shown}:${position[1]}:${position[2]}`;
  }
  return undefined;
}
