/**
 * Shared by the scenario tests: reading a story from the built-in library, the loader's message
 * for a broken story, and the mutation fuzz every story file must survive.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { LedgerlabError } from '../../engine/core/assert.ts';
import { loadScenario, ScenarioError } from '../../engine/scenario/load.ts';
import { ScenarioPlayer } from '../../engine/scenario/player.ts';

/** contracts/scenarios/, with a trailing slash. */
export const STORY_DIR = new URL('../../contracts/scenarios/', import.meta.url).pathname;

/** A story of the built-in library: its absolute path and its YAML text. */
export function libraryStory(file: string): { path: string; text: string } {
  const path = `${STORY_DIR}${file}`;
  return { path, text: readFileSync(path, 'utf8') };
}

/** The files the studio's worker bundles, by repository path: every story and every contract. */
export function libraryFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync('contracts/scenarios')) if (/\.ya?ml$/.test(name)) files[`contracts/scenarios/${name}`] = readFileSync(`contracts/scenarios/${name}`, 'utf8');
  for (const name of readdirSync('contracts')) if (name.endsWith('.js') && !name.endsWith('.test.js')) files[`contracts/${name}`] = readFileSync(`contracts/${name}`, 'utf8');
  return files;
}

/** The loader's message for `text` read as story.yaml; '' when it loads. */
export function problemsOf(text: string): string {
  try {
    loadScenario(text, 'story.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  return '';
}

/**
 * Mutates one line of the story at a time (drops it, negates a number, adds junk, loses a space,
 * indents it, replaces a word): each mutant loads with an error located in the file, or plays, and
 * if it fails while playing, it fails with a LedgerlabError, never a crash.
 */
export function expectMutantsToFailCleanly(text: string, numRuns: number): void {
  const lines = text.split('\n');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: lines.length - 1 }), fc.integer({ min: 0, max: 5 }), fc.string({ maxLength: 6 }), (line, kind, junk) => {
      const mutated = [...lines];
      const target = mutated[line]!;
      if (kind === 0) mutated.splice(line, 1);
      else if (kind === 1) mutated[line] = target.replace(/\d+/, '-7');
      else if (kind === 2) mutated[line] = target + junk;
      else if (kind === 3) mutated[line] = target.replace(/: /, ':');
      else if (kind === 4) mutated[line] = ' ' + target;
      else mutated[line] = target.replace(/[a-z]+/, junk);
      let scenario;
      try {
        scenario = loadScenario(mutated.join('\n'), 'm.yaml');
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioError);
        expect((error as Error).message).toMatch(/^m\.yaml:\d+:\d+: /);
        return;
      }
      try {
        new ScenarioPlayer(scenario).playAll();
      } catch (error) {
        expect(error).toBeInstanceOf(LedgerlabError);
      }
    }),
    { numRuns },
  );
}
