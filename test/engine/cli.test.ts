import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/node/cli.ts';

const exec = promisify(execFile);
const bin = new URL('../../bin/ledgerlab.mjs', import.meta.url).pathname;

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ledgerlab run', () => {
  it('prints one JSON object with the documented fields', async () => {
    const { code, out } = await cli('run', '--protocol', 'poa', '--nodes', '3', '--seed', '4', '--blocks', '6', '--txs', '30', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    for (const field of ['protocol', 'nodes', 'seed', 'height', 'txsCommitted', 'stateRoots', 'traceHash', 'wallMs']) expect(report).toHaveProperty(field);
    expect(report).toMatchObject({ protocol: 'poa', nodes: 3, seed: 4, height: 6, txsCommitted: 30 });
    expect(report.stateRoots).toHaveLength(3);
  });

  it('prints a readable summary without --json', async () => {
    const { code, out } = await cli('run', '--nodes', '2', '--blocks', '3', '--txs', '5');
    expect(code).toBe(0);
    expect(out).toMatch(/height 3 reached/);
    expect(out).toMatch(/all 2 nodes agree/);
  });

  it('writes the trace as JSON lines with --trace', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ledgerlab-')), 'trace.jsonl');
    const { code, out } = await cli('run', '--nodes', '3', '--blocks', '4', '--txs', '10', '--json', '--trace', file);
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(JSON.parse(out).traceEvents);
    expect(JSON.parse(lines[0]!)).toMatchObject({ i: 0, t: 0, type: 'node.start' });
  });

  it('answers bad flags with a clear message and exit code 2', async () => {
    for (const args of [['run', '--nodes', 'four'], ['run', '--bogus'], ['run', '--protocol', 'paxos'], ['run', '--nodes', '0'], ['fly']]) {
      const { code, err } = await cli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toMatch(/^ledgerlab: /);
      expect(err).toMatch(/Usage/);
    }
  });

  it('npx ledgerlab: the same traceHash on every run with seed 7, another with seed 8 (separate processes)', async () => {
    const run = async (seed: number) => JSON.parse((await exec(process.execPath, [bin, 'run', '--protocol', 'poa', '--nodes', '4', '--seed', String(seed), '--blocks', '20', '--txs', '200', '--json'])).stdout);
    const [first, second, other] = await Promise.all([run(7), run(7), run(8)]);
    expect(new Set(first.stateRoots).size).toBe(1);
    expect(first.txsCommitted).toBe(200);
    expect(second.traceHash).toBe(first.traceHash);
    expect(second.stateRoots).toEqual(first.stateRoots);
    expect(other.traceHash).not.toBe(first.traceHash);
  });
});
