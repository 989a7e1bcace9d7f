/**
 * Scenario figures: time to load and play each library story, and the cost of goTo on a long
 * story (the target is under 100 ms for a random step of a 1,000-step story; goTo copies the
 * nearest snapshot and replays from there). Figures, not pass/fail.
 * `npx tsx bench/scenarios.ts` runs this file alone; `--goto` only the goTo part; memory figures
 * need `node --expose-gc --import tsx bench/scenarios.ts --goto`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  print('');
  benchGoTo(print);
}

const GOTO_TARGET_MS = 100;

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Heap in use after a full collection (needs node --expose-gc), or undefined. */
function heapAfterGcMb(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * goTo on a 1,000-step story: the nearest snapshot (kept while playing forward) is copied and
 * the steps after it replayed. Also: what a snapshot costs (Network.fork on the final state,
 * and heap per snapshot when run with --expose-gc).
 */
export function benchGoTo(print: (line: string) => void): void {
  const steps = 1_000;
  const long = loadScenario(longStory(steps), 'long.yaml');
  const heapBefore = heapAfterGcMb();
  const player = new ScenarioPlayer(long);
  const tPlay = wallClockMs();
  player.playAll();
  const playAllMs = wallClockMs() - tPlay;
  const heapWithSnapshots = heapAfterGcMb();
  const snapshots = player.timelines()[0]!.snapshots.length;
  const traceEvents = player.net.trace.length;
  const forkSamples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = wallClockMs();
    player.net.fork();
    forkSamples.push(wallClockMs() - t);
  }
  forkSamples.sort((a, b) => a - b);
  const random = Prng.stream(1, 'bench-goto');
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let i = 0; i < 50; i++) {
    const target = random.nextInt(steps + 1);
    const t = wallClockMs();
    const cpu = process.cpuUsage();
    player.goTo(target);
    samples.push(wallClockMs() - t);
    const used = process.cpuUsage(cpu);
    cpuSamples.push((used.user + used.system) / 1_000);
  }
  samples.sort((a, b) => a - b);
  cpuSamples.sort((a, b) => a - b);
  const med = median(samples);
  const max = samples[samples.length - 1]!;
  print(`A ${steps}-step story (PoA, 4 nodes, ${traceEvents} trace events at the end): play all ${Math.round(playAllMs)} ms, keeping ${snapshots} snapshots`);
  print(`  Network.fork() of the final state: median ${median(forkSamples).toFixed(1)} ms, max ${forkSamples[forkSamples.length - 1]!.toFixed(1)} ms`);
  print(`  goTo a random step (${samples.length} samples, nearest snapshot + replay): median ${med.toFixed(1)} ms, max ${max.toFixed(1)} ms; ratio to the ${GOTO_TARGET_MS} ms target: median ${(med / GOTO_TARGET_MS).toFixed(2)}, max ${(max / GOTO_TARGET_MS).toFixed(2)}`);
  // CPU time is what the process itself spent: the figure to trust on a shared, busy machine.
  print(`  goTo CPU time (same samples): median ${median(cpuSamples).toFixed(1)} ms, max ${cpuSamples[cpuSamples.length - 1]!.toFixed(1)} ms`);
  if (heapBefore === undefined || heapWithSnapshots === undefined) {
    print('  Snapshot memory: run with node --expose-gc (e.g. `node --expose-gc --import tsx bench/scenarios.ts --goto`) to measure it.');
    return;
  }
  // The same story played with no snapshot but the first: the difference is what snapshots hold.
  const bare = new ScenarioPlayer(long, { snapshots: { everySteps: Number.MAX_SAFE_INTEGER, everyEvents: Number.MAX_SAFE_INTEGER } });
  bare.playAll();
  const heapBare = heapAfterGcMb()! - heapWithSnapshots;
  const snapshotMb = heapWithSnapshots - heapBefore - heapBare;
  print(`  Snapshot memory: ${snapshotMb.toFixed(1)} MB for ${snapshots - 1} extra snapshots (${((snapshotMb * 1024) / (snapshots - 1)).toFixed(0)} KB each); the played story itself holds ${heapBare.toFixed(1)} MB`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const print = (line: string) => process.stdout.write(line + '\n');
  if (process.argv.includes('--goto')) benchGoTo(print);
  else await benchScenarios(print);
}
