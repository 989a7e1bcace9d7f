/**
 * Who can see what: private data on the ledger (ledger/private-data.ts), actor views and the
 * `sees` / `commitment` checks (scenario/privacy.ts), and story 5 played both ways.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedContractVm } from '../../engine/api/lab.ts';
import { deriveKeyPair } from '../../engine/core/keys.ts';
import { applyTx, genesisState } from '../../engine/ledger/execute.ts';
import { privateCommitment, privateSalt, verifyReveal, type Reveal } from '../../engine/ledger/private-data.ts';
import { checkTx, signTx } from '../../engine/ledger/tx.ts';
import type { ContractVM } from '../../engine/vm/index.ts';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import type { Scenario } from '../../engine/scenario/format.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { ScenarioPlayer } from '../../engine/scenario/player.ts';
import { scenarioReportHtml } from '../../engine/scenario/report.ts';
import { libraryStory, problemsOf, STORY_DIR } from '../support/scenario.ts';

const PUBLIC_TEXT = libraryStory('benefits.yaml').text;
const PRIVATE_TEXT = libraryStory('benefits-private.yaml').text;
const sources = { '../benefits.js': readFileSync(`${STORY_DIR}../benefits.js`, 'utf8') };

let vm: ContractVM;
beforeAll(async () => {
  useNativeCrypto();
  vm = await sharedContractVm();
});

const play = (scenario: Scenario, options: { protocol?: 'poa' | 'raft' | 'bft' | 'pow'; seed?: number } = {}) => {
  const player = new ScenarioPlayer(scenario, { contracts: vm, sources, ...options });
  player.playAll();
  return player;
};

/** Everything the nodes hold: every block with its transactions, and every state entry. */
const everythingOnTheLedger = (player: ScenarioPlayer) => {
  const chain = player.net.chainOf(0);
  const blocks = Array.from({ length: chain.headHeight + 1 }, (_, h) => chain.canonicalAt(h)!);
  return JSON.stringify(blocks.map((b) => b.block)) + JSON.stringify(player.state().trie.scan(''));
};

const failures = (player: ScenarioPlayer) => player.history().flatMap((r) => r.checks.filter((c) => !c.passed).map((c) => `step ${r.index + 1}: ${c.check} — ${c.detail}`));

describe('a private record on the ledger: a salted commitment anyone can check', () => {
  const jo = deriveKeyPair(1, 'actor:jo');
  const shop = deriveKeyPair(1, 'actor:shop');
  const bank = deriveKeyPair(1, 'actor:bank');
  const reveal: Reveal = {
    record: { payload: { kind: 'transfer', from: jo.address, to: shop.address, amount: 8 }, parties: [jo.address, shop.address, bank.address] },
    salt: privateSalt(jo.secretKey, 'test-chain', 0),
  };
  const env = { chainId: 'test-chain', height: 1, timestampMs: 1_000, parentHash: '0'.repeat(64), proposer: bank.address };
  const genesis = genesisState({ chainId: 'test-chain', timestampMs: 0, accounts: [{ address: jo.address, balance: 100 }], identities: [], consensus: {} });
  const commitment = privateCommitment(reveal);
  const tx = signTx(jo, { chainId: 'test-chain', nonce: 0, payload: { type: 'private.record', commitment } });
  const applied = applyTx(genesis, tx, env);
  if (!applied.ok) throw new Error(applied.invalid.detail);
  const state = applied.state;

  it('puts only the commitment on the ledger: no amount, party or salt', () => {
    expect(applied.receipt.status).toBe('ok');
    expect(state.privateRecord(jo.address, commitment)).toEqual({ by: jo.address, height: 1, tx: tx.hash });
    const onLedger = JSON.stringify(tx) + JSON.stringify(state.trie.scan(''));
    expect(onLedger).not.toContain(shop.address);
    expect(onLedger).not.toContain(reveal.salt);
    expect(onLedger).not.toContain('"amount"');
    // Value does not move: a changed balance would give the amount away.
    expect(state.balanceOf(jo.address)).toBe(100);
    expect(state.balanceOf(shop.address)).toBe(0);
  });

  it('a revealed record verifies against its commitment', () => {
    expect(verifyReveal(state, reveal, commitment)).toMatchObject({ ok: true, entry: { by: jo.address, height: 1 } });
    expect(verifyReveal(state, reveal)).toMatchObject({ ok: true });
  });

  it('a tampered record fails: another amount, another party list, another salt', () => {
    const altered: Reveal[] = [
      { ...reveal, record: { ...reveal.record, payload: { ...reveal.record.payload, amount: 18 } as Reveal['record']['payload'] } },
      { ...reveal, record: { ...reveal.record, parties: [jo.address, shop.address] } },
      { ...reveal, salt: privateSalt(jo.secretKey, 'test-chain', 1) },
    ];
    for (const fake of altered) {
      const result = verifyReveal(state, fake, commitment);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/not the record that was committed/);
      // Without the expected commitment, the forgery's own hash is simply not on the ledger.
      expect(verifyReveal(state, fake)).toMatchObject({ ok: false, reason: expect.stringMatching(/put no private record with commitment/) });
    }
  });

  it('a commitment copied by someone else neither vouches for the record nor blocks its author', () => {
    const copied = signTx(shop, { chainId: 'test-chain', nonce: 0, payload: { type: 'private.record', commitment } });
    const other = applyTx(genesisState({ chainId: 'test-chain', timestampMs: 0, accounts: [{ address: jo.address, balance: 100 }], identities: [], consensus: {} }), copied, env);
    if (!other.ok) throw new Error(other.invalid.detail);
    expect(verifyReveal(other.state, reveal)).toMatchObject({ ok: false, reason: expect.stringMatching(/author .* put no private record/) });
    // The copier went first, yet the author's own record still lands and verifies.
    const mine = applyTx(other.state, tx, env);
    expect(mine.ok && mine.receipt.status).toBe('ok');
    expect(mine.ok && verifyReveal(mine.state, reveal, commitment)).toMatchObject({ ok: true, entry: { by: jo.address } });
  });

  it('the same commitment cannot be recorded twice, and a malformed one is refused outright', () => {
    const again = applyTx(state, signTx(jo, { chainId: 'test-chain', nonce: 1, payload: { type: 'private.record', commitment } }), env);
    expect(again.ok && again.receipt).toMatchObject({ status: 'reverted', error: expect.stringMatching(/already put this commitment on the ledger/) });
    expect(checkTx(signTx(jo, { chainId: 'test-chain', nonce: 1, payload: { type: 'private.record', commitment: 'abc' } }), 'test-chain')).toMatchObject({ reason: 'malformed' });
  });

  it('salts are per author and transaction, so equal records get unrelated commitments', () => {
    const same = { ...reveal, salt: privateSalt(jo.secretKey, 'test-chain', 1) };
    expect(privateCommitment(same)).not.toBe(commitment);
    expect(privateSalt(jo.secretKey, 'test-chain', 0)).toBe(reveal.salt);
    expect(privateSalt(shop.secretKey, 'test-chain', 0)).not.toBe(reveal.salt);
  });
});

describe('story 5 with privacy controls: only the parties read a purchase', () => {
  const scenario = loadScenario(PRIVATE_TEXT, 'benefits-private.yaml');

  it('passes every check, and the purchases never reach any node in readable form', () => {
    const player = play(scenario);
    expect(failures(player)).toEqual([]);
    const ledger = everythingOnTheLedger(player);
    for (const secret of ['red wine', 'nappies', 'prepayment meter top-up', '"category"', '"item"']) expect(ledger).not.toContain(secret);
    // What Jo consented to share is public.
    expect(ledger).toContain('"food":32');
  });

  it('a non-party sees a private record signed by Jo, its commitment and block, and nothing else', () => {
    const player = play(scenario);
    const wine = player.viewOf('pat').transactions.find((t) => t.name === 'wine')!;
    expect(wine).toMatchObject({ private: true, readable: false, signer: 'jo', parties: 'hidden', kind: 'private.record', status: 'ok' });
    expect(wine.payload).toBeUndefined();
    expect(wine.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(wine.fields).toEqual(['signer', 'block', 'commitment']);
    expect(wine.summary).toMatch(/^a private record signed by Jo Bennett: only its commitment [0-9a-f]{12}… is on the ledger/);
    for (const outsider of ['department', 'university', 'energy']) expect(player.viewOf(outsider).transactions.find((t) => t.name === 'wine')!.readable).toBe(false);
  });

  it('the parties read it in full: what, where, how much, and who else shares it', () => {
    const player = play(scenario);
    for (const party of ['jo', 'corner-shop', 'bank']) {
      const wine = player.viewOf(party).transactions.find((t) => t.name === 'wine')!;
      expect(wine).toMatchObject({ private: true, readable: true, parties: ['jo', 'corner-shop', 'bank'] });
      expect(wine.payload).toEqual({ kind: 'call', from: 'jo', contract: 'benefits', method: 'receipt', args: { shop: 'corner-shop', amount: 8, category: 'alcohol', item: 'bottle of red wine' } });
      expect(wine.fields).toEqual(expect.arrayContaining(['item', 'amount', 'category', 'parties', 'commitment']));
    }
    const payment = player.viewOf('corner-shop').transactions.find((t) => t.name === 'wine-payment')!;
    expect(payment.payload).toEqual({ kind: 'transfer', from: 'jo', to: 'corner-shop', amount: 8 });
    expect(payment.summary).toMatch(/^Jo Bennett pays Harbour Street Stores 8 — a private record shared by Jo Bennett, Harbour Street Stores, Northbridge Bank/);
    // Each record is shared with those it concerns: the shop cannot read the energy top-up.
    expect(player.viewOf('corner-shop').transactions.find((t) => t.name === 'energy-topup')!.readable).toBe(false);
    expect(player.viewOf('corner-shop').privatePayments).toEqual({ sent: 0, received: 40 });
    expect(player.viewOf('jo').privatePayments).toEqual({ sent: 85, received: 0 });
  });

  it('answers "what could X see at step k": transactions so far, balance and credentials then', () => {
    const player = play(scenario);
    expect(player.viewOf('jo', 0)).toMatchObject({ step: 0, balance: 0, transactions: [], credentials: [{ type: 'claimant', issuer: 'department', revoked: false }] });
    expect(player.viewOf('pat', 1)).toMatchObject({ balance: 0, readable: 1, sealed: 0 });
    expect(player.viewOf('jo', 3)).toMatchObject({ balance: 120, readable: 4, sealed: 0 });
    expect(player.viewOf('pat', 3)).toMatchObject({ readable: 2, sealed: 2 });
    expect(player.viewOf('jo', 6)).toMatchObject({ balance: 35 });
    expect(player.viewOf('jo').credentials).toEqual([{ type: 'claimant', issuer: 'department', revoked: false }]);
    expect(() => player.viewOf('nobody')).toThrow(/there is no actor "nobody" in this story/);
    player.goTo(2);
    expect(() => player.viewOf('jo', 3)).toThrow(/there is no step 3 to look at: 2 steps have been played/);
  });

  it('the sees and commitment checks fail when the claim is wrong, naming why', () => {
    const text = PRIVATE_TEXT.replace('- sees: { actor: pat, tx: groceries, can: false }', '- sees: { actor: pat, tx: groceries, can: true }')
      .replace('- commitment: { tx: wine-payment, verifies: true }', '- commitment: { tx: wine-payment, claim: { amount: 9 }, verifies: true }')
      .replace('- sees: { actor: bank, tx: groceries, field: item, can: true }', '- sees: { actor: bank, tx: groceries, field: colour, can: true }');
    const player = play(loadScenario(text, 'wrong.yaml'));
    const [fieldless, seen, claimed, ...rest] = failures(player);
    expect(rest).toEqual([]);
    expect(fieldless).toBe('step 3: bank can see the colour of "groceries" — "groceries" has no field "colour": its fields are signer, block, commitment, parties, from, contract, method, args, shop, amount, category, item');
    expect(seen).toMatch(/^step 3: pat can see "groceries" — a private record signed by Jo Bennett: only its commitment [0-9a-f]{12}… is on the ledger; what it says, and who shares it, are hidden from Pat Morgan$/);
    expect(claimed).toMatch(/step 8: the record of "wine-payment" claiming \{"amount":9\} matches its commitment on the ledger — the revealed record hashes to [0-9a-f]{12}…, not to the commitment on the ledger/);
  });

  it('is deterministic: same seed, same commitments and state root; another seed, other commitments', () => {
    const commitments = (player: ScenarioPlayer) => player.viewOf('pat').transactions.filter((t) => t.private).map((t) => t.commitment);
    const a = play(scenario);
    const b = play(scenario);
    expect(commitments(a)).toHaveLength(6);
    expect(commitments(b)).toEqual(commitments(a));
    expect(b.state().root).toBe(a.state().root);
    expect(b.net.trace.hash()).toBe(a.net.trace.hash());
    const c = play(scenario, { seed: 17 });
    expect(failures(c)).toEqual([]);
    expect(commitments(c).some((x) => commitments(a).includes(x))).toBe(false);
  });

  it('going back and playing again gives the same views (the private stores survive time travel)', () => {
    const player = play(scenario, { protocol: 'raft' });
    const views = JSON.stringify(['pat', 'corner-shop'].map((a) => player.viewOf(a)));
    player.goTo(4);
    expect(player.viewOf('corner-shop').transactions.find((t) => t.name === 'groceries')!.readable).toBe(true);
    player.playAll();
    expect(JSON.stringify(['pat', 'corner-shop'].map((a) => player.viewOf(a)))).toBe(views);
  });

  it('the report shows, per actor and per transaction, who reads it and who sees only the commitment', () => {
    const html = scenarioReportHtml(play(scenario));
    expect(html).toContain('<h2>Who can see each transaction</h2>');
    expect(html).toContain('This ledger keeps <strong>private data</strong>');
    expect(html).toMatch(/<td>wine<div class="meta">private · <span class="mono">[0-9a-f]{8}…<\/span><\/div><\/td><td>Jo Bennett<\/td><td class="bad"[^>]*>sealed<\/td><td class="ok"[^>]*>reads<\/td>/);
    expect(html).toContain('8 of 14 transactions in full; 6 sealed (sees only the commitment)');
    expect(html).toContain('private payments received 40, settled separately');
  });
});

describe('story 5 on a fully transparent ledger: everyone reads everything', () => {
  const scenario = loadScenario(PUBLIC_TEXT, 'benefits.yaml');

  it('passes every check, and every node holds every purchase in readable form', () => {
    const player = play(scenario);
    expect(failures(player)).toEqual([]);
    expect(everythingOnTheLedger(player)).toContain('bottle of red wine');
    for (const actor of scenario.actors) {
      const view = player.viewOf(actor.id);
      expect(view.sealed).toBe(0);
      expect(view.transactions.every((t) => t.readable && !t.private && t.payload !== undefined)).toBe(true);
    }
    expect(player.viewOf('pat').transactions.find((t) => t.name === 'wine')!.payload).toMatchObject({ kind: 'contract.call', method: 'receipt', args: { item: 'bottle of red wine' } });
    expect(player.viewOf('pat').transactions.find((t) => t.name === 'wine-payment')!.summary).toBe('Jo Bennett pays Harbour Street Stores 8');
  });

  it('ignores private: lists, so the private story played in public mode seals nothing', () => {
    const publicMode = { ...loadScenario(PRIVATE_TEXT), network: { ...loadScenario(PRIVATE_TEXT).network, visibility: 'public' as const } };
    const player = new ScenarioPlayer(publicMode, { contracts: vm, sources });
    player.goTo(5);
    expect(player.history().flatMap((r) => r.transactions).some((t) => t.kind === 'private.record')).toBe(false);
    expect(player.viewOf('pat').sealed).toBe(0);
    expect(player.state().balanceOf(player.addressOf('corner-shop'))).toBe(40);
    // The checks that prove privacy now fail: that is the difference the story is about.
    expect(failures(player).some((f) => /pat cannot see "wine" — on a public ledger every payload is visible to everyone/.test(f))).toBe(true);
  });

  it('the report says the ledger is public', () => {
    const html = scenarioReportHtml(play(scenario));
    expect(html).toContain('This ledger is <strong>public</strong>');
    expect(html).not.toContain('>sealed<');
    expect(html).toContain('every transaction in full (public ledger)');
  });
});

describe('private data in the scenario format: mistakes are named with a fix', () => {
  it('the signer and the recipient must be parties; parties must be actors, listed once', () => {
    expect(problemsOf(PRIVATE_TEXT.replace('amount: 32, private: [jo, corner-shop, bank]', 'amount: 32, private: [corner-shop, bank]'))).toMatch(/story\.yaml:\d+:\d+: "jo" takes part, so must be one of the parties: add jo to private/);
    expect(problemsOf(PRIVATE_TEXT.replace('amount: 45, private: [jo, energy, bank]', 'amount: 45, private: [jo, bank]'))).toMatch(/"energy" takes part, so must be one of the parties: add energy to private/);
    expect(problemsOf(PRIVATE_TEXT.replace('amount: 45, private: [jo, energy, bank]', 'amount: 45, private: [jo, energy, bnak]'))).toMatch(/unknown actor "bnak": define it under actors/);
    expect(problemsOf(PRIVATE_TEXT.replace('amount: 45, private: [jo, energy, bank]', 'amount: 45, private: [jo, energy, jo]'))).toMatch(/"jo" is listed twice: name each party once/);
  });

  it('a private call cannot send value, and commitments exist only for private records on a private ledger', () => {
    expect(problemsOf(PRIVATE_TEXT.replace('item: "bottle of red wine" }, private:', 'item: "bottle of red wine" }, value: 8, private:'))).toMatch(/a private call cannot send value: moving it would show the amount to everyone/);
    expect(problemsOf(PRIVATE_TEXT.replace('- commitment: { tx: groceries, verifies: true }', '- commitment: { tx: benefit-1, verifies: true }'))).toMatch(/"benefit-1" is not a private transfer or call, so it has no commitment: add private: \[parties\] to it/);
    expect(problemsOf(PUBLIC_TEXT.replace('- sees: { actor: pat, tx: energy-topup, can: true }', '- commitment: { tx: energy-topup, verifies: true }'))).toMatch(/commitment checks need private data: set network.visibility: private/);
    expect(problemsOf(PRIVATE_TEXT.replace('- commitment: { tx: groceries, verifies: true }', '- commitment: { tx: groceries, verifies: yes }'))).toMatch(/verifies: true or false/);
  });
});

describe('the CLI plays both versions of story 5 on every protocol they list', () => {
  it('scenario test runs the transparent and the private story', { timeout: 300_000 }, async () => {
    for (const file of ['benefits.yaml', 'benefits-private.yaml']) {
      const out: string[] = [];
      const code = await main(['scenario', 'test', `${STORY_DIR}${file}`], { out: (t) => out.push(t), err: (t) => out.push(t) });
      expect(out.at(-1), out.join('\n')).toBe('4 passed, 0 failed');
      expect(code).toBe(0);
    }
  });
});

describe('event checks', () => {
  it('compare event data by value: @actor references resolve and key order does not matter', () => {
    const publicStory = loadScenario(PUBLIC_TEXT, 'benefits.yaml');
    const player = new ScenarioPlayer(publicStory, { contracts: vm, sources });
    const first = player.next();
    const event = first.checks.find((c) => c.check.includes('BenefitPaid'));
    expect(event?.passed, JSON.stringify(event)).toBe(true);

    const wrong = structuredClone(publicStory);
    const expectations = wrong.steps[0]!.expect!;
    const index = expectations.findIndex((e) => 'event' in e);
    expectations[index] = { event: { tx: 'benefit-1', name: 'BenefitPaid', data: { week: 1, amount: 121, claimant: '@jo' } } };
    const failed = new ScenarioPlayer(wrong, { contracts: vm, sources }).next().checks.find((c) => c.check.includes('BenefitPaid'));
    expect(failed?.passed).toBe(false);
    expect(failed?.detail).toMatch(/BenefitPaid \{.*"amount":120/);
  });
});
