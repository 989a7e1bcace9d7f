/**
 * Scenario figures: time to load and play each library story, and the cost of goTo on a long
 * story (the target is under 100 ms for a random step of a 1,000-step story; goTo replays from
 * the start today, so this shows how far that is). Figures, not pass/fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wallClockMs } from '../engine/api/clock.ts';
import { sharedContractVm } from '../engine/api/lab.ts';
import { Prng } from '../engine/core/prng.ts';
import { formatTable } from '../engine/node/cli-support.ts';
import { loadScenario } from '../engine/scenario/load.ts';
import { ScenarioPlayer } from '../engine/scenario/player.ts';

const LIBRARY = resolve(dirname(fileURLToPath(import.meta.url)), '../contracts/scenarios');

function longStory(steps: number): string {
  const lines = ['title: A long ledger', 'summary: Many small payments.', 'network: { protocol: poa, nodes: 4, seed: 1 }', 'actors:', '  - { id: a, name: A, kind: person, balance: 1000000 }', '  - { id: b, name: B, kind: person, balance: 1000000 }', 'steps:'];
  for (let i = 0; i < steps; i++) lines.push(`  - { title: "payment ${i + 1}", narration: "A pays B.", actions: [ { transfer: { from: ${i % 2 ? 'b' : 'a'}, to: ${i % 2 ? 'a' : 'b'}, amount: ${1 + (i % 50)} } } ] }`);
  return lines.join('\n');
}

export async function benchScenarios(print: (line: string) => void): Promise<void> {
  const vm = await sharedContractVm();
  const rows: Array<Record<string, unknown>> = [];
  for (const file of readdirSync(LIBRARY).filter((f) => f.endsWith('.yaml')).sort()) {
    const text = readFileSync(join(LIBRARY, file), 'utf8');
    const t0 = wallClockMs();
    const scenario = loadScenario(text, file);
    const loadMs = wallClockMs() - t0;
    const sources = Object.fromEntries((scenario.contracts ?? []).map((c) => [c.path, readFileSync(resolve(LIBRARY, c.path), 'utf8')]));
    for (const protocol of scenario.network.protocols ?? [scenario.network.protocol]) {
      const t1 = wallClockMs();
      const player = new ScenarioPlayer(scenario, { protocol, contracts: vm, sources });
      player.playAll();
      rows.push({ story: file.replace('.yaml', ''), protocol, steps: scenario.steps.length, loadMs: loadMs.toFixed(1), playMs: Math.round(wallClockMs() - t1), simSeconds: Math.round(player.net.now / 1000) });
    }
  }
  print('Scenario library: load and play every story on every protocol it lists (wall time)');
  print(formatTable(rows));
  const steps = 1_000;
  const long = loadScenario(longStory(steps), 'long.yaml');
  const player = new ScenarioPlayer(long);
  const tPlay = wallClockMs();
  player.playAll();
  const playAllMs = wallClockMs() - tPlay;
  const random = Prng.stream(1, 'bench-goto');
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const target = random.nextInt(steps + 1);
    const t = wallClockMs();
    player.goTo(target);
    samples.push(wallClockMs() - t);
  }
  samples.sort((a, b) => a - b);
  print('');
  print(`A ${steps}-step story: play all ${Math.round(playAllMs)} ms; goTo a random step (5 samples, replay from the start): median ${Math.round(samples[2]!)} ms, max ${Math.round(samples[4]!)} ms (target < 100 ms: needs snapshots)`);
}
