/**
 * Snapshots: the deep cloner (engine/core/clone.ts) and Network.fork(). A fork is a fully
 * independent copy of a running network: running it and running the original the same way give
 * the same trace and state roots, and changing one never touches the other.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLONE, deepClone, markImmutable, registerImmutableClass, SnapshotError } from '../../engine/core/clone.ts';
import { prepareRun, type PreparedRun } from '../../engine/api/index.ts';
import { Network } from '../../engine/api/network.ts';
import type { RunOptions } from '../../engine/api/types.ts';
import { contractAddress } from '../../engine/ledger/execute.ts';
import { LedgerState } from '../../engine/ledger/state.ts';
import type { SignedTx } from '../../engine/ledger/types.ts';
import { Simulator, type Message, type NodeContext, type NodeProcess } from '../../engine/sim/simulator.ts';
import { Trace } from '../../engine/sim/trace.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { ContractVM } from '../../engine/vm/index.ts';
import { TOKEN_SOURCE } from '../vm/helpers.ts';

beforeAll(() => useNativeCrypto());

/** Everything a run's outcome is judged by. */
function fingerprint(net: Network) {
  return { traceHash: net.trace.hash(), events: net.trace.length, now: net.now, status: net.status(), nonces: net.actorList().map((a) => a.nextNonce) };
}

/** A run with a workload and faults, some of them still pending when it is forked. */
const RUNS: Array<[string, RunOptions]> = [
  ['poa with a crash, a restart, a partition and an equivocating authority', { protocol: 'poa', nodes: 4, seed: 3, blocks: 20, txs: 120, faults: '@2s crash 1; @5s restart 1; @3s partition 0,1|2,3; @7s heal; @1s byzantine 3 equivocate' }],
  ['raft with a leader crash, message loss and a silent server', { protocol: 'raft', nodes: 5, seed: 4, blocks: 20, txs: 120, faults: '@2s crash 0; @6s restart 0; @4s drop 0.05; @1s byzantine 2 silent; @8s dup 0.02' }],
  ['bft with an equivocating validator and a partition', { protocol: 'bft', nodes: 4, seed: 5, blocks: 12, txs: 80, faults: '@1s byzantine 3 equivocate; @3s partition 0|1,2,3; @6s heal; @7s crash 2; @9s restart 2' }],
  ['pow with a selfish miner and a crashed miner', { protocol: 'pow', nodes: 5, seed: 6, blocks: 20, txs: 80, faults: '@1s byzantine 1 selfish; @2s crash 2; @8s restart 2', params: { hashShares: [0.2, 0.35, 0.15, 0.15, 0.15] } }],
  ['pow in classroom mode (real nonce search)', { protocol: 'pow', nodes: 3, seed: 2, blocks: 4, txs: 10, params: { classroom: true, difficulty: 64 } }],
];

function prepared(options: RunOptions): PreparedRun {
  return prepareRun(options, { keepFullTrace: true });
}

describe('Network.fork()', () => {
  for (const [name, options] of RUNS) {
    it(`${name}: the fork and the original run on identically, and forking changes nothing`, () => {
      const control = prepared(options).network;
      control.runFor(4_000);
      control.runFor(16_000);

      const original = prepared(options).network;
      original.runFor(4_000);
      const fork = original.fork();
      expect(fork).toBeInstanceOf(Network);
      expect(fingerprint(fork)).toEqual(fingerprint(original));
      fork.runFor(16_000);
      original.runFor(16_000);

      expect(fingerprint(fork)).toEqual(fingerprint(original));
      expect(fingerprint(original)).toEqual(fingerprint(control));
      expect(JSON.stringify(fork.trace.events())).toBe(JSON.stringify(control.trace.events()));
      const height = control.commonHeight();
      expect(height).toBeGreaterThan(0);
      expect(fork.stateRootsAt(height)).toEqual(control.stateRootsAt(height));
    });
  }

  it('a fork of a fork, taken while a node is down and the network is split, still matches', () => {
    const options = RUNS[0]![1];
    const control = prepared(options).network;
    control.runFor(20_000);
    const original = prepared(options).network;
    original.runFor(3_500); // node 1 crashed, partition in force, the Byzantine authority active
    expect(original.sim.isAlive(1)).toBe(false);
    expect(original.sim.network.cutLinks().length).toBeGreaterThan(0);
    const first = original.fork();
    first.runFor(1_000);
    const second = first.fork();
    second.runFor(15_500);
    expect(fingerprint(second)).toEqual(fingerprint(control));
  });

  it('is independent: what happens on the fork never shows in the original, and the other way round', () => {
    const options = RUNS[1]![1];
    const control = prepared(options).network;
    control.runFor(10_000);
    const original = prepared(options).network;
    original.runFor(5_000);
    const fork = original.fork();

    // Meddle with the fork: a crash, a partition, a link change, a Byzantine node, a transfer.
    fork.crash(3);
    fork.partition([[0, 1], [2, 3, 4]]);
    fork.setLink({ latencyMs: 200 });
    fork.makeByzantine(4, 'silent');
    fork.transfer('alice', 'bob', 5);
    fork.runFor(5_000);
    original.runFor(5_000);
    expect(fingerprint(original)).toEqual(fingerprint(control));
    expect(fork.trace.hash()).not.toBe(original.trace.hash());

    // And the other way round: the original moves on, a fresh fork of the control is unaffected.
    const pristine = control.fork();
    control.crash(0);
    control.transfer('carol', 'dave', 7);
    control.runFor(1_000);
    expect(pristine.sim.isAlive(0)).toBe(true);
    expect(pristine.actor('carol').nextNonce).toBe(control.actor('carol').nextNonce - 1);
    expect(pristine.now).toBe(10_000);
    expect(pristine.chainOf(0)).not.toBe(control.chainOf(0));
    expect(pristine.sim.disk(0)).not.toBe(control.sim.disk(0));
  });

  it('shares what is immutable: blocks, transactions and state versions, not the stores that hold them', () => {
    const net = prepared(RUNS[0]![1]).network;
    net.runFor(6_000);
    const fork = net.fork();
    const head = net.chainOf(0).head();
    const forkedHead = fork.chainOf(0).head();
    expect(forkedHead).toBe(head); // a stored block (block, state, receipts) is shared
    expect(forkedHead.state).toBeInstanceOf(LedgerState);
    expect(fork.genesis.block).toBe(net.genesis.block);
    expect(fork.chainOf(0)).not.toBe(net.chainOf(0));
    expect(fork.node(0)!.ledger.mempool).not.toBe(net.node(0)!.ledger.mempool);
    expect(fork.trace).not.toBe(net.trace);
  });

  it('leaves trace listeners behind: whoever watches the original subscribes to the fork if it wants', () => {
    const net = prepared(RUNS[2]![1]).network;
    const seen: number[] = [];
    net.trace.subscribe((e) => seen.push(e.i));
    net.runFor(2_000);
    const fork = net.fork();
    const before = seen.length;
    fork.runFor(2_000);
    expect(seen.length).toBe(before);
    net.runFor(100);
    expect(seen.length).toBeGreaterThan(before);
  });

  it('a closure in the simulated state is reported with its path, and the fix', () => {
    const net = prepared(RUNS[0]![1]).network;
    net.sim.at(net.now + 1_000, () => net.crash(2));
    let error: unknown;
    try {
      net.fork();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).path).toMatch(/^network\.sim\.queue\.heap\[\d+\]\.run$/);
    expect((error as Error).message).toMatch(/a function \(an anonymous closure\) at network\.sim\.queue\.heap\[\d+\]\.run\./);
    expect((error as Error).message).toMatch(/store a scheduled action or a hook as data/);
    // The same fault scheduled as data forks fine.
    const clean = prepared(RUNS[0]![1]).network;
    clean.faultAt(clean.now + 1_000, { kind: 'crash', node: 2 });
    expect(() => clean.fork()).not.toThrow();
  });

  it('a bare-function node factory or outbound hook makes a simulator unforkable, by name', () => {
    class Quiet implements NodeProcess<Message> {
      constructor(readonly ctx: NodeContext<Message>) {}
      start(): void {}
      onMessage(): void {}
      onTimer(): void {}
    }
    const sim = new Simulator<Message>({ seed: 1, nodes: 2 }, function quietFactory(ctx) {
      return new Quiet(ctx);
    });
    sim.start();
    expect(() => deepClone(sim, { rootName: 'sim' })).toThrow(/a function \("quietFactory"\) at sim\.factory/);
    const forkable = new Simulator<Message>({ seed: 1, nodes: 2 }, { createNode: (ctx) => new Quiet(ctx) });
    expect(() => deepClone(forkable, { rootName: 'sim' })).toThrow(/at sim\.factory\.createNode/);
    class QuietFactory {
      createNode(ctx: NodeContext<Message>) {
        return new Quiet(ctx);
      }
    }
    const data = new Simulator<Message>({ seed: 1, nodes: 2 }, new QuietFactory());
    data.start();
    expect(deepClone(data).process(1)).toBeInstanceOf(Quiet);
    data.setOutboundHook(0, (_to, m) => [m]);
    expect(() => deepClone(data, { rootName: 'sim' })).toThrow(/at sim\.hosts\[0\]\.outbound/);
  });

  it('carries contracts along: the VM is shared, contract state and receipts are identical on both sides', async () => {
    const vm = await ContractVM.create();
    const make = () => new Network({ protocol: 'bft', nodes: 4, seed: 9, actors: [{ name: 'alice', balance: 10_000 }, { name: 'bob', balance: 10_000 }], contracts: vm });
    const settle = (net: Network, tx: SignedTx) => {
      net.runUntil(() => net.receiptOf(tx.hash, 0, 8) !== undefined, { maxTimeMs: net.now + 30_000 });
      return net.receiptOf(tx.hash, 0)!;
    };
    const script = (net: Network, phase: 'before' | 'after') => {
      const token = contractAddress(net.addressOf('alice'), 0);
      if (phase === 'before') {
        const deploy = net.sign('alice', { type: 'contract.deploy', source: TOKEN_SOURCE, initArgs: { supply: 1_000 }, value: 0, name: 'token' }, { gasLimit: 50_000_000 });
        net.submit(deploy);
        expect(settle(net, deploy).receipt.status).toBe('ok');
        return;
      }
      const pay = net.sign('alice', { type: 'contract.call', contract: token, method: 'transfer', args: { to: net.addressOf('bob'), amount: 25 }, value: 0 }, { gasLimit: 50_000_000 });
      net.submit(pay, 1);
      expect(settle(net, pay).receipt.status).toBe('ok');
      net.runFor(3_000);
    };
    const control = make();
    script(control, 'before');
    script(control, 'after');
    const original = make();
    script(original, 'before');
    const fork = original.fork();
    expect(fork.contracts).toBe(vm);
    script(fork, 'after');
    script(original, 'after');
    expect(fingerprint(fork)).toEqual(fingerprint(control));
    expect(fingerprint(original)).toEqual(fingerprint(control));
    const token = contractAddress(fork.addressOf('alice'), 0);
    expect(fork.query(token, 'balanceOf', { owner: fork.addressOf('bob') }).returnValue).toBe(25);
  });
});

describe('deepClone', () => {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    norm(): number {
      return Math.abs(this.x) + Math.abs(this.y);
    }
  }

  it('keeps prototypes, aliasing and cycles, and copies maps, sets and typed arrays', () => {
    const shared = new Point(1, 2);
    const graph: Record<string, unknown> = { a: shared, b: [shared, new Map([[shared, new Set([shared])]])], bytes: new Uint8Array([1, 2, 3]), view: undefined };
    graph.self = graph;
    const buffer = new ArrayBuffer(8);
    graph.view = new DataView(buffer, 2, 4);
    graph.buffer = buffer;
    const copy = deepClone(graph);
    expect(copy).not.toBe(graph);
    expect(copy.self).toBe(copy);
    const point = copy.a as Point;
    expect(point).toBeInstanceOf(Point);
    expect(point).not.toBe(shared);
    expect(point.norm()).toBe(3);
    const [again, map] = copy.b as [Point, Map<Point, Set<Point>>];
    expect(again).toBe(point);
    expect([...map.keys()][0]).toBe(point);
    expect([...map.values()][0]!.has(point)).toBe(true);
    (copy.bytes as Uint8Array)[0] = 9;
    expect((graph.bytes as Uint8Array)[0]).toBe(1);
    expect((copy.view as DataView).buffer).toBe(copy.buffer);
    expect((copy.view as DataView).byteOffset).toBe(2);
    // Views over one buffer still share it in the copy.
    const whole = new Int32Array(6);
    const { a, b } = deepClone({ a: whole, b: whole.subarray(2, 4) });
    b[0] = 7;
    expect(a[2]).toBe(7);
    expect(whole[2]).toBe(0);
  });

  it('shares frozen values, values marked immutable, immutable classes and listed services', () => {
    class Version {
      constructor(readonly n: number) {}
    }
    registerImmutableClass(Version);
    const frozen = Object.freeze({ a: 1 });
    const marked = markImmutable({ b: 2 });
    const version = new Version(3);
    const service = { execute: () => 1 };
    const copy = deepClone({ frozen, marked, version, service, plain: { c: 4 } }, { share: [service] });
    expect(copy.frozen).toBe(frozen);
    expect(copy.marked).toBe(marked);
    expect(copy.version).toBe(version);
    expect(copy.service).toBe(service);
  });

  it('lets an object copy itself, and names the path to any function', () => {
    class Counter {
      n = 0;
      [CLONE]() {
        const copy = new Counter();
        copy.n = this.n + 100;
        return copy;
      }
    }
    expect(deepClone({ c: new Counter() }).c.n).toBe(100);
    expect(() => deepClone({ queue: [{ ok: 1 }, { run: () => 1 }] }, { rootName: 'sim' })).toThrow(/a function \("run"\) at sim\.queue\[1\]\.run/);
    expect(() => deepClone({ m: new Map([['k', { hook() {} }]]) })).toThrow(/at state\.m\.get\(k\)\.hook/);
    expect(() => deepClone({ w: new WeakMap() })).toThrow(/a WeakMap, which cannot be copied at state\.w/);
  });
});

describe('the trace', () => {
  it('holds the same events in chunks as a plain list would, with any retention window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 4_000 }), fc.integer({ min: 0, max: 4_000 }), (retain, count, from) => {
        const trace = new Trace(retain);
        const model: number[] = [];
        let first = 0;
        for (let i = 0; i < count; i++) {
          trace.append(i, { type: 'fault', fault: 'x', detail: String(i) });
          model.push(i);
          if (model.length > retain) {
            const drop = Math.max(1, Math.floor(retain / 2));
            model.splice(0, drop);
            first += drop;
          }
        }
        expect(trace.firstRetained).toBe(first);
        expect(trace.events().map((e) => e.i)).toEqual(model);
        expect(trace.since(from).map((e) => e.i)).toEqual(model.filter((i) => i >= from));
        const copy = deepClone(trace);
        copy.append(0, { type: 'fault', fault: 'y', detail: '' });
        expect(trace.length).toBe(count);
        expect(copy.length).toBe(count + 1);
        expect(trace.events().map((e) => e.i)).toEqual(model);
      }),
      { numRuns: 60 },
    );
  });

  it('a copy continues the running hash independently', () => {
    const a = new Trace();
    for (let i = 0; i < 3_000; i++) a.append(i, { type: 'timer', node: i % 4, name: 'tick' });
    const b = deepClone(a);
    expect(b.hash()).toBe(a.hash());
    b.append(3_000, { type: 'timer', node: 0, name: 'tock' });
    expect(b.hash()).not.toBe(a.hash());
    a.append(3_000, { type: 'timer', node: 0, name: 'tock' });
    expect(b.hash()).toBe(a.hash());
  });
});
