/**
 * The scenario player's words and keys (renderer/views/scenario/scenario-ui.ts): narration made
 * safe, keys mapped to moves, positions and statuses said plainly.
 */
import { describe, expect, it } from 'vitest';
import type { StoryView } from '../../engine/api/scenario-studio.ts';
import {
  checksSummary,
  formatChange,
  formatSimTime,
  positionLabel,
  progressLabel,
  renderNarration,
  shiftSpeed,
  stepState,
  storyCommandFor,
  targetAfter,
  txStatusLabel,
} from '../../renderer/views/scenario/scenario-ui.ts';

describe('narration', () => {
  it('renders the Markdown a story author writes', () => {
    expect(renderNarration('Her phone pays **300** to the _taxi_.')).toBe('<p>Her phone pays <strong>300</strong> to the <em>taxi</em>.</p>\n');
  });

  it('shows raw HTML as text, never as markup', () => {
    const html = renderNarration('Hello <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick="x()">block</div>');
    expect(html).not.toMatch(/<script|<img|<div/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;');
  });

  it('keeps web links, opening outside, and turns other links and images into text', () => {
    expect(renderNarration('[the pilot](https://example.org/pilot)')).toBe('<p><a href="https://example.org/pilot" target="_blank" rel="noopener noreferrer">the pilot</a></p>\n');
    expect(renderNarration('[click](javascript:alert(1))')).toBe('<p>click</p>\n');
    expect(renderNarration('![a meter](meter.png)')).toBe('<p>a meter</p>\n');
  });
});

describe('keys and moves', () => {
  it('maps the arrows, Space, Home and End to story moves', () => {
    expect(['ArrowRight', 'ArrowLeft', ' ', 'Home', 'End', '+', '-', 'x'].map(storyCommandFor)).toEqual(['forward', 'back', 'toggle-play', 'start', 'end', 'faster', 'slower', undefined]);
  });

  it('moves from the target, never past either end', () => {
    expect(targetAfter('forward', 5, 6)).toBe(6);
    expect(targetAfter('forward', 6, 6)).toBe(6);
    expect(targetAfter('back', 0, 6)).toBe(0);
    expect(targetAfter('back', 3, 6)).toBe(2);
    expect(targetAfter('start', 4, 6)).toBe(0);
    expect(targetAfter('end', 1, 6)).toBe(6);
  });

  it('changes speed one notch at a time, stopping at the ends', () => {
    expect(shiftSpeed('normal', 1)).toBe('fast');
    expect(shiftSpeed('fastest', 1)).toBe('fastest');
    expect(shiftSpeed('slow', -1)).toBe('slow');
  });
});

describe('what the view says', () => {
  const view = {
    position: 3,
    records: [{ failedChecks: 0 }, { failedChecks: 1 }, { failedChecks: 0 }],
    checks: { passed: 4, failed: 1, total: 5 },
  } as unknown as StoryView;

  it('ticks played steps, highlights the current one and marks failed checks', () => {
    expect([0, 1, 2, 3].map((i) => stepState(i, view))).toEqual(['played', 'failed', 'current', 'pending']);
    expect(stepState(1, { ...view, position: 2 })).toBe('current-failed');
  });

  it('says where the story is and what is being played', () => {
    expect(positionLabel(0, 6)).toBe('Start · 6 steps ahead');
    expect(positionLabel(3, 6)).toBe('Step 3 of 6');
    const title = (i: number) => `T${i + 1}`;
    expect(progressLabel(2, 5, 6, title)).toBe('Playing step 3 of 6: T3…');
    expect(progressLabel(4, 2, 6, title)).toBe('Going back to step 2: T2…');
    expect(progressLabel(4, 0, 6, title)).toBe('Going back to the start…');
  });

  it('counts checks and says statuses in plain words', () => {
    expect(checksSummary(view)).toBe('1 of 5 checks failed');
    expect(checksSummary({ checks: { passed: 19, failed: 0, total: 19 } })).toBe('All 19 checks passed');
    expect(checksSummary({ checks: { passed: 0, failed: 0, total: 0 } })).toBe('No checks yet');
    expect(txStatusLabel({ status: 'ok', height: 4 })).toBe('done, in block 4');
    expect(txStatusLabel({ status: 'reverted' })).toBe('refused by the contract (reverted)');
    expect(formatChange(300)).toBe('+300');
    expect(formatChange(-60)).toBe('−60');
    expect(formatChange(0)).toBe('');
    expect(formatSimTime(3_000)).toBe('3.0 s');
    expect(formatSimTime(185_000)).toBe('3 min 05 s');
  });
});
