/**
 * `npm run bench`: every benchmark, printed as tables of figures and ratios.
 * Speed targets are read from here, never asserted in tests.
 */
import { existsSync } from 'node:fs';
import { formatTable } from '../engine/node/cli-support.ts';
import { runEngineBench } from './engine.ts';
import { runConsensusBench } from './consensus.ts';
import { benchPow } from './pow.ts';
import { benchScenarios } from './scenarios.ts';

const print = (line: string) => process.stdout.write(line + '\n');

print(`Ledgerlab bench: node ${process.version}, ${new Date().toISOString()}`);
print('');
runEngineBench(print);
print('');
runConsensusBench(print);
print('');
benchPow(print);
print('');
await benchScenarios(print);

const vmBench = new URL('./vm.ts', import.meta.url);
if (existsSync(vmBench)) {
  const { benchVm } = (await import(vmBench.href)) as { benchVm: () => Promise<Array<{ name: string; value: number; unit: string }>> };
  print('');
  print('Contract VM (QuickJS, metered)');
  print(formatTable(await benchVm()));
}

// The studio in headless Chromium (issue 6, item 10): frame rate and input latency; skipped
// with the reason printed where Chromium is missing.
const { benchBrowser } = await import('./browser.ts');
print('');
await benchBrowser(print);
