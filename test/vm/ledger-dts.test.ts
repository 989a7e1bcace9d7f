/**
 * contracts/ledger.d.ts is the contract API as the editor (Monaco) sees it: it must describe
 * every export of the runtime "ledger" module, and type-check real contracts (JS with
 * checkJs, and TS) without errors while catching misuse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LEDGER_MODULE_SOURCE } from '../../engine/vm/guest/prelude.ts';
import { TOKEN_SOURCE } from './helpers.ts';

const DTS_PATH = fileURLToPath(new URL('../../contracts/ledger.d.ts', import.meta.url));
const DTS = readFileSync(DTS_PATH, 'utf8');
const libCache = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-checks `files` (name -> text) together with ledger.d.ts, as the editor would: ES2022
 * library only (QuickJS has no DOM), strict for TypeScript, checkJs without strict for JS.
 */
function diagnostics(files: Record<string, string>, strict = true): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'], types: [], strict, noEmit: true, allowJs: true, checkJs: true,
    // Contracts and contract tests are ES modules even without an import (Node and the VM load them so).
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  const all: Record<string, string> = { '/contracts/ledger.d.ts': DTS, ...files };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (name) => all[name] ?? read(name);
  host.fileExists = (name) => name in all || exists(name);
  const get = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) => {
    if (name in all) return ts.createSourceFile(name, all[name]!, version);
    // The standard library is parsed once for all the checks in this file.
    let lib = libCache.get(name);
    if (!lib) libCache.set(name, (lib = get(name, version, onError)));
    return lib;
  };
  const program = ts.createProgram(Object.keys(all), options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('contracts/ledger.d.ts', () => {
  it('declares every export of the runtime "ledger" module', () => {
    const runtime = [...LEDGER_MODULE_SOURCE.matchAll(/^export const (\w+)/gm)].map((m) => m[1]!).sort();
    const moduleBlock = DTS.slice(DTS.indexOf("declare module 'ledger'"));
    const declared = [...moduleBlock.matchAll(/^ {2}export (?:const|function|class) (\w+)/gm)].map((m) => m[1]!);
    expect(runtime.filter((name) => !declared.includes(name))).toEqual([]);
    expect(LEDGER_MODULE_SOURCE).toMatch(/^export default api;$/m);
    expect(moduleBlock).toMatch(/export default api;/);
  });

  it('type-checks the token contract (JavaScript) and a TypeScript contract', () => {
    expect(diagnostics({ '/contracts/token.js': TOKEN_SOURCE }, false)).toEqual([]);
    const typescript = `import { storage, ctx, emit, call, transfer, balanceOf, assert, revert, identity, CallError } from "ledger";
export function pay(args: { to: string; amount: number }): number {
  assert(args.amount > 0, "positive amounts only");
  const credit = storage.get<number>("credit:" + ctx.sender) ?? 0;
  if (!identity.hasCredential(ctx.sender, "resident")) revert("residents only");
  transfer(args.to, args.amount);
  emit("Paid", { to: args.to, amount: args.amount, at: ctx.blockTime });
  for (const [key, value] of storage.entries<number>("credit:", { limit: 10 })) console.log(key, value);
  try { call<number>(args.to, "notify", { amount: args.amount }); } catch (e) { if (e instanceof CallError) console.warn(e.status); }
  return credit + balanceOf(ctx.self) + ctx.randomInt(6);
}`;
    expect(diagnostics({ '/contracts/pay.ts': typescript })).toEqual([]);
  });

  it('type-checks the contract library with it, and the contract tests with contracts/testing.d.ts', () => {
    const dir = fileURLToPath(new URL('../../contracts/', import.meta.url));
    const files: Record<string, string> = { '/contracts/testing.d.ts': readFileSync(dir + 'testing.d.ts', 'utf8') };
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) files[`/contracts/${name}`] = readFileSync(dir + name, 'utf8');
    expect(Object.keys(files).filter((f) => f.endsWith('.test.js')).length).toBeGreaterThanOrEqual(7);
    expect(diagnostics(files, false)).toEqual([]);
  });

  it('catches misuse in the editor', () => {
    const errors = diagnostics({
      '/contracts/bad.ts': `import { storage, ctx, emit } from "ledger";
export function f() {
  storage.set("k", () => 1);
  ctx.sender = "me";
  emit(42);
  document.title = "x";
}`,
    });
    expect(errors.length).toBe(4);
    expect(errors.join('\n')).toMatch(/Cannot assign to 'sender' because it is a read-only property/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
  });
});
