/**
 * Gas and the safety nets: built-in work is metered, bytes cost gas, the gas limit is exact,
 * the watchdog stops a run without producing a consensus result, and a host stack overflow
 * is reported as a host fault after which the VM is as good as new.
 */
import { describe, expect, it } from 'vitest';
import { ContractVM, VmHostFaultError, VmWatchdogError } from '../../engine/vm/index.ts';
import { Lab } from './helpers.ts';

const WORK = `import { storage } from "ledger";
export function builtins({ n }) { return "x".repeat(n).split("").join("").length; }
export function write({ size }) { storage.set("blob", "b".repeat(size)); }
export function spin() { for (;;) {} }
export function recurse() { const f = (n) => f(n + 1) + 1; return f(0); }
export function ok() { return 1; }
`;

describe('gas', () => {
  it('is charged for work done inside built-ins, in proportion to it', async () => {
    const lab = await Lab.create();
    const c = lab.deploy(WORK, { name: 'work' }).address;
    const small = lab.call(c, 'builtins', { n: 1_000 }).gasUsed;
    const large = lab.call(c, 'builtins', { n: 100_000 }).gasUsed;
    expect(large - small).toBeGreaterThan(99 * 1_000); // at least a unit per character
  });

  it('prices stored bytes', async () => {
    const lab = await Lab.create();
    const c = lab.deploy(WORK, { name: 'work' }).address;
    const a = lab.call(c, 'write', { size: 100 }).gasUsed;
    const b = lab.call(c, 'write', { size: 10_100 }).gasUsed;
    expect(b - a).toBeGreaterThanOrEqual(10_000 * lab.vm.gasSchedule.storageWritePerByte);
  });

  it('stops exactly at the limit, and a limit that suffices gives the same gas as a generous one', async () => {
    const lab = await Lab.create();
    const c = lab.deploy(WORK, { name: 'work' }).address;
    const generous = lab.vm.execute(lab.callRequest(c, 'builtins', { n: 5_000 }, { gasLimit: 50_000_000, txHash: '11'.repeat(32) }), lab.state);
    const exact = lab.vm.execute(lab.callRequest(c, 'builtins', { n: 5_000 }, { gasLimit: generous.gasUsed, txHash: '11'.repeat(32) }), lab.state);
    const short = lab.vm.execute(lab.callRequest(c, 'builtins', { n: 5_000 }, { gasLimit: generous.gasUsed - 1, txHash: '11'.repeat(32) }), lab.state);
    expect(exact).toEqual(generous);
    expect(short).toMatchObject({ status: 'out_of_gas', gasUsed: generous.gasUsed - 1, returnValue: null });
    expect(lab.call(c, 'spin', undefined, { gasLimit: 2 ** 31 }).status).toBe('invalid');
  });
});

describe('safety nets that never decide consensus', () => {
  it('the watchdog stops a run with an exception, not a result, and the VM carries on', async () => {
    let polls = 0;
    let armed = false;
    const vm = await ContractVM.create({ watchdog: () => armed && ++polls > 3 });
    const lab = new Lab(vm);
    const c = lab.deploy(WORK, { name: 'work' }).address;
    const caller = lab.deploy('import { call } from "ledger";\nexport function viaCall({ c }) { try { call(c, "spin"); } catch (e) { return "caught " + e.name; } }', { name: 'caller' }).address;
    armed = true;
    expect(() => lab.call(c, 'spin', undefined, { gasLimit: 500_000_000 })).toThrow(VmWatchdogError);
    polls = 0;
    // Also from inside a cross-contract call, whose caller must not be able to catch it.
    expect(() => lab.call(caller, 'viaCall', { c }, { gasLimit: 500_000_000 })).toThrow(VmWatchdogError);
    armed = false;
    expect(lab.call(c, 'ok')).toMatchObject({ status: 'ok', returnValue: 1 });
  });

  it('a host stack overflow is a host fault, and the next execution is unaffected', async () => {
    const lab = await Lab.create();
    const fresh = await Lab.create();
    const c = lab.deploy(WORK, { name: 'work', contract: '0x' + '77'.repeat(20) }).address;
    fresh.deploy(WORK, { name: 'work', contract: c });
    const request = lab.callRequest(c, 'recurse', undefined, { txHash: '22'.repeat(32) });
    const expected = fresh.vm.execute(request, fresh.state);
    expect(expected.error).toMatch(/InternalError: stack overflow/);
    // Run the same request with less and less host stack left, until the host overflows
    // inside the VM (it must then throw VmHostFaultError, never return a status).
    const nest = (depth: number, f: () => unknown): unknown => (depth === 0 ? f() : [nest(depth - 1, f)][0]);
    let faults = 0;
    for (let depth = 12_000; depth >= 0 && faults === 0; depth -= 40) {
      try {
        const result = nest(depth, () => lab.vm.execute(request, lab.state));
        expect(result).toEqual(expected);
      } catch (error) {
        if (error instanceof VmHostFaultError) faults++;
        else if (!(error instanceof RangeError)) throw error; // overflowed before reaching the VM
      }
    }
    expect(faults).toBe(1);
    expect(lab.vm.execute(request, lab.state)).toEqual(expected);
    expect(lab.call(c, 'ok')).toMatchObject({ status: 'ok', returnValue: 1 });
  });

  it('refuses configurations that would make deep recursion unsafe for the host', async () => {
    await expect(ContractVM.create({ config: { stackBytes: 1024 * 1024 } })).rejects.toThrow(/stackBytes/);
    await expect(ContractVM.create({ config: { memoryBytes: 1000 } })).rejects.toThrow(/memoryBytes/);
  });
});
