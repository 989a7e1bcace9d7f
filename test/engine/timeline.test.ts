/**
 * Time travel in the scenario player: goTo copies the nearest snapshot and replays, giving
 * exactly what playing straight through gives; branchAt changes the story at a step and carries
 * on in a new timeline while the original stays reachable; playAtSpeed paces steps for a UI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LedgerlabError } from '../../engine/core/assert.ts';
import type { ProtocolName } from '../../engine/consensus/protocol.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { ScenarioPlayer, type PlayerOptions, type StepRecord } from '../../engine/scenario/player.ts';
import type { Scenario } from '../../engine/scenario/format.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { ContractVM } from '../../engine/vm/index.ts';

const LIBRARY = new URL('../../contracts/scenarios/', import.meta.url).pathname;
let vm: ContractVM;

beforeAll(async () => {
  useNativeCrypto();
  vm = await ContractVM.create();
});

function story(file: string): { scenario: Scenario; sources: Record<string, string> } {
  const scenario = loadScenario(readFileSync(resolve(LIBRARY, file), 'utf8'), file);
  const sources = Object.fromEntries((scenario.contracts ?? []).map((c) => [c.path, readFileSync(resolve(LIBRARY, c.path), 'utf8')]));
  return { scenario, sources };
}

function player(file: string, protocol: ProtocolName, options: Partial<PlayerOptions> = {}): ScenarioPlayer {
  const { scenario, sources } = story(file);
  return new ScenarioPlayer(scenario, { protocol, contracts: vm, sources, ...options });
}

/** What a position is judged by: its records byte for byte, the state root, the trace hash. */
function outcome(p: ScenarioPlayer) {
  return { records: JSON.stringify(p.history()), stateRoot: p.state().root, traceHash: p.net.trace.hash(), now: p.net.now };
}

/** Outcome after playing straight through to each position, with no going back. */
function straightOutcomes(file: string, protocol: ProtocolName): ReturnType<typeof outcome>[] {
  const p = player(file, protocol);
  const out = [outcome(p)];
  while (p.position < p.stepCount) {
    p.next();
    out.push(outcome(p));
  }
  return out;
}

const CASES: Array<[string, ProtocolName]> = [
  ['tamper-and-failure.yaml', 'poa'],
  ['tamper-and-failure.yaml', 'raft'],
  ['tamper-and-failure.yaml', 'bft'],
  ['tamper-and-failure.yaml', 'pow'],
  ['hotel-escrow.yaml', 'bft'],
  ['taxi-journey.yaml', 'raft'],
  ['identities.yaml', 'poa'],
  ['benefits-private.yaml', 'raft'],
  ['currency-primer.yaml', 'pow'],
];

describe('goTo with snapshots', () => {
  for (const [file, protocol] of CASES) {
    it(`${file} on ${protocol}: every position reached by goTo, in any order, is what playing straight through gives`, () => {
      const expected = straightOutcomes(file, protocol);
      const steps = expected.length - 1;
      // Snapshots every 2 steps, so most positions are a copy plus a replay.
      const p = player(file, protocol, { snapshots: { everySteps: 2 } });
      const order = [steps, 1, steps - 1, 0, Math.floor(steps / 2), steps, 2, 3, 1, steps];
      for (const target of order) {
        p.goTo(target);
        expect(p.position).toBe(target);
        expect(outcome(p), `goTo(${target})`).toEqual(expected[target]);
      }
      // Forward from a restored position with next() and prev() too.
      p.goTo(1);
      p.next();
      expect(outcome(p)).toEqual(expected[2]);
      p.prev();
      expect(outcome(p)).toEqual(expected[1]);
    });
  }

  it('keeps snapshots as it plays and goes back without rebuilding the network from the start', () => {
    const { scenario } = story('tamper-and-failure.yaml');
    const p = new ScenarioPlayer(scenario, { snapshots: { everySteps: 1 } });
    p.playAll();
    expect(p.timelines()[0]!.snapshots).toEqual([0, 1, 2, 3, 4]);
    const net = p.net;
    p.goTo(2);
    expect(p.net).not.toBe(net); // a fresh copy of the snapshot, which stays pristine
    p.goTo(4);
    p.goTo(2);
    expect(outcome(p)).toEqual(straightOutcomes('tamper-and-failure.yaml', 'poa')[2]);
  });

  it('bounds the snapshots it keeps, and stays exact when it thins them', () => {
    const long = longStory(40);
    const p = new ScenarioPlayer(long, { snapshots: { everySteps: 1, maxPerTimeline: 6 } });
    p.playAll();
    const kept = p.timelines()[0]!.snapshots;
    expect(kept.length).toBeLessThanOrEqual(6);
    expect(kept[0]).toBe(0);
    const straight = new ScenarioPlayer(long, { snapshots: { everySteps: 1_000 } });
    straight.goTo(23);
    p.goTo(23);
    expect(outcome(p)).toEqual(outcome(straight));
  });

  it('after a step fails halfway, goTo restores a clean state', () => {
    const p = player('identities.yaml', 'poa', { snapshots: { everySteps: 1 } });
    p.goTo(2);
    const clean = outcome(p);
    p.branchAt(2, { kind: 'add-actions', actions: [{ revoke: { by: 'council', credential: 'no-such-credential' } }] });
    expect(() => p.next()).toThrow(/cannot revoke "no-such-credential"/);
    p.goTo(2);
    expect(outcome(p)).toEqual(clean);
  });
});

function longStory(steps: number): Scenario {
  const lines = ['title: A long ledger', 'summary: Many small payments.', 'network: { protocol: poa, nodes: 4, seed: 1 }', 'actors:', '  - { id: a, name: A, kind: person, balance: 1000000 }', '  - { id: b, name: B, kind: person, balance: 1000000 }', 'steps:'];
  for (let i = 0; i < steps; i++) lines.push(`  - { title: "payment ${i + 1}", narration: "A pays B.", actions: [ { transfer: { from: ${i % 2 ? 'b' : 'a'}, to: ${i % 2 ? 'a' : 'b'}, amount: ${1 + (i % 50)} } } ] }`);
  return loadScenario(lines.join('\n'), 'long.yaml');
}

describe('timelines', () => {
  it('a crash at step 3 makes a new timeline; the story as written stays reachable and unchanged', () => {
    const expected = straightOutcomes('taxi-journey.yaml', 'bft');
    const p = player('taxi-journey.yaml', 'bft', { snapshots: { everySteps: 2 } });
    p.goTo(5);
    const info = p.branchAt(3, { kind: 'add-actions', actions: [{ fault: 'crash 2' }], label: 'node 2 fails' });
    expect(info).toMatchObject({ id: 't1', label: 'node 2 fails', parent: 'main', branchedAt: 3, position: 3, current: true });
    expect(p.timeline).toBe('t1');
    expect(p.position).toBe(3);
    expect(outcome(p)).toEqual(expected[3]); // the shared past
    p.playAll();
    const whatIf = outcome(p);
    const records = p.history();
    expect(records.slice(0, 3).every((r) => r.timeline === 'main')).toBe(true);
    expect(records.slice(3).every((r) => r.timeline === 't1')).toBe(true);
    expect(whatIf.traceHash).not.toBe(expected.at(-1)!.traceHash);
    expect(p.net.sim.isAlive(2)).toBe(false);

    // The original, where it was left (position 5), then on to the end: as if nothing happened.
    p.switchTo('main');
    expect(p.timeline).toBe('main');
    expect(outcome(p)).toEqual(expected[5]);
    p.playAll();
    expect(outcome(p)).toEqual(expected.at(-1));
    expect(p.history().every((r) => r.timeline === 'main')).toBe(true);
    expect(p.recordsOf('t1')).toEqual(records);

    // And back again to the changed timeline, which kept its end state.
    p.switchTo('t1');
    expect(outcome(p)).toEqual(whatIf);
    p.goTo(4);
    expect(p.history().at(-1)!.timeline).toBe('t1');
    expect(p.timelines().map((t) => [t.id, t.position, t.current])).toEqual([
      ['main', expected.length - 1, false],
      ['t1', 4, true],
    ]);
  });

  it('the same changes give the same timelines, records and hashes (determinism)', () => {
    const run = () => {
      const p = player('tamper-and-failure.yaml', 'raft');
      p.goTo(2);
      p.branchAt(1, { kind: 'add-actions', actions: [{ fault: 'partition 0,1|2,3' }, { wait: { ms: 3_000 } }] });
      p.playAll();
      p.switchTo('main');
      p.branchAt(3, { kind: 'add-actions', actions: [{ fault: 'heal' }] });
      p.playAll();
      return { timelines: p.timelines(), t2: outcome(p), t1: p.recordsOf('t1').map((r) => JSON.stringify(r)) };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    expect(a.timelines.map((t) => [t.id, t.parent, t.branchedAt])).toEqual([
      ['main', undefined, undefined],
      ['t1', 'main', 1],
      ['t2', 'main', 3],
    ]);
  });

  it('another value: replacing an action of a step changes what follows, and only on the new timeline', () => {
    const p = player('tamper-and-failure.yaml', 'poa');
    p.playAll();
    const written = p.history()[0]!;
    expect(written.transactions[0]!.status).toBe('ok');
    p.branchAt(0, { kind: 'replace-action', index: 0, action: { transfer: { from: 'council', to: 'firm', amount: 2_500, as: 'monthly-fee' } } });
    const record: StepRecord = p.next();
    expect(record.timeline).toBe('t1');
    expect(record.changes.join(' ')).toMatch(/from 0 to 2500/);
    expect(record.checks.find((c) => c.check.startsWith('balance of firm'))!.passed).toBe(false); // the story expected 1000
    p.switchTo('main');
    expect(p.history()[0]).toEqual(written);
    expect(p.position).toBe(p.stepCount);
  });

  it('adding actions at the end of the story adds a step', () => {
    const p = player('tamper-and-failure.yaml', 'poa');
    p.playAll();
    const steps = p.stepCount;
    p.branchAt(steps, { kind: 'add-actions', actions: [{ transfer: { from: 'sam', to: 'firm', amount: 1 } }] });
    expect(p.stepCount).toBe(steps + 1);
    const extra = p.next();
    expect(extra.transactions[0]!.status).toBe('ok');
    p.switchTo('main');
    expect(p.stepCount).toBe(steps);
  });

  it('a change that cannot be played is refused before anything moves, with a sentence that says why', () => {
    const p = player('tamper-and-failure.yaml', 'poa');
    p.goTo(2);
    const before = outcome(p);
    const refuse = (fn: () => unknown, message: RegExp) => {
      expect(fn).toThrow(LedgerlabError);
      expect(fn).toThrow(message);
    };
    refuse(() => p.branchAt(1, { kind: 'add-actions', actions: [{ fault: 'crash 9' }] }), /there is no node 9/);
    refuse(() => p.branchAt(1, { kind: 'add-actions', actions: [{ transfer: { from: 'nobody', to: 'firm', amount: 1 } }] }), /no actor or contract "nobody"/);
    refuse(() => p.branchAt(1, { kind: 'add-actions', actions: [{ teleport: {} } as never] }), /not a scenario action/);
    refuse(() => p.branchAt(1, { kind: 'add-actions', actions: [] }), /at least one action/);
    refuse(() => p.branchAt(1, { kind: 'replace-action', index: 7, action: { fault: 'heal' } }), /no action 7/);
    refuse(() => p.branchAt(99, { kind: 'add-actions', actions: [{ fault: 'heal' }] }), /there is no position 99/);
    refuse(() => p.switchTo('t9'), /there is no timeline "t9"/);
    expect(p.timelines().length).toBe(1);
    expect(outcome(p)).toEqual(before);
  });
});

describe('playback at a speed', () => {
  it('yields each record as it is played, pacing with the host sleep, and stops when aborted or at `until`', async () => {
    const p = player('tamper-and-failure.yaml', 'poa');
    const sleeps: number[] = [];
    const seen: number[] = [];
    for await (const record of p.playAtSpeed({ stepsPerSecond: 4, sleep: async (ms) => void sleeps.push(ms), until: 3 })) seen.push(record.index);
    expect(seen).toEqual([0, 1, 2]);
    expect(sleeps.length).toBe(2); // between steps, not after the last
    expect(sleeps.every((ms) => ms >= 0 && ms <= 250)).toBe(true);

    const signal = { aborted: false };
    const more: number[] = [];
    for await (const record of p.playAtSpeed({ stepsPerSecond: 1_000, sleep: async () => undefined, signal })) {
      more.push(record.index);
      signal.aborted = true;
    }
    expect(more).toEqual([3]);
    await expect(p.playAtSpeed({ stepsPerSecond: 0, sleep: async () => undefined }).next()).rejects.toThrow(/stepsPerSecond must be above 0/);
  });
});

describe('thinning while branching ahead', () => {
  it('keeps the snapshot where the parent timeline was left, even with a tiny snapshot budget', () => {
    const steps = Array.from({ length: 10 }, (_, i) => `  - title: step ${i + 1}\n    narration: pay\n    actions:\n      - transfer: { from: a, to: b, amount: ${i + 1} }`).join('\n');
    const yaml = `title: t\nsummary: s\nnetwork:\n  protocol: poa\n  nodes: 3\n  seed: 1\nactors:\n  - { id: a, name: A, kind: person, balance: 1000 }\n  - { id: b, name: B, kind: person, balance: 1000 }\nsteps:\n${steps}\n`;
    const scenario = loadScenario(yaml);
    for (const cursor of [1, 2, 4, 5]) {
      for (const at of [6, 7, 9]) {
        const player = new ScenarioPlayer(scenario, { snapshots: { everySteps: 1, maxPerTimeline: 3 } });
        for (let i = 0; i < cursor; i++) player.next();
        player.branchAt(at, { kind: 'add-actions', actions: [{ transfer: { from: 'b', to: 'a', amount: 5 } }] });
        expect(player.recordsOf('main'), `cursor ${cursor}, branch at ${at}`).toHaveLength(cursor);
      }
    }
  });
});
