/**
 * The contract API, story by story: a token, storage iteration, the call context, events,
 * value, cross-contract calls, identities and credentials, logs, queries and the errors a
 * developer sees.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Credential } from '../../engine/vm/host-interface.ts';
import { ALICE, BOB, CAROL, ISSUER, Lab, TOKEN_SOURCE, address } from './helpers.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.create();
});

describe('a token contract', () => {
  it('is deployed with init(args), and init receives the deploy arguments', () => {
    const { address: token, result } = lab.deploy(TOKEN_SOURCE, { initArgs: { supply: 1000 }, name: 'token' });
    expect(result.status).toBe('ok');
    expect(result.delta.deployed).toEqual([
      { address: token, source: TOKEN_SOURCE, deployer: ALICE, deployedAtHeight: lab.state.height, name: 'token' },
    ]);
    expect(lab.query(token, 'balanceOf', { owner: ALICE }).returnValue).toBe(1000);
  });

  it('moves balances, returns a value and emits an event', () => {
    const { address: token } = lab.deploy(TOKEN_SOURCE, { initArgs: { supply: 100 }, name: 'token' });
    const result = lab.call(token, 'transfer', { to: BOB, amount: 30 });
    expect(result).toMatchObject({ status: 'ok', returnValue: 70, logs: [] });
    expect(result.events).toEqual([{ contract: token, name: 'Transfer', data: { from: ALICE, to: BOB, amount: 30 } }]);
    expect(result.delta.storageWrites).toEqual([
      { contract: token, key: `balance:${ALICE}`, value: '70' },
      { contract: token, key: `balance:${BOB}`, value: '30' },
    ]);
    expect(result.gasUsed).toBeGreaterThan(0);
  });

  it('reverts with the message and the contract line and column, and changes nothing', () => {
    const { address: token } = lab.deploy(TOKEN_SOURCE, { initArgs: { supply: 5 }, name: 'token' });
    const result = lab.call(token, 'transfer', { to: BOB, amount: 6 });
    expect(result.status).toBe('reverted');
    expect(result.error).toBe('reverted: balance too low (token.js:11:9)');
    expect(result.events).toEqual([]);
    expect(result.delta).toEqual({ storageWrites: [], transfers: [], deployed: [] });
    expect(result.returnValue).toBeNull();
  });
});

describe('storage', () => {
  const SOURCE = `import { storage } from "ledger";
export function put({ key, value }) { storage.set(key, value); }
export function del({ key }) { storage.delete(key); }
export function get({ key }) { return { value: storage.get(key) ?? null, has: storage.has(key) }; }
export function list({ prefix, after, limit }) { return storage.entries(prefix, { after, limit }); }
export function keys({ prefix }) { return storage.keys(prefix); }
export function mutateCopy() {
  storage.set("obj", { n: 1 });
  const o = storage.get("obj"); o.n = 2;
  return storage.get("obj").n;
}
export function setThenDeleteThenList() {
  storage.set("p:b", 2); storage.delete("p:a"); storage.set("p:0", 0);
  const seen = storage.entries("p:");
  storage.set("p:z", 26);
  return seen;
}
export function float() { storage.set("x", 1.5); }
export function big() { storage.set("x", 2 ** 60); }
export function undef() { storage.set("x", undefined); }
export function longKey() { storage.set("k".repeat(300), 1); }
`;
  let c: string;
  beforeAll(() => {
    c = lab.deploy(SOURCE, { name: 'kv' }).address;
    for (const key of ['p:a', 'p:c', 'p:e', 'q:x']) lab.call(c, 'put', { key, value: key.toUpperCase() });
  });

  it('stores JSON with object keys sorted (canonical), and deletes', () => {
    const result = lab.call(c, 'put', { key: 'obj', value: { z: 1, a: [true, null, 'x'], m: { b: 2, a: 1 } } });
    expect(result.delta.storageWrites).toEqual([{ contract: c, key: 'obj', value: '{"a":[true,null,"x"],"m":{"a":1,"b":2},"z":1}' }]);
    expect(lab.query(c, 'get', { key: 'obj' }).returnValue).toEqual({ value: { a: [true, null, 'x'], m: { a: 1, b: 2 }, z: 1 }, has: true });
    expect(lab.call(c, 'del', { key: 'obj' }).delta.storageWrites).toEqual([{ contract: c, key: 'obj', value: null }]);
    expect(lab.query(c, 'get', { key: 'obj' }).returnValue).toEqual({ value: null, has: false });
  });

  it('lists entries by prefix in key order, with paging', () => {
    expect(lab.query(c, 'list', { prefix: 'p:' }).returnValue).toEqual([['p:a', 'P:A'], ['p:c', 'P:C'], ['p:e', 'P:E']]);
    expect(lab.query(c, 'list', { prefix: 'p:', after: 'p:a', limit: 1 }).returnValue).toEqual([['p:c', 'P:C']]);
    expect(lab.query(c, 'keys', { prefix: '' }).returnValue).toEqual(['p:a', 'p:c', 'p:e', 'q:x']);
  });

  it("sees the transaction's own writes and deletes while iterating", () => {
    const result = lab.call(c, 'setThenDeleteThenList');
    expect(result.returnValue).toEqual([['p:0', 0], ['p:b', 2], ['p:c', 'P:C'], ['p:e', 'P:E']]);
    expect(result.delta.storageWrites.map((w) => [w.key, w.value])).toEqual([
      ['p:0', '0'], ['p:a', null], ['p:b', '2'], ['p:z', '26'],
    ]);
  });

  it('hands out copies: mutating a value read from storage does not change storage', () => {
    expect(lab.call(c, 'mutateCopy').returnValue).toBe(1);
  });

  it('accepts only JSON with safe-integer numbers, and bounded keys', () => {
    expect(lab.call(c, 'float').error).toMatch(/^reverted: RangeError: storage.set: numbers must be safe integers .*got 1.5 \(kv.js:18:/);
    expect(lab.call(c, 'big').error).toMatch(/numbers must be safe integers/);
    expect(lab.call(c, 'undef').error).toMatch(/storage.set: value is undefined \(use storage.delete/);
    expect(lab.call(c, 'longKey').error).toMatch(/RangeError: storage.set: key length must be 1..256/);
  });
});

describe('the call context', () => {
  const SOURCE = `import { ctx } from "ledger";
export function info() {
  return { self: ctx.self, sender: ctx.sender, origin: ctx.origin, value: ctx.value, height: ctx.blockHeight,
    time: ctx.blockTime, chainId: ctx.chainId, txHash: ctx.txHash, isQuery: ctx.isQuery, depth: ctx.depth,
    now: Date.now(), iso: new Date().toISOString() };
}
export function dice() { return [ctx.randomInt(6), ctx.randomInt(6), Math.floor(Math.random() * 1e9)]; }
`;
  it('tells the method who called, with what value, in which block and transaction', () => {
    const { address: c } = lab.deploy(SOURCE, { name: 'info' });
    lab.state.balances.set(BOB, 50);
    const request = lab.callRequest(c, 'info', undefined, { sender: BOB, value: 7 });
    const result = lab.vm.execute(request, lab.state);
    expect(result.returnValue).toEqual({
      self: c, sender: BOB, origin: BOB, value: 7, height: lab.state.height, time: lab.state.timeMs,
      chainId: 'ledgerlab-test', txHash: request.kind === 'call' ? request.txHash : '', isQuery: false, depth: 0,
      now: lab.state.timeMs, iso: new Date(lab.state.timeMs).toISOString(),
    });
    expect(result.delta.transfers).toEqual([{ from: BOB, to: c, amount: 7 }]);
    expect(lab.query(c, 'info').returnValue).toMatchObject({ txHash: null, isQuery: true, value: 0 });
  });

  it('gives deterministic randomness that differs between transactions', () => {
    const { address: c } = lab.deploy(SOURCE, { name: 'dice' });
    const request = lab.callRequest(c, 'dice');
    const a = lab.vm.execute(request, lab.state).returnValue;
    const b = lab.vm.execute(request, lab.state).returnValue;
    const other = lab.vm.execute(lab.callRequest(c, 'dice'), lab.state).returnValue;
    expect(a).toEqual(b);
    expect(other).not.toEqual(a);
  });
});

describe('value and balances', () => {
  const VAULT = `import { ctx, transfer, balanceOf, assert } from "ledger";
export function pay({ to, amount }) { transfer(to, amount); return balanceOf(ctx.self); }
export function payThenFail({ to }) { transfer(to, 1); assert(false, "changed my mind"); }
export function balances({ who }) { return who.map(balanceOf); }
`;
  it('sends value from the contract balance, and a revert undoes it', () => {
    lab.state.balances.set(ALICE, 1_000);
    const { address: vault } = lab.deploy(VAULT, { value: 100, name: 'vault' });
    expect(lab.state.balanceOf(vault)).toBe(100);
    const ok = lab.call(vault, 'pay', { to: CAROL, amount: 40 });
    expect(ok.returnValue).toBe(60);
    expect(ok.delta.transfers).toEqual([{ from: vault, to: CAROL, amount: 40 }]);
    const failed = lab.call(vault, 'payThenFail', { to: CAROL });
    expect(failed.status).toBe('reverted');
    expect(failed.delta.transfers).toEqual([]);
    expect(lab.call(vault, 'pay', { to: CAROL, amount: 61 }).error).toMatch(/^reverted: transfer of 61 from 0x\w+ exceeds its balance 60 \(vault.js:2:/);
    expect(lab.query(vault, 'balances', { who: [vault, CAROL] }).returnValue).toEqual([60, 40]);
  });

  it('rejects a transaction whose sender cannot pay the value it sends', () => {
    const { address: vault } = lab.deploy(VAULT, { name: 'vault' });
    const result = lab.call(vault, 'balances', { who: [] }, { sender: address(), value: 1 });
    expect(result).toMatchObject({ status: 'invalid', gasUsed: 0 });
    expect(result.error).toMatch(/sender balance 0 is lower than the value 1/);
  });
});

describe('cross-contract calls', () => {
  const COUNTER = `import { storage, ctx, emit, assert } from "ledger";
export function bump({ by }) {
  assert(by > 0, "by must be positive");
  const n = (storage.get("n") ?? 0) + by;
  storage.set("n", n);
  emit("Bumped", { n, caller: ctx.sender, depth: ctx.depth });
  return n;
}
export function get() { return storage.get("n") ?? 0; }
`;
  const CALLER = `import { call, storage, emit, ctx, CallError } from "ledger";
export function twice({ counter }) {
  emit("Before");
  const a = call(counter, "bump", { by: 1 });
  const b = call(counter, "bump", { by: 2 });
  storage.set("last", b);
  return [a, b];
}
export function tolerant({ counter }) {
  call(counter, "bump", { by: 1 });
  try { call(counter, "bump", { by: -1 }); } catch (e) { return [e.name, e.status, e.message]; }
}
export function strict({ counter }) { call(counter, "bump", { by: 1 }); call(counter, "bump", { by: -1 }); }
export function self() { return call(ctx.self, "self"); }
export function missing({ counter }) { return call(counter, "nope"); }
export function readOnly({ counter }) { return call(counter, "get"); }
export function writeInQuery({ counter }) { return call(counter, "bump", { by: 1 }); }
`;
  let counter: string;
  let caller: string;
  beforeAll(() => {
    counter = lab.deploy(COUNTER, { name: 'counter' }).address;
    caller = lab.deploy(CALLER, { name: 'caller' }).address;
  });

  it('runs the callee with the caller as sender, and keeps events in order', () => {
    const result = lab.call(caller, 'twice', { counter });
    expect(result.status).toBe('ok');
    const before = lab.query(counter, 'get').returnValue as number;
    expect(result.returnValue).toEqual([before - 2, before]);
    expect(result.events.map((e) => [e.contract, e.name, e.data])).toEqual([
      [caller, 'Before', null],
      [counter, 'Bumped', { n: before - 2, caller, depth: 1 }],
      [counter, 'Bumped', { n: before, caller, depth: 1 }],
    ]);
  });

  it('undoes a failed callee completely and lets the caller catch the CallError', () => {
    const start = lab.query(counter, 'get').returnValue as number;
    const result = lab.call(caller, 'tolerant', { counter });
    expect(result.status).toBe('ok');
    expect(result.returnValue).toEqual([
      'CallError', 'reverted', `call to ${counter}.bump() failed: by must be positive (counter.js:3:9)`,
    ]);
    expect(result.events.map((e) => e.data)).toEqual([{ n: start + 1, caller, depth: 1 }]);
    expect(lab.query(counter, 'get').returnValue).toBe(start + 1);
  });

  it('reverts the whole transaction when the caller does not catch', () => {
    const start = lab.query(counter, 'get').returnValue;
    const result = lab.call(caller, 'strict', { counter });
    expect(result.status).toBe('reverted');
    expect(result.error).toBe(`reverted: call to ${counter}.bump() failed: by must be positive (counter.js:3:9) (caller.js:13:`.slice(0, -1) + result.error!.slice(-4));
    expect(result.events).toEqual([]);
    expect(lab.query(counter, 'get').returnValue).toBe(start);
  });

  it('rejects re-entrancy, unknown methods, and writes from a query', () => {
    expect(lab.call(caller, 'self').error).toMatch(/re-entrant call to 0x\w+ rejected/);
    expect(lab.call(caller, 'missing', { counter }).error).toMatch(/contract has no exported method "nope"/);
    expect(lab.query(caller, 'readOnly', { counter }).status).toBe('ok');
    expect(lab.query(caller, 'writeInQuery', { counter }).error).toMatch(/storage.set is not allowed in a read-only query/);
  });
});

describe('promise jobs', () => {
  const LATE = `import { storage, call } from "ledger";
export function schedules() { Promise.resolve().then(() => { console.log("late"); storage.set("late", 1); }); return "returned"; }
export async function awaitsCallee({ other }) { const r = call(other, "schedules"); await null; await null; return r; }
`;
  it("run only while an async entry point settles, and a finished call's leftover jobs cannot touch the ledger", () => {
    const a = lab.deploy(LATE, { name: 'late' }).address;
    const b = lab.deploy(LATE, { name: 'late2' }).address;
    const sync = lab.call(a, 'schedules');
    expect(sync).toMatchObject({ status: 'ok', returnValue: 'returned', logs: [] });
    expect(sync.delta.storageWrites).toEqual([]);
    const viaCallee = lab.call(a, 'awaitsCallee', { other: b });
    expect(viaCallee).toMatchObject({ status: 'ok', returnValue: 'returned', logs: [] });
    expect(viaCallee.delta.storageWrites).toEqual([]);
  });
});

describe('identities and credentials', () => {
  const SOURCE = `import { identity } from "ledger";
export function who({ a }) { return identity.get(a); }
export function isResident({ a }) { return identity.hasCredential(a, "resident", "${ISSUER}"); }
export function all({ a }) { return identity.credentials(a, { includeRevoked: true }).map((c) => c.type + (c.revoked ? "(revoked)" : "")); }
`;
  it('looks up identities and checks credentials by type, issuer and revocation', () => {
    const credential = (type: string, issuer: string, revoked: boolean): Credential => ({
      id: `${type}-${issuer.slice(2, 6)}`, issuer, subject: BOB, type, claims: { district: 4 }, issuedAtHeight: 1, revoked,
    });
    lab.state.identities.set(BOB, { address: BOB, name: 'Bob', kind: 'person', publicKey: 'ab'.repeat(32) });
    lab.state.credentials.set(BOB, [credential('resident', ISSUER, false), credential('licensed-taxi', ISSUER, true)]);
    lab.state.credentials.set(CAROL, [credential('resident', CAROL, false)]);
    const { address: c } = lab.deploy(SOURCE, { name: 'town' });
    expect(lab.query(c, 'who', { a: BOB }).returnValue).toEqual({ address: BOB, name: 'Bob', kind: 'person', publicKey: 'ab'.repeat(32) });
    expect(lab.query(c, 'who', { a: CAROL }).returnValue).toBeNull();
    expect(lab.query(c, 'isResident', { a: BOB }).returnValue).toBe(true);
    expect(lab.query(c, 'isResident', { a: CAROL }).returnValue).toBe(false); // self-issued, wrong issuer
    expect(lab.query(c, 'all', { a: BOB }).returnValue).toEqual(['resident', 'licensed-taxi(revoked)']);
  });
});

describe('logs, queries and errors', () => {
  const SOURCE = `import { storage, emit } from "ledger";
console.log("loading");
export function chatty() { console.log("a", 1, { b: [2] }, null); console.warn("careful"); storage.set("x", 1); throw new TypeError("oops"); }
export function emits() { emit("E", { n: 1 }); }
export function value() { return 42; }
export function float() { return 0.5; }
export function cyclic() { const a = []; a.push(a); return a; }
export function throwsString() { throw "plain string"; }
export function throwsObject() { throw { code: 7 }; }
export async function later() { await null; storage.set("async", 1); return "done"; }
export function notAFunction() {}
`;
  let c: string;
  beforeAll(() => {
    c = lab.deploy(SOURCE, { name: 'chatty' }).address;
  });

  it('captures console output in the logs, even when the call reverts', () => {
    const result = lab.call(c, 'chatty');
    expect(result.status).toBe('reverted');
    expect(result.logs).toEqual(['loading', 'a 1 {"b":[2]} null', 'warn: careful']);
    expect(result.error).toBe('reverted: TypeError: oops (chatty.js:3:132)');
  });

  it('refuses state changes in a read-only query', () => {
    expect(lab.query(c, 'emits').error).toMatch(/emit is not allowed in a read-only query/);
    expect(lab.query(c, 'value')).toMatchObject({ status: 'ok', returnValue: 42 });
  });

  it('reports values it cannot return, and thrown non-errors', () => {
    expect(lab.call(c, 'float').error).toMatch(/^reverted: RangeError: return value: numbers must be safe integers/);
    expect(lab.call(c, 'cyclic').error).toMatch(/^reverted: TypeError: return value is not JSON-serializable/);
    expect(lab.call(c, 'throwsString').error).toBe('reverted: uncaught value "plain string"');
    expect(lab.call(c, 'throwsObject').error).toBe('reverted: uncaught value [object Object]');
  });

  it('awaits an async entry point', () => {
    const result = lab.call(c, 'later');
    expect(result).toMatchObject({ status: 'ok', returnValue: 'done' });
    expect(result.delta.storageWrites.map((w) => w.key)).toEqual(['async']);
  });

  it('marks unknown methods, init and malformed requests invalid', () => {
    expect(lab.call(c, 'nope')).toMatchObject({ status: 'invalid', error: 'invalid: contract has no exported method "nope"' });
    expect(lab.call(c, 'init').status).toBe('invalid');
    expect(lab.call(c, 'value', undefined, { gasLimit: 0 }).status).toBe('invalid');
    expect(lab.call(address(), 'value').error).toMatch(/^invalid: no contract at/);
    expect(lab.call(c, 'value', { x: 0.5 }).error).toMatch(/^invalid: args: 0.5 is not a safe integer/);
  });

  it('rejects a deploy that does not compile, at the offending line', () => {
    const result = lab.deploy('export function f() {\n  return ;;; )\n}', { name: 'broken' }).result;
    expect(result.status).toBe('invalid');
    expect(result.error).toMatch(/^invalid: contract does not compile: SyntaxError: .* \(broken.js:2:/);
    expect(result.delta.deployed).toEqual([]);
  });

  it('keeps module top-level code pure: the ledger API is not available there', () => {
    const result = lab.deploy('import { storage } from "ledger";\nstorage.set("x", 1);\nexport function f() {}', { name: 'eager' }).result;
    expect(result.status).toBe('reverted');
    expect(result.error).toMatch(/storage.set is not available in module top-level code.*\(eager.js:2:/);
    const imports = lab.deploy('import fs from "fs";\nexport function f() {}', { name: 'imports' }).result;
    expect(imports.error).toMatch(/^invalid: contract does not compile: SyntaxError: contracts can only import "ledger" \(requested "fs"\)/);
  });
});
