/**
 * The scenario player's state: the library, the open story's latest view, and the moves that
 * drive the engine worker. Moves set a target position; one loop walks the worker towards it a
 * step at a time (forwards) or in one jump (backwards), so keys pressed during a long step are
 * not lost and the page never waits on more than one call.
 */
import type { ProtocolName } from '../../../engine/api/index.ts';
import type { ScenarioProblem, StoryListing, StoryView, WhatIf } from '../../../engine/api/scenario-studio.ts';
import { studio } from '../../state/studio.svelte.ts';
import { dwellOf, progressLabel, shiftSpeed, targetAfter, type PlaySpeed, type StoryCommand } from './scenario-ui.ts';

export interface OpenFailure {
  message: string;
  problems: ScenarioProblem[];
}

class StoryPlayer {
  library = $state.raw<StoryListing[] | null>(null);
  view = $state.raw<StoryView | null>(null);
  /** The position moves are heading for (the view catches up). */
  target = $state(0);
  /** What the worker is doing, for the progress line; null when idle. */
  progress = $state<string | null>(null);
  progressSince = $state(0);
  playing = $state(false);
  speed = $state<PlaySpeed>('normal');
  error = $state<string | null>(null);
  openFailure = $state.raw<OpenFailure | null>(null);
  /** The library is shown (instead of the open story). */
  browsing = $state(true);
  /** Why the last what-if was refused (shown in the what-if panel, next to the change). */
  whatIfError = $state<string | null>(null);

  #driving = false;
  #wake: (() => void) | null = null;

  get busy(): boolean {
    return this.progress !== null;
  }

  async loadLibrary(): Promise<void> {
    if (this.library) return;
    try {
      this.library = await studio.engine.call('scenarioLibrary');
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Open a library story (or the open one again on another protocol/seed, keeping the position). */
  async open(file: string, options: { protocol?: ProtocolName; seed?: number } = {}, keepPosition = false): Promise<void> {
    const title = this.library?.find((s) => s.file === file)?.title ?? file;
    const position = keepPosition ? this.target : 0;
    await this.#opening(`Setting up "${title}"…`, () => studio.engine.call('scenarioOpen', file, options));
    if (keepPosition && this.view) this.moveTo(position);
  }

  /** Open a story file the user picked. */
  async openText(name: string, text: string): Promise<void> {
    await this.#opening(`Loading ${name}…`, () => studio.engine.call('scenarioOpenText', name, text));
  }

  close(): void {
    this.pause();
    this.browsing = true;
  }

  moveTo(position: number): void {
    if (!this.view) return;
    this.target = Math.max(0, Math.min(this.view.stepCount, Math.round(position)));
    void this.#drive();
  }

  command(command: StoryCommand): void {
    if (!this.view) return;
    if (command === 'toggle-play') return this.togglePlay();
    if (command === 'faster' || command === 'slower') {
      this.speed = shiftSpeed(this.speed, command === 'faster' ? 1 : -1);
      return;
    }
    this.pause();
    this.moveTo(targetAfter(command, this.target, this.view.stepCount));
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else void this.play();
  }

  /** Play on at the chosen speed; `pauseFirst`: dwell on the step shown before moving on. */
  async play(options: { pauseFirst?: boolean } = {}): Promise<void> {
    const view = this.view;
    if (!view || this.playing) return;
    this.playing = true;
    if (options.pauseFirst) {
      await this.#dwell(dwellOf(this.speed));
      if (!this.playing) return;
    }
    // Play from the start when the story is over.
    if (this.target >= view.stepCount) {
      this.moveTo(0);
      await this.#drive();
    }
    while (this.playing && this.view && this.target < this.view.stepCount) {
      this.moveTo(this.target + 1);
      await this.#drive();
      if (!this.playing || !this.view || this.view.position >= this.view.stepCount) break;
      await this.#dwell(dwellOf(this.speed));
    }
    this.playing = false;
  }

  pause(): void {
    this.playing = false;
    this.#wake?.();
  }

  /**
   * What if: change the step on screen (the first before any is played) and play it on a new
   * timeline; `playOn` then plays on to the end at the chosen speed. False when refused (the
   * reason is in whatIfError).
   */
  async whatIf(whatIf: WhatIf, playOn = true): Promise<boolean> {
    const view = this.view;
    if (!view) return false;
    const at = view.whatIf.at;
    const ok = await this.#exclusive(`Trying the change at step ${at + 1}, and playing the story as written to its end to compare…`, async () => {
      this.view = await studio.engine.call('scenarioWhatIf', at, whatIf);
    });
    if (ok && playOn && this.view && this.view.position < this.view.stepCount) void this.play({ pauseFirst: true });
    return ok;
  }

  /** Go to another timeline ("main": the story as written), where it was left. */
  async switchTimeline(id: string): Promise<void> {
    const label = this.view?.timelines.find((t) => t.id === id)?.label ?? id;
    await this.#exclusive(
      `Switching to "${label}"…`,
      async () => {
        this.view = await studio.engine.call('scenarioSwitchTimeline', id);
      },
      'story',
    );
  }

  /** One worker call that moves the story by other means than stepping; its refusal is shown in the panel or the story's alert. */
  async #exclusive(label: string, work: () => Promise<void>, errorTo: 'what-if' | 'story' = 'what-if'): Promise<boolean> {
    this.pause();
    while (this.#driving) await this.#dwell(20);
    this.#driving = true;
    this.error = null;
    this.whatIfError = null;
    this.#setProgress(label);
    try {
      await work();
      return true;
    } catch (error) {
      if (errorTo === 'what-if') this.whatIfError = messageOf(error);
      else this.error = messageOf(error);
      try {
        // A change can fail halfway through its step: show where the story is now.
        this.view = await studio.engine.call('scenarioView');
      } catch {
        // The message above says what went wrong.
      }
      return false;
    } finally {
      if (this.view) this.target = this.view.position;
      this.#driving = false;
      this.#setProgress(null);
    }
  }

  async #opening(label: string, open: () => Promise<{ ok: true; view: StoryView } | { ok: false; message: string; problems: ScenarioProblem[] }>): Promise<void> {
    this.pause();
    while (this.#driving) await this.#dwell(20);
    this.error = null;
    this.openFailure = null;
    this.#setProgress(label);
    try {
      const result = await open();
      if (result.ok) {
        this.view = result.view;
        this.target = result.view.position;
        this.browsing = false;
      } else {
        this.openFailure = { message: result.message, problems: result.problems };
      }
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.#setProgress(null);
    }
  }

  async #drive(): Promise<void> {
    if (this.#driving) {
      while (this.#driving) await this.#dwell(20);
      return;
    }
    this.#driving = true;
    try {
      while (this.view && this.target !== this.view.position) {
        const view = this.view;
        const to = this.target;
        this.#setProgress(progressLabel(view.position, to, view.stepCount, (i) => view.story.steps[i]?.title ?? ''));
        this.view = to > view.position ? await studio.engine.call('scenarioNext') : await studio.engine.call('scenarioGoTo', to);
      }
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
      this.playing = false;
      if (this.view) this.target = this.view.position;
      try {
        this.view = await studio.engine.call('scenarioView');
        this.target = this.view.position;
      } catch {
        // The message above says what went wrong.
      }
    } finally {
      this.#driving = false;
      this.#setProgress(null);
    }
  }

  #setProgress(label: string | null): void {
    if (label !== null && this.progress === null) this.progressSince = performance.now();
    this.progress = label;
  }

  /** Wait, unless paused first. */
  #dwell(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      if (ms >= 100) this.#wake = wake;
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The page's one scenario player (kept when the view is switched away and back). */
export const story = new StoryPlayer();
