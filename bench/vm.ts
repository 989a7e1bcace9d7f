/**
 * Contract VM figures: throughput of a token transfer, fixed per-call overhead, the cost of
 * the memory snapshot, the same logic in plain V8, memory per VM instance and how fast the
 * hostile cases are stopped. Figures, not pass/fail.
 *
 *   npx tsx bench/vm.ts          (also part of `npm run bench`)
 */
import { pathToFileURL } from 'node:url';
import type { ContractStateView, ExecutionRequest } from '../engine/vm/host-interface.ts';
import { ContractVM, MemoryState, Sandbox, compileQuickJsGasWasm } from '../engine/vm/index.ts';
// The token of test/vm: its transfer is the benchmark's unit of work.
import { TOKEN_SOURCE } from '../test/vm/helpers.ts';

const ALICE = `0x${'a1'.repeat(20)}`;
const BOB = `0x${'b0'.repeat(20)}`;


export type BenchRow = { name: string; value: number; unit: string };

const now = () => performance.now();
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Median of `runs` timings of `fn` repeated `n` times, in µs per repetition. */
function microsPer(n: number, fn: () => void, runs = 5): number {
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((now() - started) * 1000) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** The token's transfer in plain V8 with the VM's storage semantics (JSON text values). */
function plainV8Transfer(): () => void {
  const storage = new Map<string, string>();
  storage.set(`balance:${ALICE}`, JSON.stringify(1e15));
  const get = (k: string) => {
    const t = storage.get(k);
    return t === undefined ? undefined : (JSON.parse(t) as number);
  };
  const events: unknown[] = [];
  return () => {
    const from = ALICE;
    const to = BOB;
    const amount = 1;
    const balance = get(`balance:${from}`) ?? 0;
    if (!(balance >= amount)) throw new Error('balance too low');
    storage.set(`balance:${from}`, JSON.stringify(balance - amount));
    storage.set(`balance:${to}`, JSON.stringify((get(`balance:${to}`) ?? 0) + amount));
    events.push({ from, to, amount });
    if (events.length > 1000) events.length = 0;
  };
}

const LOOP_SOURCE = `import { ctx } from "ledger";
export function transfers({ n }) {
  // the token's transfer, n times, with a guest-side Map as storage: raw interpreter speed
  const storage = new Map([["balance:a", JSON.stringify(1e15)]]);
  const get = (k) => { const t = storage.get(k); return t === undefined ? undefined : JSON.parse(t); };
  const events = [];
  for (let i = 0; i < n; i++) {
    const balance = get("balance:a") ?? 0;
    if (!(balance >= 1)) throw new Error("balance too low");
    storage.set("balance:a", JSON.stringify(balance - 1));
    storage.set("balance:b", JSON.stringify((get("balance:b") ?? 0) + 1));
    events.push({ from: "a", to: "b", amount: 1 });
    if (events.length > 1000) events.length = 0;
  }
  return n;
}
export function noop() {}
export function spin() { for (;;) {} }
export function sum({ n }) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) | 0; return s; }
`;

function rssBytes(): number {
  return process.memoryUsage().rss;
}

export async function benchVm(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const add = (name: string, value: number, unit: string) => rows.push({ name, value, unit });

  let started = now();
  const module = await compileQuickJsGasWasm();
  add('compile quickjs-gas wasm (once per process)', round(now() - started), 'ms');
  started = now();
  const vm = await ContractVM.create({ wasmModule: module });
  add('ContractVM.create (instance + runtime + snapshot)', round(now() - started), 'ms');

  const lab = new Sandbox(vm);
  lab.state.balances.set(ALICE, 1e12);
  const token = lab.deploy(TOKEN_SOURCE, { initArgs: { supply: 1e15 }, name: 'token' }).address;
  const loop = lab.deploy(LOOP_SOURCE, { name: 'loop' }).address;
  const transfer = lab.callRequest(token, 'transfer', { to: BOB, amount: 1 });
  const state: ContractStateView = lab.state;
  for (let i = 0; i < 300; i++) vm.execute(transfer, state); // warm up (JIT tiering of the wasm)

  const usTransfer = microsPer(1000, () => vm.execute(transfer, state));
  add('token transfer, full execute (restore + call + result)', round(1e6 / usTransfer, 0), 'calls/s');
  add('token transfer, per call', round(usTransfer), 'µs');
  add('token transfer, gas', vm.execute(transfer, state).gasUsed, 'units');

  const uncached = await ContractVM.create({ wasmModule: module, config: { moduleCacheEntries: 0 } });
  for (let i = 0; i < 100; i++) uncached.execute(transfer, state);
  const usUncached = microsPer(300, () => uncached.execute(transfer, state));
  add('token transfer, module cache off (compile every call)', round(usUncached), 'µs');

  const noop = lab.callRequest(loop, 'noop');
  for (let i = 0; i < 200; i++) vm.execute(noop, state);
  add('per-call overhead: empty method', round(microsPer(1000, () => vm.execute(noop, state))), 'µs');
  const noopQuery: ExecutionRequest = { kind: 'query', sender: ALICE, contract: loop, method: 'noop', args: undefined, gasLimit: 1e6, block: lab.state.block() };
  add('per-call overhead: empty query', round(microsPer(1000, () => vm.execute(noopQuery, state))), 'µs');
  const invalid: ExecutionRequest = { ...noopQuery, method: 'init' };
  add('rejecting an invalid request (no guest code)', round(microsPer(2000, () => vm.execute(invalid, state)), 2), 'µs');
  add('memory restored per execution (snapshot)', round(vm.memoryStats().snapshotBytes / 1024), 'KiB');

  const v8 = plainV8Transfer();
  for (let i = 0; i < 10_000; i++) v8();
  const usV8 = microsPer(100_000, v8);
  add('same transfer logic in plain V8', round(1e6 / usV8, 0), 'calls/s');
  add('VM full execute vs plain V8', round(usTransfer / usV8, 0), '× slower');

  const inner = 20_000;
  const innerRequest = lab.callRequest(loop, 'transfers', { n: inner }, { gasLimit: 1e9 });
  vm.execute(innerRequest, state);
  const usInner = microsPer(1, () => vm.execute(innerRequest, state), 3) / inner;
  add('transfer logic inside one call (guest Map, no host I/O)', round(1e6 / usInner, 0), 'transfers/s');
  add('interpreted QuickJS vs V8, same logic', round(usInner / usV8, 0), '× slower');
  const gasInner = vm.execute(innerRequest, state).gasUsed / inner;
  add('metered interpreter speed', round(gasInner / usInner, 0), 'gas units/µs');

  const n = 1_000_000;
  const sumRequest = lab.callRequest(loop, 'sum', { n }, { gasLimit: 1e9 });
  vm.execute(sumRequest, state);
  const usSum = microsPer(1, () => vm.execute(sumRequest, state), 3);
  const v8Sum = (count: number) => { let s = 0; for (let i = 0; i < count; i++) s = (s + i) | 0; return s; };
  v8Sum(n);
  const usSumV8 = microsPer(3, () => v8Sum(n));
  add('tight arithmetic loop (1e6 iterations) in the VM', round(usSum / 1000), 'ms');
  add('tight arithmetic loop: VM vs plain V8', round(usSum / usSumV8, 0), '× slower');

  const spin = lab.callRequest(loop, 'spin', undefined, { gasLimit: 10_000_000 });
  vm.execute(spin, state);
  add('infinite loop stopped at 10M gas', round(microsPer(1, () => vm.execute(spin, state), 3) / 1000), 'ms');

  // Memory: RSS growth per extra VM instance after it has run a transfer.
  global.gc?.();
  const before = rssBytes();
  const extra: ContractVM[] = [];
  for (let i = 0; i < 8; i++) {
    const other = await ContractVM.create({ wasmModule: module });
    other.execute(transfer, state);
    extra.push(other);
  }
  global.gc?.();
  add('RSS per extra VM instance (after one transfer)', round((rssBytes() - before) / extra.length / 1024), 'KiB');
  const stats = vm.memoryStats();
  add('linear memory reserved per VM (fixed, mostly untouched)', stats.memoryBytes / 1024 / 1024, 'MiB');
  add('heap available to contracts', round(stats.heapBytes / 1024 / 1024), 'MiB');
  add('module cache held (per cached contract ≈)', round(stats.moduleCacheBytes / Math.max(1, stats.moduleCacheEntries) / 1024), 'KiB');

  const fresh = new MemoryState();
  const deploy = new Sandbox(vm, fresh).deployRequest(TOKEN_SOURCE, { initArgs: { supply: 1 }, name: 'token' });
  add('deploy of the token (compile + init)', round(microsPer(50, () => vm.execute(deploy, fresh))), 'µs');
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { formatTable: table } = await import('../engine/node/cli-support.ts');
  console.log(`Contract VM bench: node ${process.version}`);
  console.log(table(await benchVm()));
}
