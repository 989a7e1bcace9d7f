import { beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '../../engine/api/network.ts';
import { hashCanonical } from '../../engine/core/hash.ts';
import { deriveKeyPair, signDigest } from '../../engine/core/keys.ts';
import { blockHash, makeBlock, txRootOf } from '../../engine/ledger/block.ts';
import { signTx } from '../../engine/ledger/tx.ts';
import type { Block, SignedTx } from '../../engine/ledger/types.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import type { TraceEvent } from '../../engine/sim/events.ts';
import { poaWithCast } from '../support/networks.ts';

beforeAll(() => useNativeCrypto());

const network = (seed = 11): Network => poaWithCast(seed, [{ name: 'newcomer', balance: 500 }]);

function rejections(net: Network, tx: string): Array<Extract<TraceEvent, { type: 'tx.reject' }>> {
  return net.trace.events().filter((e): e is Extract<TraceEvent, { type: 'tx.reject' }> => e.type === 'tx.reject' && e.tx === tx);
}

function blockRejections(net: Network, hash: string) {
  return net.trace.events().filter((e): e is Extract<TraceEvent, { type: 'block.reject' }> => e.type === 'block.reject' && e.hash === hash);
}

/** Re-wrap a block so it can be altered (blocks are frozen). */
function thaw(block: Block): { header: Block['header']; txs: SignedTx[]; certificate: Block['certificate']; hash: string } {
  return JSON.parse(JSON.stringify(block));
}

describe('transactions', () => {
  it('a transfer moves value, charges the fee to the proposer and bumps the nonce on every node', () => {
    const net = network();
    const tx = net.transfer('alice', 'bob', 250, { fee: 3 });
    net.runUntilHeight(3);
    for (let node = 0; node < 4; node++) {
      const state = net.node(node)!.ledger.headState();
      expect(state.account(net.addressOf('alice'))).toEqual({ balance: 747, nonce: 1 });
      expect(state.balanceOf(net.addressOf('bob'))).toBe(1_250);
    }
    const including = net.chainOf(0).canonicalAt(net.commonHeight())!;
    const block = [...Array(net.commonHeight()).keys()].map((h) => net.blockAt(0, h + 1)!).find((b) => b.block.txs.some((t) => t.hash === tx.hash))!;
    expect(block.receipts.find((r) => r.txHash === tx.hash)).toMatchObject({ status: 'ok', fee: 3, gasUsed: 21_000 });
    expect(including).toBeDefined();
  });

  it('a bad signature is rejected at admission, with the reason in the trace', () => {
    const net = network();
    const good = net.sign('alice', { type: 'transfer', to: net.addressOf('bob'), amount: 5 });
    const forged: SignedTx = { ...good, signature: signDigest(good.hash, deriveKeyPair(1, 'mallory').secretKey) };
    net.submit(forged, 0);
    expect(rejections(net, good.hash)).toMatchObject([{ node: 0, reason: 'bad-signature' }]);
  });

  it('an altered transaction is rejected as bad-hash (content no longer matches what was signed)', () => {
    const net = network();
    const good = net.sign('alice', { type: 'transfer', to: net.addressOf('bob'), amount: 5 });
    const altered = { ...good, body: { ...good.body, payload: { type: 'transfer' as const, to: net.addressOf('bob'), amount: 500 } } };
    net.submit(altered, 0);
    expect(rejections(net, good.hash)).toMatchObject([{ reason: 'bad-hash' }]);
  });

  it('a replayed transaction is rejected as stale-nonce once the original is committed', () => {
    const net = network();
    const tx = net.transfer('alice', 'bob', 5);
    net.runUntilHeight(3);
    net.submit(tx, 2);
    expect(rejections(net, tx.hash)).toMatchObject([{ node: 2, reason: 'stale-nonce' }]);
    // a different transaction re-using the spent nonce is a replay too
    const again = signTx(net.actor('alice').key, { chainId: net.chainId, nonce: 0, payload: { type: 'transfer', to: net.addressOf('bob'), amount: 6 } });
    net.submit(again, 1);
    expect(rejections(net, again.hash)).toMatchObject([{ reason: 'stale-nonce' }]);
  });

  it('rejects spending more than the balance, a transaction for another chain, and a full nonce gap', () => {
    const net = network();
    const tooMuch = net.sign('alice', { type: 'transfer', to: net.addressOf('bob'), amount: 5_000 });
    net.submit(tooMuch, 0);
    expect(rejections(net, tooMuch.hash)).toMatchObject([{ reason: 'insufficient-balance' }]);
    const otherChain = signTx(net.actor('bob').key, { chainId: 'elsewhere', nonce: 0, payload: { type: 'transfer', to: net.addressOf('alice'), amount: 1 } });
    net.submit(otherChain, 0);
    expect(rejections(net, otherChain.hash)).toMatchObject([{ reason: 'wrong-chain' }]);
    const farAhead = signTx(net.actor('bob').key, { chainId: net.chainId, nonce: 1_000, payload: { type: 'transfer', to: net.addressOf('alice'), amount: 1 } });
    net.submit(farAhead, 0);
    expect(rejections(net, farAhead.hash)).toMatchObject([{ reason: 'nonce-gap' }]);
  });

  it('waits for a nonce gap to fill before including later transactions', () => {
    const net = network();
    const first = net.sign('alice', { type: 'transfer', to: net.addressOf('bob'), amount: 1 });
    const second = net.sign('alice', { type: 'transfer', to: net.addressOf('bob'), amount: 2 });
    net.submit(second, 0);
    net.runFor(3_000);
    expect(net.node(0)!.ledger.headState().account(net.addressOf('alice')).nonce).toBe(0);
    net.submit(first, 0);
    net.runFor(5_000);
    expect(net.node(3)!.ledger.headState().account(net.addressOf('alice'))).toEqual({ balance: 997, nonce: 2 });
  });

  it('registers identities for people, organisations and devices, issues and revokes credentials', () => {
    const net = network();
    const taxi = net.addActor({ name: 'taxi-42', kind: 'device' });
    net.transfer('council', 'taxi-42', 100);
    net.runUntilHeight(2);
    net.submit(net.sign('taxi-42', { type: 'identity.register', name: 'Taxi 42', kind: 'device' }), 1);
    const issue = net.sign('council', { type: 'credential.issue', subject: net.addressOf('alice'), credentialType: 'resident', claims: { ward: 'North' } });
    net.submit(issue, 0);
    net.runFor(3_000);
    const state = net.node(2)!.ledger.headState();
    expect(state.identity(taxi.key.address)).toMatchObject({ name: 'Taxi 42', kind: 'device' });
    const [credential] = state.credentialsOf(net.addressOf('alice'));
    expect(credential).toMatchObject({ issuer: net.addressOf('council'), type: 'resident', claims: { ward: 'North' }, revoked: false });
    // only the issuer may revoke
    const theft = net.sign('bob', { type: 'credential.revoke', credentialId: credential!.id });
    net.submit(theft, 0);
    net.submit(net.sign('council', { type: 'credential.revoke', credentialId: credential!.id }), 0);
    net.runFor(3_000);
    const after = net.node(1)!.ledger.headState();
    expect(after.credentialsOf(net.addressOf('alice'))[0]).toMatchObject({ revoked: true });
    const receipt = findReceipt(net, theft.hash);
    expect(receipt).toMatchObject({ status: 'reverted', error: 'only the issuer can revoke a credential' });
    // re-registering an identity is refused
    const twice = net.sign('taxi-42', { type: 'identity.register', name: 'Again', kind: 'device' });
    net.submit(twice, 0);
    net.runFor(3_000);
    expect(findReceipt(net, twice.hash)).toMatchObject({ status: 'reverted' });
  });
});

function findReceipt(net: Network, txHash: string) {
  for (let h = 1; h <= net.commonHeight(); h++) {
    const receipt = net.blockAt(0, h)!.receipts.find((r) => r.txHash === txHash);
    if (receipt) return receipt;
  }
  return undefined;
}

describe('block validation by every node', () => {
  function setup() {
    const net = network(21);
    net.transfer('alice', 'bob', 10, { fee: 1 });
    net.runUntilHeight(4);
    const stored = [1, 2, 3, 4].map((h) => net.blockAt(0, h)!).find((s) => s.block.txs.length > 0)!;
    return { net, stored };
  }

  it('rejects a block whose header was edited but whose hash was kept (bad-hash)', () => {
    const { net, stored } = setup();
    const forged = thaw(stored.block);
    forged.header.timestampMs += 1;
    net.node(3)!.onMessage(0, { type: 'block', block: forged as Block });
    expect(blockRejections(net, forged.hash)).toMatchObject([{ node: 3, reason: 'bad-hash' }]);
  });

  it('rejects a block with an altered transaction (its hash no longer matches its content)', () => {
    const { stored } = setup();
    const forged = thaw(stored.block);
    (forged.txs[0]!.body.payload as { amount: number }).amount = 999;
    const altered = { ...forged, hash: blockHash(forged.header) } as Block;
    expect(altered.hash).toBe(stored.block.hash); // the header, and so the block hash, is untouched
    // a node that has not seen the original yet receives the altered copy
    const fresh = network(21);
    fresh.transfer('alice', 'bob', 10, { fee: 1 });
    fresh.runUntilHeight(stored.height - 1);
    fresh.node(1)!.onMessage(0, { type: 'block', block: altered });
    const [rejection] = blockRejections(fresh, altered.hash);
    expect(rejection).toMatchObject({ node: 1, reason: 'invalid-tx' });
    expect(rejection!.detail).toContain('bad-hash');
  });

  it('rejects a re-sealed block whose transactions were swapped: the seal no longer verifies', () => {
    const { net, stored } = setup();
    const header = { ...stored.block.header, txRoot: txRootOf([]) };
    const forged = makeBlock(header, [], stored.block.certificate);
    net.node(1)!.onMessage(0, { type: 'block', block: forged });
    expect(blockRejections(net, forged.hash)).toMatchObject([{ reason: 'bad-certificate' }]);
  });

  it('rejects a block from a dishonest authority whose claimed state root is false (state-root-mismatch)', () => {
    const net = network(31);
    net.transfer('alice', 'bob', 10, { fee: 1 });
    net.runUntilHeight(2);
    const head = net.chainOf(0).head();
    const slot = Number(head.block.header.consensus.slot) + 1;
    const proposerIndex = slot % 4;
    const key = net.nodeKeys[proposerIndex]!;
    const header = {
      ...head.block.header,
      height: head.height + 1,
      parentHash: head.block.hash,
      proposer: key.address,
      timestampMs: slot * 1_000,
      txRoot: txRootOf([]),
      receiptsRoot: head.block.header.receiptsRoot,
      stateRoot: hashCanonical('lie', { everyone: 'is rich' }),
      consensus: { slot },
    };
    const hash = blockHash(header);
    const forged = makeBlock(header, [], { kind: 'poa-seal', signatures: [{ signer: key.address, publicKey: key.publicKey, signature: signDigest(hash, key.secretKey) }] });
    const victim = (proposerIndex + 1) % 4;
    net.node(victim)!.onMessage(proposerIndex, { type: 'block', block: forged });
    expect(blockRejections(net, forged.hash)).toMatchObject([{ node: victim, reason: 'state-root-mismatch' }]);
  });

  it('rejects a block proposed out of turn (wrong-proposer)', () => {
    const net = network(41);
    net.runUntilHeight(2);
    const head = net.chainOf(0).head();
    const slot = Number(head.block.header.consensus.slot) + 1;
    const intruder = net.nodeKeys[(slot + 1) % 4]!;
    const header = { ...head.block.header, height: head.height + 1, parentHash: head.block.hash, proposer: intruder.address, timestampMs: slot * 1_000, consensus: { slot } };
    const forged = makeBlock(header, [], { kind: 'poa-seal', signatures: [{ signer: intruder.address, publicKey: intruder.publicKey, signature: signDigest(blockHash(header), intruder.secretKey) }] });
    net.node(0)!.onMessage(1, { type: 'block', block: forged });
    expect(blockRejections(net, forged.hash)).toMatchObject([{ reason: 'wrong-proposer' }]);
  });

  it('the tamper demo: editing a past block on one node breaks its hash links, and peers reject what it serves', () => {
    const net = network(51);
    net.transfer('alice', 'bob', 10, { fee: 1 });
    net.runUntilHeight(6);
    const height = [1, 2, 3, 4, 5].find((h) => net.blockAt(2, h)!.block.txs.length > 0)!;
    expect(net.verifyChain(2)).toBeUndefined();
    net.tamper(2, height, (block) => {
      const copy = thaw(block);
      (copy.txs[0]!.body.payload as { amount: number }).amount = 10_000;
      return copy as Block;
    });
    expect(net.verifyChain(2)).toMatchObject({ height });
    // re-hash everything to hide the edit: the next block's parent link breaks instead
    net.tamper(2, height, (block) => {
      const copy = thaw(block);
      const header = { ...copy.header, txRoot: 'f'.repeat(64) };
      return makeBlock(header, copy.txs, copy.certificate);
    });
    expect(net.verifyChain(2)?.detail).toMatch(/points to parent|tx-root-mismatch/);
  });
});
