/**
 * Determinism: a request against a state gives the same result and the same gas on every VM,
 * whatever the VM ran before, with or without the module cache, in any host time zone; the
 * clock is the block's, the time zone is UTC and randomness comes from the block and the
 * transaction.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../engine/vm/host-interface.ts';
import { ContractVM } from '../../engine/vm/index.ts';
import { ALICE, BOB, CAROL, Lab, MemoryState, TOKEN_SOURCE, address } from './helpers.ts';

const CLOCK = `import { ctx } from "ledger";
export function probe() {
  const d = new Date();
  return {
    now: Date.now(), blockTime: ctx.blockTime,
    string: d.toString(), local: new Date(2024, 0, 15, 9, 30).getTime(), utc: Date.UTC(2024, 0, 15, 9, 30),
    offset: d.getTimezoneOffset(), hours: d.getHours(), utcHours: d.getUTCHours(),
    locale: d.toLocaleString(), parsedLocal: Date.parse("2024-01-15T09:30:00"),
    intl: typeof Intl, weakRef: typeof WeakRef, finalization: typeof FinalizationRegistry,
    random: [Math.random(), Math.random(), ctx.random(), ctx.randomInt(1000000)].map((x) => Math.floor(x * 1e6)),
  };
}
export function evals() {
  const out = [];
  for (const f of [() => eval("1"), () => Function("return 1")(), () => new Function("return 1")()]) {
    try { out.push(f()); } catch (e) { out.push(e.name + ": " + e.message); }
  }
  return out;
}
`;

let lab: Lab;
let clock: string;
beforeAll(async () => {
  lab = await Lab.create();
  clock = lab.deploy(CLOCK, { name: 'clock' }).address;
});

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('time inside a contract', () => {
  it('is the block time, in UTC', () => {
    const result = lab.query(clock, 'probe');
    const probe = result.returnValue as Record<string, unknown>;
    const blockTime = lab.state.timeMs;
    expect(probe).toMatchObject({
      now: blockTime,
      blockTime,
      local: Date.UTC(2024, 0, 15, 9, 30),
      utc: Date.UTC(2024, 0, 15, 9, 30),
      offset: 0,
      hours: new Date(blockTime).getUTCHours(),
      utcHours: new Date(blockTime).getUTCHours(),
      parsedLocal: Date.UTC(2024, 0, 15, 9, 30),
      intl: 'undefined',
      weakRef: 'undefined',
      finalization: 'undefined',
    });
    expect(probe.string).toMatch(/ GMT\+0000$/);
    expect(probe.string).toBe('Tue Nov 24 2026 09:30:00 GMT+0000');
  });

  it('does not depend on the host time zone', () => {
    const hostOffsets = new Set<number>();
    const results = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'].map((tz) => {
      process.env.TZ = tz; // Node applies this to the host's Date immediately
      hostOffsets.add(new Date(2024, 0, 15).getTimezoneOffset());
      return lab.query(clock, 'probe');
    });
    expect(hostOffsets.size).toBe(4);
    for (const result of results) expect(result).toEqual(results[0]);
  });

  it('refuses dynamic code', () => {
    expect(lab.query(clock, 'evals').returnValue).toEqual([
      'EvalError: dynamic code (eval, Function, import of other modules) is disabled in contracts',
      'EvalError: dynamic code (eval, Function, import of other modules) is disabled in contracts',
      'EvalError: dynamic code (eval, Function, import of other modules) is disabled in contracts',
    ]);
  });
});

describe('randomness', () => {
  const random = (request: ExecutionRequest) => (lab.vm.execute(request, lab.state).returnValue as { random: number[] }).random;

  it('is the same for the same transaction and differs between transactions and blocks', () => {
    const request = lab.callRequest(clock, 'probe');
    expect(random(request)).toEqual(random(request));
    expect(random(lab.callRequest(clock, 'probe'))).not.toEqual(random(request));
    expect(random({ ...request, block: { ...request.block, height: request.block.height + 1 } })).not.toEqual(random(request));
    expect(random({ ...request, block: { ...request.block, parentHash: 'cd'.repeat(32) } })).not.toEqual(random(request));
  });
});

describe('results and gas', () => {
  /** A token and a few transfer requests against a fixed state. */
  function fixture(state = new MemoryState()): { state: MemoryState; token: string; requests: ExecutionRequest[] } {
    const setup = new Lab(lab.vm, state);
    const token = setup.deploy(TOKEN_SOURCE, { initArgs: { supply: 500 }, name: 'token', contract: address(4242) }).address;
    const requests = [
      setup.callRequest(token, 'transfer', { to: BOB, amount: 5 }, { txHash: '01'.repeat(32) }),
      setup.callRequest(token, 'transfer', { to: CAROL, amount: 600 }, { txHash: '02'.repeat(32) }),
      setup.callRequest(token, 'balanceOf', { owner: ALICE }, { txHash: '03'.repeat(32) }),
    ];
    return { state, token, requests };
  }

  it('do not depend on what the VM ran before, nor on the module cache', async () => {
    const { state, requests } = fixture();
    const fresh = await ContractVM.create();
    const uncached = await ContractVM.create({ config: { moduleCacheEntries: 0 } });
    const expected = requests.map((r) => fresh.execute(r, state));
    // A busy VM: everything in between, including a memory bomb and an out-of-gas loop.
    const busy = lab.vm;
    const noise = new Lab(busy, state);
    const bomb = noise.deploy('export function go() { const k = []; for (;;) k.push(new Uint8Array(1 << 20)); }\nexport function spin() { for (;;) {} }', { name: 'noise' }).address;
    for (const request of requests) {
      expect(busy.execute(noise.callRequest(bomb, 'go'), state).status).toBe('out_of_memory');
      expect(busy.execute(request, state)).toEqual(expected[requests.indexOf(request)]);
      expect(busy.execute(noise.callRequest(bomb, 'spin', undefined, { gasLimit: 1_000_000 }), state).status).toBe('out_of_gas');
      expect(uncached.execute(request, state)).toEqual(expected[requests.indexOf(request)]);
    }
    expect(expected.map((r) => r.status)).toEqual(['ok', 'reverted', 'ok']);
  });

  it('a running ledger gets the same receipts on two VMs with different histories (property)', async () => {
    const other = await ContractVM.create();
    const noiseSource = 'export function churn({ n }) { let s = ""; for (let i = 0; i < n; i++) s += String.fromCharCode(65 + (i % 26)); return s.length; }';
    const people = [ALICE, BOB, CAROL];
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.integer({ min: 0, max: 2 }), to: fc.integer({ min: 0, max: 2 }), amount: fc.integer({ min: 0, max: 400 }), noise: fc.integer({ min: 0, max: 3000 }) }), { minLength: 1, maxLength: 8 }),
        (steps) => {
          const a = new Lab(lab.vm);
          const b = new Lab(other);
          const token = address(777);
          for (const l of [a, b]) l.deploy(TOKEN_SOURCE, { initArgs: { supply: 1000 }, name: 'token', contract: token });
          const noise = b.deploy(noiseSource, { name: 'noise', contract: address(778) }).address;
          for (const step of steps) {
            const request = a.callRequest(token, 'transfer', { to: people[step.to], amount: step.amount }, { sender: people[step.from] });
            b.vm.execute(b.callRequest(noise, 'churn', { n: step.noise }), b.state); // only b does extra work
            const ra = a.vm.execute(request, a.state);
            const rb = b.vm.execute(request, b.state);
            expect(rb).toEqual(ra);
            a.state.apply(ra);
            b.state.apply(rb);
          }
        },
      ),
      { numRuns: 15, seed: 20261124 },
    );
  });
});
