/**
 * The contract tooling as a user meets it: `ledgerlab call`, `ledgerlab test` with its
 * harness (lab, describe/it/expect), and the lab's clock.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expect as contractExpect } from '../../engine/api/contract-tests.ts';
import { ContractLab } from '../../engine/api/lab.ts';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { TOKEN_SOURCE } from '../vm/helpers.ts';

const exec = promisify(execFile);
const bin = new URL('../../bin/ledgerlab.mjs', import.meta.url).pathname;
const token = new URL('../../contracts/token.js', import.meta.url).pathname;

beforeAll(() => useNativeCrypto());

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A folder with the token contract and one test file. */
function project(testSource: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerlab-tests-'));
  copyFileSync(token, join(dir, 'token.js'));
  writeFileSync(join(dir, 'token.test.js'), testSource);
  return dir;
}

describe('ledgerlab call', () => {
  const to = `0x${'0'.repeat(39)}1`;

  it('--json prints one JSON object: the call receipt, plus a summary of the deploy', async () => {
    const { code, out } = await cli('call', token, 'transfer', JSON.stringify({ to, amount: 5 }), '--init', '{"initialSupply":100}', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ method: 'transfer', status: 'ok', returnValue: 95, error: null, logs: [], deploy: { status: 'ok', contract: report.contract } });
    expect(report.events).toEqual([{ contract: report.contract, name: 'Transfer', data: { from: report.from, to, amount: 5 } }]);
    expect(report.gasUsed).toBeGreaterThan(0);
  });

  it('a reverted call prints why and exits 1', async () => {
    const { code, out, err } = await cli('call', token, 'transfer', JSON.stringify({ to, amount: 500 }), '--init', '{"initialSupply":100}');
    expect(code).toBe(1);
    expect(out).toMatch(/call {6}transfer\(.*\): reverted/);
    expect(out).toMatch(/error {5}reverted: balance too low: .* holds 100, needs 500 \(token\.js:\d+:\d+\)/);
    expect(err).toMatch(/transfer\(\) ended "reverted"/);
  });

  it('a deploy that fails exits 1 with the deploy receipt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerlab-call-'));
    writeFileSync(join(dir, 'broken.js'), 'import { assert } from "ledger";\nexport function init() { assert(false, "not today"); }\nexport function go() {}\n');
    const { code, out } = await cli('call', join(dir, 'broken.js'), 'go', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ phase: 'deploy', status: 'reverted', error: 'deploy failed: reverted: not today (broken.js:2:32)', deploy: { status: 'reverted' } });
  });

  it.each([
    [['call', token, 'transfer', '{to: 1}'], /ARGS_JSON is not valid JSON .*Write it as JSON in single quotes/s],
    [['call', token, 'transfer', '--init', '{"a":'], /--init is not valid JSON/],
    [['call', 'contracts/nope.js', 'transfer'], /cannot read the contract file "contracts\/nope\.js": there is no such file/],
    [['call', token, 'transfr'], /token\.js has no exported method "transfr"\. The methods token\.js exports: mint, transfer, approve/],
    [['call', token, 'init'], /init\(\) runs once, at deploy: pass its argument with --init/],
    [['call', token], /call needs a contract FILE and a METHOD/],
    [['call', token, 'transfer', '{}', '--gas', 'lots'], /--gas must be a whole number/],
    [['call', token, 'transfer', '{"amount":', '5}'], /quote ARGS_JSON so that your shell passes it as one argument/],
  ])('bad usage exits 2 with a message naming the problem: %j', async (args, message) => {
    const { code, err } = await cli(...args);
    expect(code).toBe(2);
    expect(err).toMatch(/^ledgerlab: /);
    expect(err).toMatch(message);
  });

  it('npx ledgerlab call runs in a process of its own', async () => {
    const { stdout } = await exec(process.execPath, [bin, 'call', token, 'balanceOf', JSON.stringify({ owner: to }), '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'ok', returnValue: 0 });
  });
});

describe('ledgerlab test', () => {
  it('runs the contract library, and every test passes', async () => {
    const { code, out } = await cli('test', new URL('../../contracts/', import.meta.url).pathname);
    expect(out).toMatch(/Contract tests: \d+ passed, 0 failed \(8 files, /);
    expect(out).not.toMatch(/✗/);
    expect(code).toBe(0);
  });

  it('marks each test ✓ or ✗, says why and where a test failed, and exits 1', async () => {
    const dir = project(`
describe("civic credits", () => {
  it("passes", async () => {
    const net = await lab({ actors: ["council", "amira"] });
    const credits = await net.deploy("token.js", {}, { from: "council" });
    expect(net.call(credits, "mint", { to: net.address("amira"), amount: 5 }, { from: "council" })).toSucceed();
  });
  it("expects the wrong thing", async () => {
    const net = await lab({ actors: ["council", "amira"] });
    const credits = await net.deploy("token.js", {}, { from: "council" });
    expect(net.call(credits, "mint", { to: net.address("amira"), amount: 5 }, { from: "amira" })).toSucceed();
  });
  it.skip("is not ready", () => {});
});
`);
    const { code, out } = await cli('test', dir);
    expect(code).toBe(1);
    expect(out).toMatch(/ {2}civic credits\n {4}✓ passes \(\d+ ms\)\n {4}✗ expects the wrong thing/);
    expect(out).toMatch(/expected the transaction to succeed, but it ended "reverted": reverted: only the issuer can mint credits \(token\.js:\d+:\d+\)/);
    expect(out).toMatch(/at .*token\.test\.js:11:\d+/);
    expect(out).toMatch(/Contract tests: 1 passed, 1 failed, 1 skipped \(1 file, /);
  });

  it('a test file that does not load counts as a failure', async () => {
    const dir = project('describe("broken", () => { it("never runs", () => {}); ');
    const { code, out } = await cli('test', join(dir, 'token.js')); // a contract's path runs its tests
    expect(code).toBe(1);
    expect(out).toMatch(/✗ the file did not load: /);
  });

  it('bad paths are usage errors (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ledgerlab-empty-'));
    mkdirSync(join(empty, 'sub'));
    for (const [path, message] of [
      ['no/such/folder', /cannot find "no\/such\/folder"/],
      [empty, /no test files \(\*\.test\.js\) in/],
      [token.replace('token.js', 'ledger.d.ts'), /is not a test file/],
    ] as const) {
      const { code, err } = await cli('test', path);
      expect(code, path).toBe(2);
      expect(err).toMatch(message);
    }
  });
});

describe('the lab', () => {
  it('advance(ms) moves the clock on without making the blocks in between', async () => {
    const net = await ContractLab.create({ actors: ['alice'] });
    const clock = net.deploySource(`import { ctx } from "ledger";\nexport function now() { return ctx.blockTime; }`, null, { name: 'clock' });
    const height = net.height();
    net.advance(30 * 24 * 60 * 60 * 1000);
    expect(net.height()).toBe(height + 1);
    expect(net.time()).toBeGreaterThanOrEqual(clock.receipt.blockTimeMs + 30 * 24 * 60 * 60 * 1000);
    expect(net.query(clock, 'now')).toBe(net.time());
    const later = net.call(clock, 'now');
    expect(later.returnValue).toBe(later.blockTimeMs);
    expect(later.blockTimeMs - net.time()).toBeLessThanOrEqual(1_000);
  });

  it('with several nodes, a call returns once every node has its block', async () => {
    const net = await ContractLab.create({ actors: ['alice', 'bob'], nodes: 3 });
    const deployed = net.deploySource(TOKEN_SOURCE, { supply: 10 }, { name: 'token' });
    const receipt = net.call(deployed, 'transfer', { to: net.address('bob'), amount: 4 });
    for (let node = 0; node < 3; node++) expect(net.network.receiptOf(receipt.txHash, node)?.receipt.status).toBe('ok');
    expect(net.query(deployed, 'balanceOf', { owner: net.address('bob') })).toBe(4);
  });

  it('a transaction the ledger refuses throws, and the nonce can be used again', async () => {
    const net = await ContractLab.create({ actors: [{ name: 'alice', balance: 10 }, 'bob'] });
    expect(() => net.transfer('alice', 'bob', 50)).toThrow(/refused by the ledger \(insufficient-balance\)/);
    expect(net.transfer('alice', 'bob', 5).status).toBe('ok');
    expect(net.balanceOf('bob')).toBe(1_000_005);
  });
});

describe('expect in contract tests', () => {
  const fails = (run: () => void, message: RegExp) => expect(run).toThrow(message);

  it('compares like Jest: toEqual ignores undefined properties, toMatchObject checks a subset', () => {
    contractExpect({ a: 1, b: undefined }).toEqual({ a: 1 });
    contractExpect({ a: [1, { b: 2, c: 3 }] }).toMatchObject({ a: [1, { b: 2 }] });
    fails(() => contractExpect({ a: [1, 2] }).toMatchObject({ a: [1] }), /to match/);
    fails(() => contractExpect([1, 2]).toEqual([1, 2, 3]), /expected \[1,2\] to equal \[1,2,3\]/);
    fails(() => contractExpect({ a: 1 }).toBe({ a: 1 }), /equal, but not the same object: use toEqual/);
    contractExpect(3).not.toBe(4);
    fails(() => contractExpect('abc').not.toContain('b'), /not to contain "b"/);
  });

  it('checks receipts: toSucceed, toRevert and toEmit say what happened instead', () => {
    const reverted = { status: 'reverted', error: 'reverted: balance too low (token.js:11:9)', events: [], logs: ['checking'] };
    contractExpect(reverted).toRevert('balance too low');
    contractExpect(reverted).toRevert(/too low/);
    fails(() => contractExpect(reverted).toSucceed(), /ended "reverted": reverted: balance too low \(token\.js:11:9\)\n {2}contract logs:\n {4}checking/);
    fails(() => contractExpect(reverted).toEmit('Transfer'), /got no events \(the transaction ended "reverted"/);
    const ok = { status: 'ok', events: [{ name: 'Transfer', data: { amount: 5, to: '0x1' } }], logs: [] };
    contractExpect(ok).toEmit('Transfer', { amount: 5 });
    contractExpect(ok).not.toEmit('Transfer', { amount: 6 });
    fails(() => contractExpect(ok).toRevert(), /expected the transaction to revert, but it ended "ok"/);
    fails(() => contractExpect(42).toSucceed(), /needs a receipt/);
  });

  it('toThrow and rejects.toThrow', async () => {
    contractExpect(() => {
      throw new Error('boom');
    }).toThrow('boom');
    fails(() => contractExpect(() => 1).toThrow(), /nothing was thrown/);
    await contractExpect(Promise.reject(new Error('deploy failed'))).rejects.toThrow(/deploy/);
    await expect(contractExpect(Promise.resolve(1)).rejects.toThrow()).rejects.toThrow(/nothing was thrown/);
  });
});
