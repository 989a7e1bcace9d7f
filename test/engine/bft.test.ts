import { beforeAll, describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import { scheduleTransfers, WORKLOAD_ACTORS } from '../../engine/api/workload.ts';
import { voteDigest } from '../../engine/consensus/bft.ts';
import { verifyDigest } from '../../engine/core/keys.ts';
import { makeBlock } from '../../engine/ledger/block.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';

beforeAll(() => useNativeCrypto());

function validators(seed: number, nodes = 4, txs = 40, endMs = 6_000, byzantine: Record<number, string> = {}) {
  const net = new Network({ protocol: 'bft', nodes, seed, actors: [...WORKLOAD_ACTORS], byzantine });
  scheduleTransfers(net, { count: txs, startMs: 1, endMs });
  return net;
}

/** Heights at which two nodes decided different blocks (a safety violation). */
function conflicts(net: Network, nodes = [...Array(net.nodeCount).keys()]): number[] {
  const out: number[] = [];
  const max = Math.max(...nodes.map((n) => net.chainOf(n).finalizedHeight));
  for (let h = 1; h <= max; h++) {
    const hashes = new Set(nodes.map((n) => (h <= net.chainOf(n).finalizedHeight ? net.blockAt(n, h)!.block.hash : undefined)).filter(Boolean));
    if (hashes.size > 1) out.push(h);
  }
  return out;
}

describe('Tendermint BFT', () => {
  it('decides every height with a certificate of 2f+1 signed precommits, the same on every validator', () => {
    const net = validators(1);
    net.runUntilHeight(10);
    expect(conflicts(net)).toEqual([]);
    for (let h = 1; h <= 10; h++) {
      const block = net.blockAt(2, h)!.block;
      expect(block.certificate.kind).toBe('bft-commit');
      const round = block.certificate.data!.round as number;
      const valid = block.certificate.signatures.filter((s) => verifyDigest(s.signature, voteDigest(net.chainId, 'precommit', h, round, block.hash), s.publicKey));
      expect(valid.length).toBeGreaterThanOrEqual(3);
    }
    expect(net.status().every((s) => s.finalizedHeight === s.headHeight)).toBe(true);
  });

  it('with a crashed validator, its proposer rounds time out and the next round decides', () => {
    const net = validators(2);
    net.runUntilHeight(2);
    net.crash(3);
    net.runFor(15_000);
    const live = [0, 1, 2];
    expect(Math.min(...live.map((n) => net.chainOf(n).finalizedHeight))).toBeGreaterThan(8);
    expect(net.trace.events().some((e) => e.type === 'consensus' && e.what === 'round' && / round [1-9]/.test(e.detail))).toBe(true);
    expect(conflicts(net, live)).toEqual([]);
  });

  it('a restarted validator catches up from certified blocks and votes again', () => {
    const net = validators(3);
    net.runUntilHeight(2);
    net.crash(1);
    net.runFor(10_000);
    net.restart(1);
    net.runFor(6_000);
    expect(net.chainOf(1).finalizedHeight).toBeGreaterThanOrEqual(net.chainOf(0).finalizedHeight - 1);
    expect(conflicts(net)).toEqual([]);
  });

  it('makes no progress without a quorum (a 2|2 split) and resumes when the network heals', () => {
    const net = validators(4);
    net.runUntilHeight(2);
    net.partition([[0, 1], [2, 3]]);
    net.runFor(2_000);
    const stuck = net.status().map((s) => s.finalizedHeight);
    net.runFor(10_000);
    expect(net.status().map((s) => s.finalizedHeight)).toEqual(stuck);
    net.heal();
    net.runFor(15_000);
    expect(Math.min(...net.status().map((s) => s.finalizedHeight))).toBeGreaterThan(Math.max(...stuck) + 2);
    expect(conflicts(net)).toEqual([]);
  });

  it('one equivocating validator of four (f = 1) cannot break agreement', () => {
    const net = validators(5, 4, 40, 10_000, { 0: 'equivocate' });
    net.runFor(20_000);
    const honest = [1, 2, 3];
    expect(conflicts(net, honest)).toEqual([]);
    expect(Math.min(...honest.map((n) => net.chainOf(n).finalizedHeight))).toBeGreaterThan(5);
    // its rounds fail (the honest side that got the minority proposal cannot reach a quorum) or split
    expect(net.trace.events().some((e) => e.type === 'consensus' && e.what === 'round' && / round [1-9]/.test(e.detail))).toBe(true);
  });

  it('beyond tolerance: two equivocating validators of four (f + 1) make honest validators decide different blocks', () => {
    let broken = false;
    for (let seed = 1; seed <= 5 && !broken; seed++) {
      const net = validators(100 + seed, 4, 20, 5_000, { 0: 'equivocate', 1: 'equivocate' });
      net.runFor(20_000);
      broken = conflicts(net, [2, 3]).length > 0;
    }
    expect(broken).toBe(true);
  });

  it('a proposer of invalid blocks is voted down (nil) and the chain goes on', () => {
    const net = validators(6, 4, 40, 6_000, { 1: 'invalid-proposal' });
    net.runFor(15_000);
    const honest = [0, 2, 3];
    expect(Math.min(...honest.map((n) => net.chainOf(n).finalizedHeight))).toBeGreaterThan(6);
    expect(net.trace.events().some((e) => e.type === 'block.reject' && e.reason === 'state-root-mismatch')).toBe(true);
    for (const n of honest) for (let h = 1; h <= net.chainOf(n).finalizedHeight; h++) expect(net.blockAt(n, h)!.block.header.proposer).not.toBe(net.nodeKeys[1]!.address);
    expect(conflicts(net, honest)).toEqual([]);
  });

  it('refuses a synced block whose commit certificate lacks a quorum', () => {
    const net = validators(7);
    net.runUntilHeight(3);
    const good = net.blockAt(0, 3)!.block;
    const fresh = validators(7);
    fresh.runUntilHeight(2);
    const weak = makeBlock(good.header, good.txs, { ...good.certificate, signatures: good.certificate.signatures.slice(0, 2) });
    fresh.node(3)!.onMessage(0, { type: 'sync.blocks', blocks: [weak], more: false });
    expect(fresh.trace.events().some((e) => e.type === 'block.reject' && e.reason === 'bad-certificate' && e.node === 3)).toBe(true);
  });

  it('a 16-validator network decides with f = 5 validators crashed', () => {
    const net = validators(8, 16, 30, 5_000);
    net.runUntilHeight(2);
    for (const n of [11, 12, 13, 14, 15]) net.crash(n);
    net.runFor(20_000);
    expect(net.chainOf(0).finalizedHeight).toBeGreaterThan(5);
    expect(conflicts(net, [...Array(11).keys()])).toEqual([]);
  });
});

describe('Tendermint at scale', () => {
  it('a 100-validator network decides blocks headless', { timeout: 120_000 }, () => {
    const net = new Network({ protocol: 'bft', nodes: 100, seed: 1, actors: [...WORKLOAD_ACTORS], traceMessages: false, traceRetain: 1_000 });
    scheduleTransfers(net, { count: 20, startMs: 1, endMs: 2_000 });
    const result = net.runUntilHeight(3, { maxTimeMs: 60_000 });
    expect(result.reason).toBe('reached');
    expect(net.blockAt(57, 3)!.block.certificate.signatures.length).toBeGreaterThanOrEqual(67);
  });
});
