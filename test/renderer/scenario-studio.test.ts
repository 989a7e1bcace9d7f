/**
 * The scenario player facade the studio's worker uses (engine/api/scenario-studio.ts): the
 * library, one story played forwards and backwards, and the plain views it returns.
 */
import { describe, expect, it } from 'vitest';
import { libraryFiles } from '../support/scenario.ts';
import { argsInWords, describeWait, listStories, resolveRelative, ScenarioStudio } from '../../engine/api/scenario-studio.ts';


const files = libraryFiles();
const TAXI = 'contracts/scenarios/taxi-journey.yaml';

describe('the story library', () => {
  it('lists every story, the taxi journey first, with its protocols and step titles', () => {
    const stories = listStories(files);
    expect(stories[0]?.id).toBe('taxi-journey');
    expect(stories.length).toBe(Object.keys(files).filter((f) => f.endsWith('.yaml')).length);
    const taxi = stories[0]!;
    expect(taxi.protocols).toEqual(['poa', 'raft', 'bft', 'pow']);
    expect(taxi.steps.map((s) => s.title)[0]).toBe("Amira's phone hires the taxi");
    expect(taxi.problems).toBeUndefined();
  });

  it('keeps a broken story in the list with its located problems', () => {
    const stories = listStories({ 'contracts/scenarios/broken.yaml': 'title: Broken\nsummary: x\nnetwork: { protocol: paxos, nodes: 4 }\nactors: []\nsteps: []\n' });
    expect(stories[0]?.problems?.[0]).toMatchObject({ file: 'contracts/scenarios/broken.yaml', line: 3 });
    expect(stories[0]?.problems?.[0]?.message).toMatch(/protocol is poa, raft, bft or pow/);
  });

  it('resolves contract paths against the story folder', () => {
    expect(resolveRelative('contracts/scenarios/taxi.yaml', '../parking.js')).toBe('contracts/parking.js');
    expect(resolveRelative('contracts/scenarios/taxi.yaml', './x/../y.js')).toBe('contracts/scenarios/y.js');
  });

  it('writes call arguments as a reader would', () => {
    expect(argsInWords({ plate: 'AX 1', minutes: 60 })).toBe('plate: AX 1, minutes: 60');
    expect(argsInWords(null)).toBe('');
    expect(argsInWords([1, 2])).toBe('[1,2]');
  });

  it('says waits in words, whatever their form', () => {
    expect(describeWait({ ms: 185_000 })).toBe('Time passes: 3 min 5 s');
    expect(describeWait({ blocks: 1 })).toBe('The network adds 1 more block');
    expect(describeWait({ confirmations: 6, tx: 'pay' })).toBe('Wait until "pay" is 6 blocks deep');
  });
});

describe('playing the taxi journey', () => {
  it('plays to the end with every check passing, and says who paid whom', async () => {
    const studio = await ScenarioStudio.open(TAXI, files[TAXI]!, files);
    const start = studio.view();
    expect(start.position).toBe(0);
    expect(start.actors.find((a) => a.id === 'amira')).toMatchObject({ balance: 5000, credentials: [{ type: 'resident', issuer: 'Riverside Council', revoked: false, claims: 'ward: Riverside' }] });

    const first = studio.next();
    expect(first.records[0]?.transactions[0]).toMatchObject({ name: 'fare', by: 'amira', byName: 'Amira Haddad', summary: 'Amira Haddad pays Autonomous taxi AX-1 300', status: 'ok', parties: ['amira', 'taxi'] });
    expect(first.records[0]?.transactions[0]?.blockHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.actors.find((a) => a.id === 'taxi')).toMatchObject({ balance: 1300, balanceChange: 300 });
    expect(first.actors.find((a) => a.id === 'pump')?.sees).toMatchObject({ mode: 'public', items: [{ step: 0, involved: false, readable: true }] });

    const end = studio.playAll();
    expect(end.position).toBe(6);
    expect(end.checks).toEqual({ passed: 19, failed: 0, total: 19 });
    const film = end.records[2]!;
    expect(film.happenings).toEqual(['Time passes: 3 min 5 s']);
    expect(film.transactions[0]?.summary).toBe('Amira Haddad calls film.open() with 100 attached');
    expect(film.transactions[0]?.events.map((e) => e.name)).toEqual(['StreamOpened']);
    const parking = end.records[3]!.transactions[0]!;
    expect(parking.summary).toBe('Amira Haddad calls parking.park(plate: AX 1, minutes: 60) with 120 attached');
    expect(end.actors.find((a) => a.id === 'amira')?.credentials[0]?.revoked).toBe(true);
    expect(end.records[4]?.transactions[0]).toMatchObject({ summary: 'Riverside Council revokes Amira Haddad\'s "resident" credential', parties: ['council', 'amira'] });
    // The view crosses a Worker boundary: plain data only.
    expect(structuredClone(end)).toEqual(end);
  });

  it('steps back and jumps, giving the same records as playing straight through', async () => {
    const studio = await ScenarioStudio.open(TAXI, files[TAXI]!, files);
    const straight = studio.goTo(3);
    const back = studio.prev();
    expect(back.position).toBe(2);
    expect(back.actors.find((a) => a.id === 'pump')?.balance).toBe(200);
    const again = studio.goTo(3);
    expect(again.records[2]).toEqual(straight.records[2]);
    expect(again.network.stateRoot).toBe(straight.network.stateRoot);
    expect(studio.goTo(0).records).toEqual([]);
  });

  it('runs on another protocol the story lists, and refuses one it does not', async () => {
    const raft = await ScenarioStudio.open(TAXI, files[TAXI]!, files, { protocol: 'raft', seed: 9 });
    expect(raft.view()).toMatchObject({ protocol: 'raft', seed: 9 });
    const primer = Object.keys(files).find((f) => f.includes('currency'));
    if (primer) await expect(ScenarioStudio.open(primer, files[primer]!, files, { protocol: 'raft' })).rejects.toThrow(/is not written for raft/);
  });

  it('reports a malformed story with its file, line and column', async () => {
    const text = files[TAXI]!.replace('from: amira, to: taxi', 'from: amira, to: taxy');
    await expect(ScenarioStudio.open('my-taxi.yaml', text, files, {}, 'contracts/scenarios')).rejects.toMatchObject({ problems: [{ file: 'my-taxi.yaml', message: expect.stringMatching(/unknown actor "taxy"/) }] });
  });

  it('names a contract missing from the library', async () => {
    const text = files[TAXI]!.replace('../parking.js', '../nowhere.js');
    await expect(ScenarioStudio.open('x.yaml', text, files, {}, 'contracts/scenarios')).rejects.toThrow(/not in the contract library/);
  });
});

describe('who can see what', () => {
  const file = 'contracts/scenarios/benefits-private.yaml';
  it.runIf(files[file] !== undefined)('on a ledger with private data, a party reads a sealed purchase in full and an outsider only its fingerprint', async () => {
    const studio = await ScenarioStudio.open(file, files[file]!, files);
    const end = studio.playAll();
    const sealed = end.records.flatMap((r) => r.transactions).filter((t) => t.private);
    expect(sealed.length).toBeGreaterThan(0);
    const cards = end.actors.filter((a) => a.sees.mode === 'private');
    expect(cards.length).toBe(end.actors.length);
    const jo = cards.find((a) => a.id === 'jo')!;
    const outsider = cards.find((a) => a.sees.items.some((i) => !i.readable))!;
    expect(jo.sees.items.filter((i) => i.involved).every((i) => i.readable)).toBe(true);
    expect(outsider.sees.summary).toMatch(/only as a sealed fingerprint/);
  });
});

describe('the currency primer', () => {
  const file = 'contracts/scenarios/currency-primer.yaml';
  it.runIf(files[file] !== undefined)('names both payments of a double spend, the one that lost included', async () => {
    const studio = await ScenarioStudio.open(file, files[file]!, files);
    const hamper = studio.goTo(4).records[3]!;
    expect(hamper.happenings[0]).toMatch(/^Mallory pays Corner Café 20 while secretly mining, on node 3/);
    expect(hamper.transactions.map((t) => t.summary)).toEqual(['Mallory pays Corner Café 20', "Mallory pays Mallory's second wallet 20"]);
  });
});

describe('every library story', () => {
  for (const story of listStories(libraryFiles())) {
    it(`${story.id} plays to the end in the studio on ${story.protocol}`, async () => {
      expect(story.problems).toBeUndefined();
      const studio = await ScenarioStudio.open(story.file, files[story.file]!, files);
      const end = studio.playAll();
      expect(end.position).toBe(story.steps.length);
      expect(end.checks.failed).toBe(0);
      expect(end.actors.length).toBe(story.actors.length);
    });
  }
});
