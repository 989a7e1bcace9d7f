/**
 * "What if" in the studio's scenario facade (engine/api/scenario-studio.ts): a change at a step
 * forks a new timeline, plays on there, and keeps the story as written reachable and unchanged;
 * each timeline's checks are compared with the one it forked from; a change that does not fit
 * the story is refused with the step and action it concerns and how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { libraryFiles } from '../support/scenario.ts';
import { ScenarioStudio, type StoryView } from '../../engine/api/scenario-studio.ts';


const files = libraryFiles();
const TAXI = 'contracts/scenarios/taxi-journey.yaml';
const TAMPER = 'contracts/scenarios/tamper-and-failure.yaml';
const IDENTITIES = 'contracts/scenarios/identities.yaml';

const open = (file: string, options: Parameters<typeof ScenarioStudio.open>[3] = {}) => ScenarioStudio.open(file, files[file]!, files, options);
const timeline = (view: StoryView, id: string) => view.timelines.find((t) => t.id === id)!;

describe('what if, on the taxi journey', () => {
  it('a dearer fare forks a new timeline: the taxi check fails there, and the story as written is untouched', async () => {
    const straight = (await open(TAXI)).playAll();

    const studio = await open(TAXI);
    const atStep1 = studio.goTo(1);
    expect(atStep1.timeline).toBe('main');
    expect(atStep1.timelines).toHaveLength(1);
    expect(atStep1.whatIf).toMatchObject({ at: 0, step: 1, stepTitle: "Amira's phone hires the taxi", actions: [{ index: 0, kind: 'transfer', summary: 'Amira Haddad pays Autonomous taxi AX-1 300', amount: { value: 300, min: 1 } }] });

    const branched = studio.whatIf(0, { kind: 'amount', action: 0, amount: 500 });
    expect(branched.timeline).not.toBe('main');
    expect(branched.position).toBe(1);
    const fare = branched.records[0]!;
    expect(fare.transactions[0]?.summary).toBe('Amira Haddad pays Autonomous taxi AX-1 500');
    expect(fare.whatIf).toEqual(['Amira Haddad pays Autonomous taxi AX-1 500 instead of 300']);
    expect(fare.checks.find((c) => c.check === 'balance of taxi = 1300')).toMatchObject({ passed: false, detail: 'taxi holds 1500' });

    // The story as written was played to its end first, so the whole outcome is there to compare.
    const original = timeline(branched, 'main');
    expect(original).toMatchObject({ label: 'The story as written', original: true, current: false, position: 1, checks: { passed: 19, failed: 0, total: 19 } });
    const fork = timeline(branched, branched.timeline);
    expect(fork).toMatchObject({ label: 'What if Amira Haddad pays Autonomous taxi AX-1 500 instead of 300 at step 1', current: true, parent: 'main', forkStep: 1, depth: 1 });
    expect(fork.steps).toEqual(['failed', 'unplayed', 'unplayed', 'unplayed', 'unplayed', 'unplayed']);
    expect(fork.comparison).toMatchObject({ complete: false, steps: 1, nowFailing: [{ step: 1, check: 'balance of taxi = 1300', detail: 'taxi holds 1500', before: 'taxi holds 1300' }], nowPassing: [] });

    // Played on to the end: one check fails, and the balances say who is out of pocket.
    const end = studio.playAll();
    expect(end.checks).toEqual({ passed: 18, failed: 1, total: 19 });
    const compared = timeline(end, end.timeline).comparison!;
    expect(compared).toMatchObject({ complete: true, steps: 6, balancesAfter: 6 });
    expect(compared.nowFailing.map((c) => c.check)).toEqual(['balance of taxi = 1300']);
    expect(compared.balances).toEqual([
      { actor: 'amira', name: 'Amira Haddad', before: straight.actors.find((a) => a.id === 'amira')!.balance, after: end.actors.find((a) => a.id === 'amira')!.balance },
      { actor: 'taxi', name: 'Autonomous taxi AX-1', before: 1100, after: 1300 },
    ]);

    // Back to the story as written: where it was left, and every record as if nothing happened.
    const back = studio.switchTimeline('main');
    expect(back).toMatchObject({ timeline: 'main', position: 1 });
    expect(back.records[0]).toEqual(straight.records[0]);
    expect(back.actors.find((a) => a.id === 'taxi')?.balance).toBe(1300);
    const mainEnd = studio.playAll();
    expect(mainEnd.records).toEqual(straight.records);
    expect(mainEnd.network.stateRoot).toBe(straight.network.stateRoot);
    expect(studio.player.recordsOf('main').every((r) => r.timeline === 'main')).toBe(true);

    // And forth: the what-if where it was left, still with its failed check.
    const again = studio.switchTimeline(end.timeline);
    expect(again).toMatchObject({ position: 6, checks: { failed: 1 } });
    expect(again.records.map((r) => r.transactions.map((t) => t.summary))).toEqual(end.records.map((r) => r.transactions.map((t) => t.summary)));
    expect(structuredClone(again)).toEqual(again);
  });

  it('leaving out the film makes its checks fail, told in words, and a what-if of a what-if names its parent', async () => {
    const studio = await open(TAXI);
    studio.goTo(3);
    const skipped = studio.whatIf(2, { kind: 'skip', action: 0 });
    const film = skipped.records[2]!;
    expect(film.happenings[0]).toBe('Left out in this what-if: Amira Haddad calls film.open() with 100 attached');
    expect(film.whatIf).toEqual(['Amira Haddad does not call film.open']);
    expect(film.checks.find((c) => c.check.includes('film-start'))).toMatchObject({ passed: false, detail: 'no transaction named "film-start" was made' });
    expect(skipped.whatIf.actions[0]).toMatchObject({ kind: 'left-out', skipBlocked: 'it is already left out' });
    const first = skipped.timeline;

    const crashed = studio.whatIf(2, { kind: 'crash', node: 1 });
    const nested = timeline(crashed, crashed.timeline);
    expect(nested).toMatchObject({ label: 'What if node 1 crashes at step 3', parent: first, depth: 2, forkStep: 3 });
    expect(nested.comparison?.againstLabel).toBe('What if Amira Haddad does not call film.open at step 3');
    expect(crashed.records[2]?.whatIf).toEqual(['Amira Haddad does not call film.open', 'node 1 crashes']);
    expect(crashed.records[2]?.happenings).toContain('Node 1 crashes');
    expect(crashed.network.nodes.find((n) => n.node === 1)?.alive).toBe(false);
    expect(crashed.timelines.map((t) => t.id)).toEqual(['main', first, crashed.timeline]);
  });

  it('refuses changes that do not fit the story, saying where and how to fix them', async () => {
    const studio = await open(TAXI);
    studio.goTo(1);
    const refusals: Array<[Parameters<ScenarioStudio['whatIf']>[1], RegExp]> = [
      [{ kind: 'crash', node: 9 }, /^Step 1 \("Amira's phone hires the taxi"\): there is no node 9 to crash\. The nodes are numbered 0 to 3\.$/],
      [{ kind: 'amount', action: 3, amount: 5 }, /^Step 1 \("Amira's phone hires the taxi"\) has 1 action; there is no action 4\. Pick one from 1 to 1\.$/],
      [{ kind: 'amount', action: 0, amount: -5 }, /action 1 \(Amira Haddad pays Autonomous taxi AX-1 300\): -5 is not an amount it can move\. Type a whole number of 1 or more/],
      [{ kind: 'amount', action: 0, amount: 300 }, /already moves 300\. Pick another amount/],
      [{ kind: 'partition', groups: [[0, 1, 2, 3]] }, /a split needs nodes on both sides/],
      [{ kind: 'partition', groups: [[0, 1], [1, 2]] }, /node 1 is on both sides of the split/],
      [{ kind: 'custom', change: { kind: 'add-actions', actions: [{ fault: 'explode 1' }] } }, /^Step 1 .*unknown action "explode"/],
      [{ kind: 'custom', change: { kind: 'add-actions', actions: [{ transfer: { from: 'zed', to: 'taxi', amount: 1 } }] } }, /the story has no actor or contract "zed"/],
      [{ kind: 'bogus' } as never, /unknown kind of what-if "bogus"/],
    ];
    for (const [whatIf, message] of refusals) expect(() => studio.whatIf(0, whatIf), JSON.stringify(whatIf)).toThrow(message);
    expect(() => studio.whatIf(9, { kind: 'heal' })).toThrow(/there is no step 10 to change: this story has 6 steps/);
    // Nothing was forked, and the story is where it was.
    expect(studio.view()).toMatchObject({ timeline: 'main', position: 1, timelines: [{ id: 'main' }] });
  });

  it('a change whose step cannot be played is said with its step, and the story as written is still there', async () => {
    const studio = await open(TAXI);
    studio.goTo(2);
    const revokeNothing = { kind: 'custom' as const, change: { kind: 'add-actions' as const, actions: [{ revoke: { by: 'council', credential: 'nope' } }] } };
    expect(() => studio.whatIf(1, revokeNothing)).toThrow(/^Step 2 \("The taxi refuels and pays the pump itself"\), as changed, could not be played: cannot revoke "nope"/);
    const stuck = studio.view();
    expect(stuck.position).toBe(1);
    expect(timeline(stuck, stuck.timeline).problem).toMatch(/^Step 2 \("The taxi refuels and pays the pump itself"\) could not be played: cannot revoke "nope"/);
    expect(studio.switchTimeline('main')).toMatchObject({ timeline: 'main', position: 2, checks: { passed: 4, failed: 0 } });
  });

  it('will not leave out a credential that a later step revokes', async () => {
    const studio = await open(IDENTITIES);
    const view = studio.goTo(2);
    expect(view.whatIf.actions[0]).toMatchObject({ kind: 'issue', skipBlocked: 'step 3 revokes the credential it issues' });
    expect(() => studio.whatIf(1, { kind: 'skip', action: 0 })).toThrow(/action 1 \(Riverside Council issues Sam .* a "resident" credential\) cannot be left out: step 3 revokes the credential it issues/);
  });
});

describe('what if, on the tamper-and-failure story', () => {
  it('without the insider, node 2’s chain stays intact, so the check that expected it broken now fails', async () => {
    const studio = await open(TAMPER);
    studio.goTo(2);
    const view = studio.whatIf(1, { kind: 'skip', action: 0 });
    expect(timeline(view, view.timeline).label).toBe("What if step 2 goes without: Someone edits block 1 in node 2's copy of the ledger");
    expect(view.records[1]?.checks[0]).toMatchObject({ check: "node 2's chain is broken", passed: false });
    const end = studio.playAll();
    expect(timeline(end, end.timeline).comparison).toMatchObject({ complete: true, nowFailing: [{ step: 2, check: "node 2's chain is broken" }], nowPassing: [] });
    expect(timeline(end, 'main').checks.failed).toBe(0);
  });

  it('on Raft, a second crash leaves no majority: the payment is not recorded and its checks now fail', async () => {
    const studio = await open(TAMPER, { protocol: 'raft' });
    studio.goTo(3);
    const view = studio.whatIf(2, { kind: 'crash', node: 0 });
    expect(view.network.nodes.filter((n) => !n.alive).map((n) => n.node)).toEqual([0, 1]);
    const failing = timeline(view, view.timeline).comparison!.nowFailing.map((c) => c.check);
    expect(failing).toContain('transaction "bulky-waste" is ok');
    expect(view.records[2]?.transactions[0]?.status).toBe('rejected');
    // The step as the story wrote it is still there to go back to.
    const back = studio.switchTimeline('main');
    expect(back.position).toBe(3);
    expect(back.network.nodes.filter((n) => !n.alive).map((n) => n.node)).toEqual([1]);
    expect(back.records[2]?.transactions[0]?.status).toBe('ok');
  });

  it('splits the network in words, listing each side once', async () => {
    const studio = await open(TAMPER);
    studio.goTo(1);
    const view = studio.whatIf(0, { kind: 'partition', groups: [[3, 2]] });
    expect(timeline(view, view.timeline).label).toBe('What if the network splits (nodes 0, 1 | nodes 2, 3) at step 1');
    expect(view.records[0]?.happenings[0]).toBe('The network splits: nodes 0, 1 | nodes 2, 3 cannot reach each other');
  });
});
