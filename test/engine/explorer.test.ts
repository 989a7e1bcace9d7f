import { beforeAll, describe, expect, it } from 'vitest';
import { auditTrail, blockDetail, blockTree, tamper, txDetail } from '../../engine/api/explorer.ts';
import type { Network } from '../../engine/api/network.ts';
import { StudioSession } from '../../engine/api/session.ts';
import { LedgerlabError } from '../../engine/core/assert.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { poaWithCast } from '../support/networks.ts';

beforeAll(() => useNativeCrypto());

const poa = (seed = 5): Network => poaWithCast(seed);

/** A PoA network where alice paid bob 42 (fee 2) and the council paid alice 500, then more blocks. */
function withPayments(): { net: Network; payment: string; refund: string } {
  const net = poa();
  const payment = net.transfer('alice', 'bob', 42, { fee: 2 }).hash;
  net.runUntilHeight(2);
  const refund = net.transfer('council', 'alice', 500, { node: 1 }).hash;
  net.runUntilHeight(6);
  return { net, payment, refund };
}

describe('the fork tree', () => {
  it('lists the canonical chain from genesis with parent links, proposers by name and finality', () => {
    const { net } = withPayments();
    const tree = blockTree(net, 0);
    expect(tree.fromHeight).toBe(0);
    expect(tree.blocks[0]).toMatchObject({ height: 0, proposer: 'genesis', canonical: true, finalized: true });
    const canonical = tree.blocks.filter((b) => b.canonical);
    expect(canonical.map((b) => b.height)).toEqual([...Array(tree.headHeight + 1).keys()]);
    for (const [i, block] of canonical.entries()) {
      if (i > 0) expect(block.parentHash).toBe(canonical[i - 1]!.hash);
      expect(block.linkBroken).toBe(false);
      expect(block.problem).toBeUndefined();
      expect(block.finalized).toBe(block.height <= tree.finalizedHeight);
      if (i > 0) expect(block.proposer).toMatch(/^node-[0-3]$/);
    }
    expect(canonical.reduce((sum, b) => sum + b.txCount, 0)).toBe(2);
    expect(tree.broken).toBeUndefined();
  });

  it('shows only the newest heights when limited', () => {
    const { net } = withPayments();
    const tree = blockTree(net, 2, { limit: 3 });
    expect(tree.fromHeight).toBe(tree.headHeight - 2);
    expect(new Set(tree.blocks.map((b) => b.height)).size).toBe(3);
  });

  it('on proof of work, keeps the blocks that lost a race as orphans beside the chain, and lists reorgs', () => {
    // Seed 2 with 4 miners forks within a minute of simulated time (see the studio's PoW runs).
    const session = new StudioSession({ protocol: 'pow', nodes: 4, seed: 2 });
    session.advance({ by: 'time', ms: 60_000 });
    const trees = [0, 1, 2, 3].map((node) => blockTree(session.network, node, { limit: 100 }));
    const orphans = trees.flatMap((t) => t.blocks.filter((b) => b.orphaned));
    expect(orphans.length).toBeGreaterThan(0);
    for (const tree of trees) {
      const hashes = new Set(tree.blocks.map((b) => b.hash));
      for (const orphan of tree.blocks.filter((b) => b.orphaned)) {
        expect(orphan.canonical).toBe(false);
        expect(orphan.finalized).toBe(false);
        expect(orphan.linkBroken).toBe(false);
        // Its parent is in the store (on the chain or on the same branch).
        if (orphan.height > tree.fromHeight) expect(hashes.has(orphan.parentHash)).toBe(true);
      }
    }
    expect(trees.some((t) => t.reorgs.length > 0)).toBe(true);
    const reorged = trees.find((t) => t.reorgs.length > 0)!;
    expect(reorged.reorgs[0]!.depth).toBeGreaterThan(0);
    expect(reorged.blocks.some((b) => b.orphaned && b.orphanedAtMs !== undefined)).toBe(true);
  });

  it('rejects a node that does not exist, saying which do', () => {
    const net = poa();
    expect(() => blockTree(net, 9)).toThrow(/there is no node 9: nodes are 0 to 3/);
  });
});

describe('block and transaction detail', () => {
  it('a block shows its header, hashes, its seal signer by name and which nodes hold it', () => {
    const { net, payment } = withPayments();
    const found = net.receiptOf(payment, 0)!;
    const detail = blockDetail(net, 0, found.blockHash);
    expect(detail).toMatchObject({ height: found.height, canonical: true, orphaned: false, linkBroken: false });
    expect(detail.contentHash).toBe(detail.hash);
    expect(detail.parentHash).toBe(net.blockAt(0, found.height - 1)!.block.hash);
    expect(detail.stateRoot).toBe(net.blockAt(0, found.height)!.state.root);
    expect(detail.certificate.kind).toBe('poa-seal');
    expect(detail.certificate.signers).toHaveLength(1);
    expect(detail.certificate.signers[0]).toMatchObject({ name: detail.proposer.name, valid: true });
    expect(detail.certificate.summary).toMatch(/^Sealed by node-\d, the authority for slot \d+\.$/);
    expect(detail.heldBy).toEqual([0, 1, 2, 3].map((node) => ({ node, canonical: true })));
    expect(detail.txs.find((t) => t.hash === payment)).toMatchObject({ summary: 'alice pays bob 42', from: { name: 'alice' }, to: { name: 'bob' }, amount: 42, fee: 2, status: 'ok' });
    expect(() => blockDetail(net, 0, 'f'.repeat(64))).toThrow(LedgerlabError);
  });

  it('a transaction shows what was signed, its receipt and the state change in sentences naming people', () => {
    const { net, payment } = withPayments();
    const detail = txDetail(net, payment);
    const proposer = blockDetail(net, detail.node, detail.block.hash).proposer.name;
    expect(detail).toMatchObject({ summary: 'alice pays bob 42', kind: 'transfer', nonce: 0, fee: 2, from: { name: 'alice' }, to: { name: 'bob' }, amount: 42 });
    expect(detail.receipt).toMatchObject({ status: 'ok', gasUsed: 21_000, fee: 2, events: [], logs: [] });
    expect(detail.changes).toEqual(expect.arrayContaining([
      "alice's balance went from 1000 to 956",
      "bob's balance went from 1000 to 1042",
      `${proposer}'s balance went from 0 to 2`,
    ]));
    expect(detail.changes).toHaveLength(3);
    expect(detail.diff.map((d) => d.key.slice(0, 5))).toEqual(['acct:', 'acct:', 'acct:']);
    expect(detail.block.canonical).toBe(true);
  });

  it('a later transaction in the same block is replayed on the state its predecessors left', () => {
    const net = poa();
    net.transfer('alice', 'bob', 10);
    const second = net.transfer('alice', 'bob', 20).hash;
    net.runUntilHeight(3);
    const detail = txDetail(net, second);
    expect(detail.index).toBe(1);
    expect(detail.changes).toContain("alice's balance went from 990 to 970");
  });

  it('an unknown transaction is explained', () => {
    const net = poa();
    expect(() => txDetail(net, 'a'.repeat(64))).toThrow(/no node has transaction aaaaaaaaaa in a block\. It may still be waiting/);
  });
});

describe('the audit trail', () => {
  it('lists what an actor sent and received, newest first, with the block, status and who agreed', () => {
    const { net, payment, refund } = withPayments();
    const trail = auditTrail(net, 'alice');
    expect(trail).toMatchObject({ actor: 'alice', balance: 1_456, nonce: 1, truncated: false });
    expect(trail.entries.map((e) => e.txHash)).toEqual([refund, payment]);
    expect(trail.entries[0]).toMatchObject({ direction: 'received', counterparty: 'council', amount: 500, status: 'ok', summary: 'council pays alice 500' });
    expect(trail.entries[1]).toMatchObject({ direction: 'sent', counterparty: 'bob', amount: 42, fee: 2 });
    for (const entry of trail.entries) {
      expect(entry.agreedBy).toHaveLength(1);
      expect(entry.agreedBy[0]).toMatch(/^node-\d$/);
      expect(entry.agreement).toContain(entry.agreedBy[0]);
    }
    expect(auditTrail(net, 'alice', { limit: 1 })).toMatchObject({ truncated: true, entries: [{ txHash: refund }] });
    expect(() => auditTrail(net, 'mallory')).toThrow(/no actor named "mallory"/);
  });
});

describe('the tamper demo', () => {
  it('editing a payment on one node breaks that copy; the other nodes reject it and still agree', () => {
    const { net, payment } = withPayments();
    const height = net.receiptOf(payment, 1)!.height;
    const original = net.blockAt(0, height)!.block.hash;
    const report = tamper(net, 1, height, { kind: 'amount' });
    expect(report.edit).toBe(`In block ${height}, the payment of 42 from alice to bob was changed to 420.`);
    expect(report.claimedHash).toBe(original);
    expect(report.contentHash).not.toBe(original); // the header was not touched, a transaction was
    expect(report.links.map((l) => [l.height, l.hash === l.contentHash, l.parentOk])).toEqual([
      [height - 1, true, true],
      [height, false, true],
      [height + 1, true, false],
    ]);
    expect(report.blockProblem).toMatch(/the transaction was altered/);
    expect(report.firstBroken).toMatchObject({ height });
    expect(report.rejectedBy).toEqual([0, 2, 3]);
    expect(report.othersAgree).toBe(true);
    expect(report.verdict).toBe(`node 1's copy no longer verifies at height ${height}; nodes 0, 2, 3 reject it`);
    expect(report.nodes[1]).toMatchObject({ copy: 'forged', intact: false, response: 'tampered' });
    for (const node of [0, 2, 3]) expect(report.nodes[node]).toMatchObject({ copy: 'original', intact: true, response: 'rejected', reason: 'invalid-tx' });

    // The tree of the tampered node marks the edited block; the others are untouched.
    const tree = blockTree(net, 1);
    expect(tree.broken).toMatchObject({ height });
    expect(tree.blocks.find((b) => b.height === height)!.problem).toMatch(/altered/);
    for (const node of [0, 2, 3]) expect(blockTree(net, node).broken).toBeUndefined();
    const events = net.trace.events();
    expect(events.filter((e) => e.type === 'block.reject' && e.hash === original).map((e) => (e as { node: number }).node)).toEqual([0, 2, 3]);
    expect(events.some((e) => e.type === 'fault' && e.fault === 'tamper')).toBe(true);
  });

  it('re-hashing to hide the edit breaks the next block\'s parent link instead, and the seal no longer verifies', () => {
    const { net } = withPayments();
    const report = tamper(net, 2, 3, { kind: 'timestamp', rehash: true });
    expect(report.claimedHash).toBe(report.contentHash);
    expect(report.links.map((l) => [l.height, l.hash === l.contentHash, l.parentOk])).toEqual([
      [2, true, true],
      [3, true, true],
      [4, true, false],
    ]);
    expect(report.blockProblem).toBeUndefined();
    expect(report.firstBroken?.height).toBe(4);
    expect(report.firstBroken?.detail).toMatch(/^block 4 points to parent [0-9a-f]{10}, but block 3 is now [0-9a-f]{10}$/);
    expect(report.rejectedBy).toEqual([0, 1, 3]);
    expect(report.verdict).toBe("node 2's copy no longer verifies at height 4; nodes 0, 1, 3 reject it");
    const tree = blockTree(net, 2);
    expect(tree.blocks.find((b) => b.height === 4)).toMatchObject({ linkBroken: true });
    const forged = blockDetail(net, 2, report.claimedHash);
    expect(forged.certificate.signers[0]!.valid).toBe(false);
    expect(forged.certificate.summary).toMatch(/do not verify/);
  });

  it('a crashed node is not asked, and says so', () => {
    const { net } = withPayments();
    net.crash(3);
    const report = tamper(net, 0, 2, { kind: 'timestamp' });
    expect(report.nodes[3]).toMatchObject({ alive: false, response: 'down' });
    expect(report.verdict).toBe("node 0's copy no longer verifies at height 2; nodes 1, 2 reject it; node 3 is down");
  });

  it('says what to do when the block cannot be edited that way', () => {
    const net = poa();
    net.runUntilHeight(2);
    expect(() => tamper(net, 0, 0, { kind: 'amount' })).toThrow(/node 0 has no block at height 0: its chain goes from 1 to \d+\. Choose a past block/);
    expect(() => tamper(net, 0, 1, { kind: 'amount' })).toThrow(/block 1 on node 0 has no payment to change\. Pick a block with transactions/);
    expect(() => tamper(net, 7, 1, { kind: 'amount' })).toThrow(/there is no node 7/);
  });

  it('on proof of work the peers keep their own copy of the same hash and ignore the edited one', () => {
    const session = new StudioSession({ protocol: 'pow', nodes: 4, seed: 1 });
    session.advance({ by: 'time', ms: 20_000 });
    const net = session.network;
    const height = [1, 2, 3, 4, 5].find((h) => net.blockAt(1, h)!.block.txs.some((tx) => tx.body.payload.type === 'transfer'))!;
    const report = tamper(net, 1, height, { kind: 'amount' });
    expect(report.firstBroken?.height).toBe(height);
    for (const node of [0, 2, 3]) expect(report.nodes[node]).toMatchObject({ response: 'ignored', intact: true, copy: 'original' });
    expect(report.verdict).toBe(`node 1's copy no longer verifies at height ${height}; nodes 0, 2, 3 refuse it`);
  });
});
