/**
 * Worker API for the scenario player. The story library (contracts/scenarios/*.yaml) and the
 * contract sources are bundled into the worker as text; the contract VM's wasm is embedded in
 * engine/vm (base64), so it compiles here like in Node. One story is open at a time; every call
 * returns a plain StoryView.
 */
import { LedgerlabError } from '../../engine/api/index.ts';
import { listStories, problemsOf, ScenarioStudio, type ScenarioProblem, type StoryListing, type StoryOptions, type StoryView, type WhatIf } from '../../engine/api/scenario-studio.ts';

/** "../../contracts/x.js" → "contracts/x.js": the paths the stories use, relative to the repository. */
function byRepoPath(modules: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(modules).map(([path, text]) => [path.replace(/^(\.\.\/)+/, ''), String(text)]));
}

const STORY_FILES = byRepoPath(import.meta.glob('../../contracts/scenarios/*.{yaml,yml}', { query: '?raw', import: 'default', eager: true }));
const CONTRACT_FILES = byRepoPath(import.meta.glob(['../../contracts/**/*.js', '!../../contracts/**/*.test.js'], { query: '?raw', import: 'default', eager: true }));
/** A story opened from a file resolves its contracts against the library's scenarios folder. */
const LIBRARY_DIR = 'contracts/scenarios';

export type StoryOpenResult = { ok: true; view: StoryView } | { ok: false; message: string; problems: ScenarioProblem[] };

let current: ScenarioStudio | null = null;
let library: StoryListing[] | null = null;

function story(): ScenarioStudio {
  if (!current) throw new LedgerlabError('no-story', 'no story is open.', 'Pick one from the library first.');
  return current;
}

async function open(file: string, text: string, options: Omit<StoryOptions, 'contracts'>, baseDir?: string): Promise<StoryOpenResult> {
  try {
    current = await ScenarioStudio.open(file, text, CONTRACT_FILES, options, baseDir);
    return { ok: true, view: current.view() };
  } catch (error) {
    // A malformed story (located problems) or one that cannot be set up: said, not thrown.
    const problems = (error as { problems?: unknown } | null)?.problems !== undefined ? problemsOf(error, file) : [];
    if (problems.length > 0 || error instanceof LedgerlabError) return { ok: false, message: error instanceof Error ? error.message : String(error), problems };
    throw error;
  }
}

export const scenarioApi = {
  /** Every story in the library, flagship first; a story that does not load carries its problems. */
  scenarioLibrary(): StoryListing[] {
    library ??= listStories(STORY_FILES);
    return library;
  },
  /** Open a library story (by its path), optionally on another of its protocols or seed. */
  scenarioOpen(file: string, options: Omit<StoryOptions, 'contracts'> = {}): Promise<StoryOpenResult> {
    const text = STORY_FILES[file];
    if (text === undefined) throw new LedgerlabError('unknown-story', `there is no story "${file}" in the library.`, 'Pick one from the list.');
    return open(file, text, options);
  },
  /** Open a story file the user chose; its contract paths resolve against the library's scenarios folder. */
  scenarioOpenText(name: string, text: string, options: Omit<StoryOptions, 'contracts'> = {}): Promise<StoryOpenResult> {
    return open(name, text, options, LIBRARY_DIR);
  },
  scenarioView(): StoryView {
    return story().view();
  },
  scenarioNext(): StoryView {
    return story().next();
  },
  scenarioPrev(): StoryView {
    return story().prev();
  },
  /** Go to just after step `position` (0: the start). */
  scenarioGoTo(position: number): StoryView {
    return story().goTo(position);
  },
  scenarioPlayAll(): StoryView {
    return story().playAll();
  },
  /**
   * What if: change step `at + 1` (a node crashes, the network splits, another amount, an action
   * left out) and play it on a new timeline; the story as written stays reachable.
   */
  scenarioWhatIf(at: number, whatIf: WhatIf): StoryView {
    return story().whatIf(at, whatIf);
  },
  /** Go to another timeline ("main": the story as written), where it was left. */
  scenarioSwitchTimeline(id: string): StoryView {
    return story().switchTimeline(id);
  },
  scenarioClose(): void {
    current = null;
  },
};
