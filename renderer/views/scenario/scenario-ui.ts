/**
 * The scenario player's logic that needs no DOM: narration Markdown made safe, the keyboard
 * map, playback speeds, and the words the view shows for positions and statuses. Tested in
 * Node (test/renderer/scenario-ui.test.ts).
 */
import { Marked, type Tokens } from 'marked';
import type { StepView, StoryView, TxView } from '../../../engine/api/scenario-studio.ts';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Links open outside the studio, and only to the web or mail; anything else stays text. */
const SAFE_HREF = /^(https?:|mailto:)/i;

// Narration comes from story files, which anyone can write: raw HTML is shown as text, never
// run; images (which would load from anywhere) become their description.
const markdown = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
    image: (token: Tokens.Image) => escapeHtml(token.text),
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      if (!SAFE_HREF.test(token.href)) return text;
      return `<a href="${escapeHtml(token.href)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
    },
  },
});

/** Narration (Markdown) → HTML that is safe to insert. */
export function renderNarration(text: string): string {
  return markdown.parse(text, { async: false });
}

/** How long playback dwells on a step before the next, so the audience can read. */
export const PLAY_SPEEDS = [
  { id: 'slow', label: 'Slow (8 s a step)', dwellMs: 8_000 },
  { id: 'normal', label: 'Normal (4 s a step)', dwellMs: 4_000 },
  { id: 'fast', label: 'Fast (1.5 s a step)', dwellMs: 1_500 },
  { id: 'fastest', label: 'Fastest (no pause)', dwellMs: 0 },
] as const;

export type PlaySpeed = (typeof PLAY_SPEEDS)[number]['id'];

export function dwellOf(speed: PlaySpeed): number {
  return PLAY_SPEEDS.find((s) => s.id === speed)?.dwellMs ?? 4_000;
}

/** One step faster (+1) or slower (−1), stopping at the ends. */
export function shiftSpeed(speed: PlaySpeed, direction: 1 | -1): PlaySpeed {
  const index = PLAY_SPEEDS.findIndex((s) => s.id === speed);
  const next = Math.min(PLAY_SPEEDS.length - 1, Math.max(0, (index < 0 ? 1 : index) + direction));
  return PLAY_SPEEDS[next]!.id;
}

export type StoryCommand = 'forward' | 'back' | 'toggle-play' | 'start' | 'end' | 'faster' | 'slower';

/** The scenario view's keys (the help overlay and App's map cover the global ones). */
export const STORY_KEYS: readonly { keys: readonly string[]; label: string; does: string; command: StoryCommand }[] = [
  { keys: ['ArrowRight'], label: '→', does: 'next step', command: 'forward' },
  { keys: ['ArrowLeft'], label: '←', does: 'step back', command: 'back' },
  { keys: [' '], label: 'Space', does: 'play / pause', command: 'toggle-play' },
  { keys: ['Home'], label: 'Home', does: 'back to the start', command: 'start' },
  { keys: ['End'], label: 'End', does: 'play to the end', command: 'end' },
  { keys: ['+', '='], label: '+', does: 'faster', command: 'faster' },
  { keys: ['-', '_'], label: '−', does: 'slower', command: 'slower' },
];

export function storyCommandFor(key: string): StoryCommand | undefined {
  return STORY_KEYS.find((binding) => binding.keys.includes(key))?.command;
}

/** Where a move should end up, from the position being moved to. */
export function targetAfter(command: 'forward' | 'back' | 'start' | 'end', target: number, stepCount: number): number {
  switch (command) {
    case 'forward':
      return Math.min(stepCount, target + 1);
    case 'back':
      return Math.max(0, target - 1);
    case 'start':
      return 0;
    case 'end':
      return stepCount;
  }
}

export type StepState = 'played' | 'current' | 'failed' | 'current-failed' | 'pending';

/** A step's state in the list: played, the current one (the last played), with failed checks, or still to come. */
export function stepState(index: number, view: StoryView): StepState {
  if (index >= view.position) return 'pending';
  const failed = (view.records[index]?.failedChecks ?? 0) > 0;
  if (index === view.position - 1) return failed ? 'current-failed' : 'current';
  return failed ? 'failed' : 'played';
}

/** What a screen reader hears for a step's state (the list shows the same as icons). */
export function stepStateLabel(state: StepState): string {
  switch (state) {
    case 'played':
      return 'played, checks passed';
    case 'current':
      return 'current step, checks passed';
    case 'failed':
      return 'played, a check failed';
    case 'current-failed':
      return 'current step, a check failed';
    case 'pending':
      return 'not played yet';
  }
}

/** "Step 3 of 6" or "Before the first step". */
export function positionLabel(position: number, stepCount: number): string {
  return position === 0 ? `Start · ${stepCount} steps ahead` : `Step ${position} of ${stepCount}`;
}

/** What a move is doing, for the progress line. */
export function progressLabel(from: number, to: number, stepCount: number, titleOf: (index: number) => string): string {
  if (to > from) return `Playing step ${from + 1} of ${stepCount}: ${titleOf(from)}…`;
  if (to === 0) return 'Going back to the start…';
  return `Going back to step ${to}: ${titleOf(to - 1)}…`;
}

/** A transaction's status in words; "ok" reads "done" to a policy audience. */
export function txStatusLabel(tx: Pick<TxView, 'status' | 'height'>): string {
  switch (tx.status) {
    case 'ok':
      return tx.height !== undefined ? `done, in block ${tx.height}` : 'done';
    case 'reverted':
      return 'refused by the contract (reverted)';
    case 'out_of_gas':
      return 'ran out of gas';
    case 'out_of_memory':
      return 'ran out of memory';
    case 'invalid':
      return 'invalid';
    case 'rejected':
      return 'rejected by the network';
    case 'pending':
      return 'still waiting for a block';
  }
}

export function formatSimTime(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

export function formatChange(change: number | undefined): string {
  if (change === undefined || change === 0) return '';
  return change > 0 ? `+${change}` : `−${Math.abs(change)}`;
}

/** Checks over the steps played, in words. */
export function checksSummary(view: Pick<StoryView, 'checks'>): string {
  const { failed, total } = view.checks;
  if (total === 0) return 'No checks yet';
  if (failed === 0) return `All ${total} checks passed`;
  return `${failed} of ${total} checks failed`;
}

/** The trace counts of a step, busiest first. */
export function traceSummary(step: Pick<StepView, 'trace'>): string {
  return Object.entries(step.trace.counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, n]) => `${type} ${n}`)
    .join(' · ');
}
