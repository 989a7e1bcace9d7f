/** The `deploy:` action: a contract marked `later: true` goes on the ledger in a step, not before step 1. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedContractVm } from '../../engine/api/lab.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { ScenarioPlayer } from '../../engine/scenario/player.ts';
import type { ContractVM } from '../../engine/vm/index.ts';

const dir = new URL('../../contracts/scenarios/', import.meta.url).pathname;
const TEXT = readFileSync(`${dir}newspaper-subscription.yaml`, 'utf8');
const sources = { '../subscription.js': readFileSync(`${dir}../subscription.js`, 'utf8') };

let vm: ContractVM;
beforeAll(async () => {
  useNativeCrypto();
  vm = await sharedContractVm();
});

describe('deploying a contract in a step', () => {
  it('puts the contract on the ledger in its step, named, and later calls reach it', () => {
    const player = new ScenarioPlayer(loadScenario(TEXT, 'newspaper-subscription.yaml'), { contracts: vm, sources });
    const height = player.net.chainOf(0).headHeight;
    expect(height).toBe(0); // nothing deployed before step 1
    const first = player.next();
    const deploy = first.transactions.find((t) => t.name === 'terms');
    expect(deploy).toMatchObject({ kind: 'contract.deploy', by: 'gazette', status: 'ok' });
    expect(first.checks.every((c) => c.passed), JSON.stringify(first.checks)).toBe(true);
  });

  it('refuses a deploy of a contract that is already in place, or deployed twice, with where and how to fix', () => {
    const notLater = TEXT.replace('    later: true\n', '');
    expect(() => loadScenario(notLater, 'paper.yaml')).toThrow(/paper\.yaml:\d+:\d+: .*contract "paper" is already deployed before step 1: add "later: true"/);
    const twice = TEXT.replace('      - deploy: { contract: paper, as: terms }\n', '      - deploy: { contract: paper, as: terms }\n      - deploy: { contract: paper }\n');
    expect(() => loadScenario(twice, 'paper.yaml')).toThrow(/contract "paper" is deployed twice/);
    const unknown = TEXT.replace('deploy: { contract: paper, as: terms }', 'deploy: { contract: papers, as: terms }');
    expect(() => loadScenario(unknown, 'paper.yaml')).toThrow(/unknown contract "papers"/);
  });
});

describe('calling a contract before its deploy step', () => {
  it('is refused at load time, naming the place and the fix', () => {
    const early = TEXT.replace('      - deploy: { contract: paper, as: terms }\n', '').replace('  - title: The second month starts', '  - title: Deployed too late\n    narration: x\n    actions:\n      - deploy: { contract: paper }\n  - title: The second month starts');
    expect(() => loadScenario(early, 'paper.yaml')).toThrow(/paper\.yaml:\d+:\d+: .*contract "paper" is not deployed yet: add "deploy: \{ contract: paper \}" before this call/);
  });
});
