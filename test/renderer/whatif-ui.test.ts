/**
 * The words and choices of the "what if" panel and the timeline strip
 * (renderer/views/scenario/whatif-ui.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TimelineView, WhatIfMenu } from '../../engine/api/scenario-studio.ts';
import { comparisonHeadline, comparisonScope, forkedFrom, parseCustomChange, splitGroups, timelineResult, trackOf, trackWords, whatIfChoices } from '../../renderer/views/scenario/whatif-ui.ts';

const menu = (actions: WhatIfMenu['actions']): WhatIfMenu => ({ at: 0, step: 1, stepTitle: 'Pay', nodes: [0, 1, 2, 3].map((node) => ({ node, alive: true })), actions });

describe('the what-if choices', () => {
  it('offers faults at every step, and amounts or leaving out only where the step has such actions', () => {
    expect(whatIfChoices(menu([])).map((c) => c.kind)).toEqual(['crash', 'partition', 'heal', 'restart']);
    const payment = { index: 0, kind: 'transfer', summary: 'Ann pays Bob 5', amount: { value: 5, min: 1, label: 'amount paid' } };
    expect(whatIfChoices(menu([payment])).map((c) => c.kind)).toEqual(['crash', 'partition', 'heal', 'restart', 'amount', 'skip']);
    expect(whatIfChoices(menu([{ index: 0, kind: 'issue', summary: 'x', skipBlocked: 'step 3 revokes it' }])).map((c) => c.kind)).not.toContain('skip');
  });

  it('splits the network into the nodes cut off and the rest', () => {
    expect(splitGroups([3, 2], 4)).toEqual([[2, 3], [0, 1]]);
    expect(splitGroups([], 3)).toEqual([[], [0, 1, 2]]);
    expect(splitGroups([7], 3)).toEqual([[], [0, 1, 2]]);
  });

  it('reads a developer’s change as JSON, and says what is wrong with one that is not', () => {
    expect(parseCustomChange('{"kind": "add-actions", "actions": [{"fault": "crash 1"}]}')).toEqual({ ok: true, whatIf: { kind: 'custom', change: { kind: 'add-actions', actions: [{ fault: 'crash 1' }] } } });
    const broken = parseCustomChange('{kind: add}');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.message).toMatch(/^That is not JSON: .*Write e\.g\./);
    expect(parseCustomChange('[1]')).toMatchObject({ ok: false, message: expect.stringMatching(/one change as a JSON object/) });
  });
});

describe('the timeline strip and comparison in words', () => {
  const line = (steps: TimelineView['steps'], checks: TimelineView['checks'], forkStep?: number, position = 0) => ({ steps, checks, position, ...(forkStep !== undefined ? { forkStep } : {}) });

  it('says how a timeline’s checks came out, and how far it has been played', () => {
    expect(timelineResult(line(['unplayed', 'unplayed'], { passed: 0, failed: 0, total: 0 }))).toBe('Not played yet');
    expect(timelineResult(line(['passed', 'passed'], { passed: 4, failed: 0, total: 4 }))).toBe('All 4 checks passed');
    expect(timelineResult(line(['failed', 'unplayed'], { passed: 1, failed: 1, total: 2 }))).toBe('1 of 2 checks failed so far (1 of 2 steps)');
  });

  it('puts the comparison with the original in one line', () => {
    const change = { step: 1, stepTitle: 'Pay', check: 'c', detail: 'd', before: 'b' };
    expect(comparisonHeadline({ nowFailing: [], nowPassing: [] })).toBe('Every check comes out as before');
    expect(comparisonHeadline({ nowFailing: [change], nowPassing: [] })).toBe('1 check now fails');
    expect(comparisonHeadline({ nowFailing: [change, change, change], nowPassing: [] })).toBe('3 checks now fail');
    expect(comparisonHeadline({ nowFailing: [change], nowPassing: [change, change] })).toBe('1 check now fails and 2 now pass');
    expect(comparisonHeadline({ nowFailing: [], nowPassing: [change] })).toBe('1 check now passes');
    expect(comparisonScope({ complete: true, steps: 6, againstLabel: 'The story as written' })).toBe('Compared with the story as written, over the whole story.');
    expect(comparisonScope({ complete: false, steps: 2, againstLabel: 'What if node 1 crashes at step 2' })).toBe('So far: compared with “What if node 1 crashes at step 2” over the 2 steps both have played. Play on to see the rest.');
  });

  it('draws each timeline’s steps with the fork, the shared past and the cursor, and says them to a screen reader', () => {
    const fork = line(['passed', 'failed', 'unplayed'], { passed: 1, failed: 1, total: 2 }, 2, 2);
    expect(trackOf(fork)).toEqual([
      { step: 1, state: 'passed', shared: true, fork: false, here: false },
      { step: 2, state: 'failed', shared: false, fork: true, here: true },
      { step: 3, state: 'unplayed', shared: false, fork: false, here: false },
    ]);
    expect(trackWords(fork)).toBe('checks failed at step 2; 1 step not played yet');
    expect(forkedFrom({ forkStep: 2 }, 'The story as written')).toBe('Forked at step 2 from the story as written');
    expect(forkedFrom({}, undefined)).toBe('The story as its author wrote it');
  });
});
