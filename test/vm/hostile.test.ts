/**
 * The hostile corpus (contracts/hostile/*.js): every attack ends cleanly with an expected
 * status, identically twice, identically on a VM with a different history, within a
 * bounded time, and the next ordinary transaction still works.
 *
 * Each file says what it expects in its header:
 *   // expect: out_of_gas | out_of_memory      allowed statuses
 *   // args: [{"via":"map"}, ...]              one run per argument value (default: none)
 *   // method: (deploy)                        the attack is in module top-level code
 *   // needs: victims/escrow.js | chain        extra setup (see below)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionResult, ExecutionStatus } from '../../engine/vm/host-interface.ts';
import { ALICE, BOB, Lab, TOKEN_SOURCE, address } from './helpers.ts';

const HOSTILE_DIR = fileURLToPath(new URL('../../contracts/hostile/', import.meta.url));
const GAS_LIMIT = 10_000_000;
/** Wall-clock bound per attack run on a shared 2-core machine (gas, not this, decides). */
const SLOW_MS = 5_000;

interface Attack {
  file: string;
  name: string;
  source: string;
  expect: ExecutionStatus[];
  args: unknown[];
  atDeploy: boolean;
  needs: string | undefined;
}

function header(source: string, key: string): string | undefined {
  return new RegExp(`^// ${key}: (.*)$`, 'm').exec(source)?.[1]?.trim();
}

const attacks: Attack[] = readdirSync(HOSTILE_DIR)
  .filter((f) => f.endsWith('.js'))
  .sort()
  .map((file) => {
    const source = readFileSync(HOSTILE_DIR + file, 'utf8');
    return {
      file,
      name: file.replace(/\.js$/, ''),
      source,
      expect: (header(source, 'expect') ?? 'ok').split('|').map((s) => s.trim() as ExecutionStatus),
      args: JSON.parse(header(source, 'args') ?? '[null]') as unknown[],
      atDeploy: header(source, 'method') === '(deploy)',
      needs: header(source, 'needs'),
    };
  });

/** A VM with a token, plus what each attack needs, deployed at fixed addresses. */
async function arena() {
  const lab = await Lab.create();
  lab.state.balances.set(ALICE, 1_000_000);
  const token = lab.deploy(TOKEN_SOURCE, { initArgs: { supply: 1_000_000 }, name: 'token', contract: address(9001) }).address;
  const escrow = lab.deploy(readFileSync(`${HOSTILE_DIR}victims/escrow.js`, 'utf8'), { name: 'escrow', contract: address(9002) }).address;
  return { lab, token, escrow };
}

type Arena = Awaited<ReturnType<typeof arena>>;

/** Runs one attack case; returns the result and how long it took. */
function runAttack(a: Arena, attack: Attack, args: unknown): { result: ExecutionResult; ms: number } {
  const { lab } = a;
  const contract = address(20_000 + attacks.indexOf(attack));
  const txHash = 'fe'.repeat(32);
  const block = lab.state.block();
  if (attack.atDeploy) {
    const request = { ...lab.deployRequest(attack.source, { contract, gasLimit: GAS_LIMIT, name: attack.name }), txHash, block };
    const started = performance.now();
    const result = lab.vm.execute(request, lab.state);
    return { result, ms: performance.now() - started };
  }
  if (!lab.state.code.has(contract)) {
    const deployed = lab.deploy(attack.source, { contract, name: attack.name });
    expect(deployed.result.status, `deploying ${attack.file}: ${deployed.result.error}`).toBe('ok');
    lab.state.balances.set(contract, 1_000);
  }
  let callArgs = args;
  if (attack.needs === 'victims/escrow.js') callArgs = { escrow: a.escrow };
  if (attack.needs === 'chain') {
    const chain: string[] = [];
    for (let i = 0; i < 12; i++) {
      const link = address(30_000 + i);
      if (!lab.state.code.has(link)) lab.deploy(attack.source, { contract: link, name: `${attack.name}-${i}` });
      chain.push(link);
    }
    callArgs = { chain };
  }
  const request = { ...lab.callRequest(contract, 'attack', callArgs ?? undefined, { gasLimit: GAS_LIMIT }), txHash, block };
  const started = performance.now();
  const result = lab.vm.execute(request, lab.state);
  return { result, ms: performance.now() - started };
}

const timings: string[] = [];
let first: Arena;
let second: Arena;

beforeAll(async () => {
  [first, second] = await Promise.all([arena(), arena()]);
  // Give the second VM a different history: run the whole corpus on it in reverse order.
  for (const attack of [...attacks].reverse()) for (const args of attack.args) runAttack(second, attack, args);
});

afterAll(() => {
  if (process.env.LEDGERLAB_VM_TIMINGS) console.log(timings.join('\n'));
});

describe('the hostile corpus', () => {
  it('has the attacks the VM must survive', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(25);
  });

  for (const attack of attacks) {
    it(`${attack.name}: ends with ${attack.expect.join(' or ')}, deterministically, and the ledger keeps working`, () => {
      for (const args of attack.args) {
        const one = runAttack(first, attack, args);
        const two = runAttack(first, attack, args);
        const other = runAttack(second, attack, args);
        const label = `${attack.file} ${JSON.stringify(args)}: ${one.result.status} ${one.result.error ?? ''}`;
        timings.push(`${attack.name.padEnd(28)} ${JSON.stringify(args).padEnd(20)} ${one.result.status.padEnd(13)} gas ${String(one.result.gasUsed).padStart(9)}  ${one.ms.toFixed(1)} ms`);
        expect(attack.expect, label).toContain(one.result.status);
        expect(two.result, `${label} (same VM, run twice)`).toEqual(one.result);
        expect(other.result, `${label} (VM with another history)`).toEqual(one.result);
        expect(one.ms, label).toBeLessThan(SLOW_MS);
        if (one.result.status === 'out_of_gas') expect(one.result.gasUsed).toBe(GAS_LIMIT);
        else expect(one.result.gasUsed).toBeLessThanOrEqual(GAS_LIMIT);
        if (one.result.status !== 'ok') expect(one.result.delta).toEqual({ storageWrites: [], transfers: [], deployed: [] });
      }
      const after = first.lab.call(first.token, 'transfer', { to: BOB, amount: 1 });
      expect(after.status, after.error).toBe('ok');
    });
  }
});

describe('what the attacks could reach', () => {
  const attack = (name: string) => attacks.find((a) => a.name === name)!;

  it('finds no host globals, no Function constructor and no dynamic import', () => {
    const { result } = runAttack(first, attack('host-reach'), null);
    const { seen, results, globals } = result.returnValue as { seen: Record<string, string>; results: Record<string, string>; globals: string[] };
    for (const [name, type] of Object.entries(seen)) {
      if (name === 'SharedArrayBuffer' || name === 'Atomics') continue; // plain JS built-ins, harmless
      expect(type, name).toBe('undefined');
    }
    expect(results).toEqual({
      functionCtor: 'EvalError', arrowCtor: 'EvalError', asyncCtor: 'EvalError', generatorCtor: 'EvalError',
      evalIndirect: 'EvalError', constructorChain: 'EvalError', dynamicImport: 'SyntaxError',
    });
    expect(globals).toContain('console');
    expect(globals).not.toContain('__ledger_host');
  });

  it('pollution stays inside the transaction that made it', () => {
    const pollution = attack('prototype-pollution');
    const { result } = runAttack(first, pollution, { x: 1 });
    // The forged JSON.stringify, Array.prototype.push and String.prototype.slice did not
    // disturb the API; Object.prototype.toJSON changed what the contract itself emitted.
    expect(result.status).toBe('ok');
    expect(result.returnValue).toBe('done');
    expect(result.events.map((e) => e.data)).toEqual(['hijacked']);
    const contract = address(20_000 + attacks.indexOf(pollution));
    const check = first.lab.query(contract, 'check');
    expect(check.returnValue).toEqual({ polluted: true, push: 'push', json: '{"a":1}' });
  });

  it('re-entrancy into the escrow is rejected and the escrow keeps its money', () => {
    const { result } = runAttack(first, attack('reentrancy'), null);
    expect(result.status).toBe('reverted');
    expect(result.error).toMatch(/re-entrant call to 0x\w+ rejected/);
    expect(first.lab.query(first.escrow, 'owed', { who: address(20_000 + attacks.indexOf(attack('reentrancy'))) }).returnValue).toBe(0);
    expect(first.lab.state.balanceOf(first.escrow)).toBe(0);
  });

  it('a call chain deeper than the limit fails at the limit', () => {
    const { result } = runAttack(first, attack('call-depth'), null);
    expect(result.error).toMatch(/call depth limit exceeded \(at most 8 nested frames\)/);
  });

  it('memory bombs hit the fixed VM memory, and a contract may catch that', () => {
    const doubling = runAttack(first, attack('string-doubling'), { flat: true }).result;
    expect(doubling).toMatchObject({ status: 'out_of_memory', error: 'out of memory: the contract ran out of memory' });
    expect(runAttack(first, attack('string-doubling'), { flat: false }).result.error).toMatch(/InternalError: string too long/);
    expect(runAttack(first, attack('catch-oom'), null).result.returnValue).toBe('InternalError: out of memory');
    expect(runAttack(first, attack('huge-arrays'), { kind: 'typed' }).result.status).toBe('out_of_memory');
  });

  it('deep recursion is a guest error, never a host stack overflow', () => {
    const { result } = runAttack(first, attack('deep-recursion'), null);
    expect(result.error).toMatch(/^reverted: InternalError: stack overflow \(deep-recursion.js:\d+:\d+\)$/);
  });
});
