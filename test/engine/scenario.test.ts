import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/scenario/load.ts';
import { ScenarioPlayer } from '../../engine/scenario/player.ts';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { expectMutantsToFailCleanly, libraryStory, problemsOf } from '../support/scenario.ts';

beforeAll(() => useNativeCrypto());

const { path: FILE, text: TEXT } = libraryStory('identities.yaml');

describe('scenario files', () => {
  it('load the identities story', () => {
    const scenario = loadScenario(TEXT, FILE);
    expect(scenario.steps.length).toBe(5);
    expect(scenario.actors.map((a) => a.kind)).toEqual(['organisation', 'person', 'organisation', 'device']);
  });

  it('point at the file, line and column of a mistake, and say how to fix it', () => {
    expect(problemsOf(TEXT.replace('kind: person', 'kind: human'))).toMatch(/^story\.yaml:\d+:\d+: actors\.1\.kind: kind is person, organisation or device/);
    expect(problemsOf(TEXT.replace('to: sam,', 'to: samm,'))).toMatch(/story\.yaml:\d+:\d+: unknown actor "samm": define it under actors \(known: council, sam, cafe, meter\)/);
    expect(problemsOf(TEXT.replace('credential: residency, as: cafe', 'credential: residence, as: cafe'))).toMatch(/no earlier transaction is named "residence": add "as: residence"/);
    expect(problemsOf(TEXT.replace('    narration: |\n      Sam, the cafe', '    narrate: |\n      Sam, the cafe'))).toMatch(/unknown field "narrate": remove it or check the spelling/);
    expect(problemsOf(TEXT.replace('balance: 500 }', 'balance: 12.5 }'))).toMatch(/amounts are whole numbers/);
    expect(problemsOf(TEXT.replace('  - title: Everyone has an identity', '  - title Everyone: has: an identity'))).toMatch(/story\.yaml:\d+:\d+: YAML syntax/);
    expect(problemsOf(TEXT.replace('status: { tx: meter-float, is: ok }', 'status: { tx: meter-float, is: fine }'))).toMatch(/steps\.0\.expect\.0\.status\.is: Invalid option/);
    expect(problemsOf('hello')).toMatch(/a scenario is a YAML mapping/);
  });

  it('survive a fuzz of mutated files: a located error or a clean run, never a crash', () => {
    expectMutantsToFailCleanly(TEXT, 150);
  });
});

describe('the scenario player', () => {
  it('plays every step with records: transactions, plain-language changes, trace slice, checks', () => {
    const player = new ScenarioPlayer(loadScenario(TEXT));
    const [first, second, third] = player.playAll();
    expect(first!.transactions[0]).toMatchObject({ name: 'meter-float', by: 'council', status: 'ok' });
    expect(first!.changes).toContain("Parking meter 7's balance went from 0 to 10");
    expect(second!.changes).toEqual(['Riverside Council issued Sam Okafor a "resident" credential']);
    expect(third!.transactions[0]!.receipt!.error).toBe('only the issuer can revoke a credential');
    expect(first!.trace.counts['block.propose']).toBeGreaterThan(0);
    expect(player.history().every((r) => r.checks.every((c) => c.passed))).toBe(true);
  });

  it('goes back and forth deterministically: replaying gives the same records and trace', () => {
    const player = new ScenarioPlayer(loadScenario(TEXT), { protocol: 'raft' });
    const all = JSON.stringify(player.playAll());
    const hash = player.net.trace.hash();
    player.prev();
    expect(player.position).toBe(4);
    player.goTo(2);
    expect(player.position).toBe(2);
    player.playAll();
    expect(JSON.stringify(player.history())).toBe(all);
    expect(player.net.trace.hash()).toBe(hash);
  });

  it('prints the JSON report, and exits 1 naming the step and check that failed', async () => {
    const run = async (file: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['scenario', 'run', file, '--json'], { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, report: JSON.parse(out.join('')), err: err.join('\n') };
    };
    const good = await run(FILE);
    expect(good.code).toBe(0);
    expect(good.report).toMatchObject({ title: 'Identities for people, organisations and things', checks: { passed: 12, failed: 0 }, failures: [] });
    expect(good.report.stateRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(good.report.traceHash).toMatch(/^[0-9a-f]{64}$/);
    const dir = mkdtempSync(join(tmpdir(), 'story-'));
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, TEXT.replace('balance: { actor: cafe, equals: 525 }', 'balance: { actor: cafe, equals: 999 }'));
    const bad = await run(wrong);
    expect(bad.code).toBe(1);
    expect(bad.report.checks).toEqual({ passed: 11, failed: 1 });
    expect(bad.err).toMatch(/step 5 "The network keeps the record even when a node fails": balance of cafe = 999 \(cafe holds 525\)/);
  });
});

describe('the scenario report', () => {
  it('writes one standalone HTML file: narration, who signed what in which block, actor views, checks; raw HTML in narration stays text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const story = join(dir, 'story.yaml');
    writeFileSync(story, TEXT.replace('Sam, the cafe, the council', 'Sam <script>alert(1)</script>, the cafe, the council'));
    const out = join(dir, 'report.html');
    const lines: string[] = [];
    const code = await main(['scenario', 'report', story, '-o', out], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    expect(code, lines.join('\n')).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>Identities for people, organisations and things — Ledgerlab report</title>');
    expect(html).toContain('12 checks passed, 0 failed');
    expect(html).toMatch(/<td>meter-float<\/td><td>Riverside Council<\/td><td><span class="ok">ok<\/span><\/td><td>\d+<\/td>/);
    expect(html).toContain('Parking meter 7');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain("default-src 'none'");
  });
});
