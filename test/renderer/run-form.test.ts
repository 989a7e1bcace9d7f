import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM, RUN_LIMITS, formatDuration, parseRunForm, summarizeReport } from '../../renderer/run-form.ts';

describe('the run form', () => {
  it('turns the defaults into a 4-node proof-of-authority run', () => {
    expect(parseRunForm({ ...DEFAULT_FORM })).toEqual({
      ok: true,
      options: { protocol: 'poa', nodes: 4, seed: 1, blocks: 10, txs: 20 },
    });
  });

  it('accepts surrounding spaces and the limits themselves', () => {
    const parsed = parseRunForm({ protocol: 'poa', nodes: ' 64 ', seed: '4294967295', blocks: '1', txs: '0' });
    expect(parsed).toEqual({ ok: true, options: { protocol: 'poa', nodes: 64, seed: 4294967295, blocks: 1, txs: 0 } });
  });

  it('says per field what to fix instead of guessing', () => {
    const parsed = parseRunForm({ protocol: 'paxos', nodes: '0', seed: '-1', blocks: '2.5', txs: '' });
    expect(parsed).toEqual({
      ok: false,
      errors: {
        protocol: 'Choose one of: poa, raft, bft, pow.',
        nodes: 'Nodes must be a whole number from 1 to 64.',
        seed: 'Seed must be a whole number from 0 to 4294967295.',
        blocks: 'Blocks must be a whole number from 1 to 10000.',
        txs: 'Transactions must be a whole number from 0 to 100000.',
      },
    });
  });

  it('never produces options outside the limits, whatever is typed', () => {
    fc.assert(
      fc.property(fc.record({ nodes: fc.string(), seed: fc.string(), blocks: fc.string(), txs: fc.string() }), (typed) => {
        const parsed = parseRunForm({ protocol: 'poa', ...typed });
        if (!parsed.ok) return;
        for (const field of ['nodes', 'seed', 'blocks', 'txs'] as const) {
          expect(Number.isInteger(parsed.options[field])).toBe(true);
          expect(parsed.options[field]).toBeGreaterThanOrEqual(RUN_LIMITS[field].min);
          expect(parsed.options[field]).toBeLessThanOrEqual(RUN_LIMITS[field].max);
        }
      }),
    );
  });

  it('reads back every whole number inside the limits exactly', () => {
    fc.assert(
      fc.property(fc.integer(RUN_LIMITS.nodes), fc.integer(RUN_LIMITS.seed), (nodes, seed) => {
        const parsed = parseRunForm({ ...DEFAULT_FORM, nodes: String(nodes), seed: String(seed) });
        expect(parsed.ok && parsed.options.nodes === nodes && parsed.options.seed === seed).toBe(true);
      }),
    );
  });
});

describe('the report summary', () => {
  it('says all nodes agree when every state root is the same', () => {
    expect(summarizeReport({ stateRoots: ['ab', 'ab', 'ab', 'ab'] })).toEqual({
      allNodesAgree: true,
      distinctRoots: ['ab'],
      rootGroupByNode: [0, 0, 0, 0],
    });
  });

  it('groups nodes by state root when they disagree', () => {
    expect(summarizeReport({ stateRoots: ['ab', 'cd', 'ab', 'ef'] })).toEqual({
      allNodesAgree: false,
      distinctRoots: ['ab', 'cd', 'ef'],
      rootGroupByNode: [0, 1, 0, 2],
    });
  });

  it('does not claim agreement for a network without nodes', () => {
    expect(summarizeReport({ stateRoots: [] }).allNodesAgree).toBe(false);
  });
});

describe('durations', () => {
  it('read as milliseconds below ten seconds and seconds above', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1234)).toBe('1,234 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
