/**
 * The "what if" panel's and the timeline strip's logic that needs no DOM: which changes the step
 * offers, the words for results and comparisons, the split of the network from a set of nodes,
 * and a developer's hand-written change. Tested in Node (test/renderer/whatif-ui.test.ts).
 */
import type { TimelineChange, TimelineComparison, TimelineView, WhatIf, WhatIfMenu } from '../../../engine/api/scenario-studio.ts';

export type WhatIfKind = 'crash' | 'partition' | 'heal' | 'restart' | 'amount' | 'skip';

export interface WhatIfChoice {
  kind: WhatIfKind;
  /** The button's words, for a policy audience. */
  label: string;
  /** One line under the choices, saying what it does. */
  explains: string;
}

/** The changes the step on screen offers: faults always; amounts and leaving out only where the step has such actions. */
export function whatIfChoices(menu: WhatIfMenu): WhatIfChoice[] {
  const choices: WhatIfChoice[] = [
    { kind: 'crash', label: 'A node crashes', explains: 'One of the computers keeping the ledger stops, just as this step begins.' },
    { kind: 'partition', label: 'The network splits', explains: 'A cable is cut: some nodes can no longer reach the others.' },
    { kind: 'heal', label: 'The network is repaired', explains: 'Every broken link works again, as this step begins.' },
    { kind: 'restart', label: 'A node restarts', explains: 'A crashed node comes back, with what it had saved to its disk.' },
  ];
  if (menu.actions.some((a) => a.amount)) choices.push({ kind: 'amount', label: 'Another amount', explains: 'One of this step’s payments moves a different amount.' });
  if (menu.actions.some((a) => !a.skipBlocked)) choices.push({ kind: 'skip', label: 'Something does not happen', explains: 'One of this step’s actions is left out.' });
  return choices;
}

/** The network split as the engine wants it: the nodes cut off, and the rest. */
export function splitGroups(cutOff: Iterable<number>, nodeCount: number): number[][] {
  const off = new Set(cutOff);
  const side = [...off].filter((n) => n >= 0 && n < nodeCount).sort((a, b) => a - b);
  const rest = Array.from({ length: nodeCount }, (_, n) => n).filter((n) => !off.has(n));
  return [side, rest];
}

export type CustomChange = { ok: true; whatIf: WhatIf } | { ok: false; message: string };

/** A developer's change written as JSON (a timeline change, as engine/scenario/timeline.ts takes it). */
export function parseCustomChange(text: string): CustomChange {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `That is not JSON: ${error instanceof Error ? error.message : String(error)}. Write e.g. {"kind": "add-actions", "actions": [{"fault": "byzantine 2 equivocate"}]}.` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'Write one change as a JSON object, e.g. {"kind": "add-actions", "actions": [{"fault": "crash 1"}]}.' };
  return { ok: true, whatIf: { kind: 'custom', change: value as TimelineChange } };
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** How a timeline's checks came out, as far as it has been played. */
export function timelineResult(timeline: Pick<TimelineView, 'checks' | 'steps'>): string {
  const played = timeline.steps.filter((s) => s !== 'unplayed').length;
  const { failed, total } = timeline.checks;
  const sofar = played < timeline.steps.length ? ` so far (${played} of ${timeline.steps.length} steps)` : '';
  if (played === 0) return 'Not played yet';
  if (total === 0) return `No checks${sofar}`;
  if (failed === 0) return `All ${total} checks passed${sofar}`;
  return `${failed} of ${total} checks failed${sofar}`;
}

/** The comparison with the timeline a what-if forked from, in one line. */
export function comparisonHeadline(comparison: Pick<TimelineComparison, 'nowFailing' | 'nowPassing'>): string {
  const failing = comparison.nowFailing.length;
  const passing = comparison.nowPassing.length;
  if (failing === 0 && passing === 0) return 'Every check comes out as before';
  const fail = failing > 0 ? `${plural(failing, 'check')} now ${failing === 1 ? 'fails' : 'fail'}` : '';
  const pass = passing > 0 ? `${failing > 0 ? `${passing}` : plural(passing, 'check')} now ${passing === 1 ? 'passes' : 'pass'}` : '';
  return [fail, pass].filter(Boolean).join(' and ');
}

/** What the comparison covers: the whole story, or the steps both timelines have played so far. */
export function comparisonScope(comparison: Pick<TimelineComparison, 'complete' | 'steps' | 'againstLabel'>): string {
  const against = timelineName(comparison.againstLabel);
  if (comparison.complete) return `Compared with ${against}, over the whole story.`;
  return `So far: compared with ${against} over the ${plural(comparison.steps, 'step')} both have played. Play on to see the rest.`;
}

/** "Forked at step 3 from the story as written". */
export function forkedFrom(timeline: Pick<TimelineView, 'forkStep'>, parentLabel: string | undefined): string {
  if (timeline.forkStep === undefined) return 'The story as its author wrote it';
  return `Forked at step ${timeline.forkStep} from ${parentLabel === undefined ? 'another timeline' : timelineName(parentLabel)}`;
}

export interface TrackCell {
  step: number;
  state: TimelineView['steps'][number];
  /** Before the fork: the same as the timeline it came from. */
  shared: boolean;
  fork: boolean;
  /** The timeline's cursor is on this step. */
  here: boolean;
}

/** The strip's row of steps for one timeline. */
export function trackOf(timeline: Pick<TimelineView, 'steps' | 'forkStep' | 'position'>): TrackCell[] {
  return timeline.steps.map((state, i) => ({
    step: i + 1,
    state,
    shared: timeline.forkStep !== undefined && i + 1 < timeline.forkStep,
    fork: timeline.forkStep === i + 1,
    here: timeline.position === i + 1,
  }));
}

/** What a screen reader hears for a timeline's row of steps. */
export function trackWords(timeline: Pick<TimelineView, 'steps'>): string {
  const failed = timeline.steps.flatMap((s, i) => (s === 'failed' ? [i + 1] : []));
  const unplayed = timeline.steps.filter((s) => s === 'unplayed').length;
  const parts = [failed.length > 0 ? `checks failed at step${failed.length === 1 ? '' : 's'} ${failed.join(', ')}` : 'no step failed its checks'];
  if (unplayed > 0) parts.push(`${plural(unplayed, 'step')} not played yet`);
  return parts.join('; ');
}

/** A timeline named inside a sentence: "the story as written", or a what-if in quotes. */
export function timelineName(label: string): string {
  return label === 'The story as written' ? 'the story as written' : `“${label}”`;
}
