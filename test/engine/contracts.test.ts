/**
 * Contracts on a network: every node executes deploy and call transactions with the VM, the
 * receipts go into blocks, contract storage is part of the state root, and read-only queries
 * need no transaction. Execution-result sharing between in-process nodes is an optimisation
 * only: switched off, every node executes every contract itself and gets the same result.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Network } from '../../engine/api/network.ts';
import { blockExecutions, contractAddress, setExecutionSharing } from '../../engine/ledger/execute.ts';
import { Trie } from '../../engine/ledger/trie.ts';
import type { Receipt, SignedTx } from '../../engine/ledger/types.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';
import { ContractVM } from '../../engine/vm/index.ts';
import { TOKEN_SOURCE } from '../vm/helpers.ts';

/** Holds value for whoever deposits it; logs before it checks, so a revert still leaves a log line. */
const VAULT_SOURCE = `import { storage, ctx, emit, transfer, assert, balanceOf } from "ledger";

export function deposit() {
  assert(ctx.value > 0, "send some value");
  const held = (storage.get("held:" + ctx.sender) ?? 0) + ctx.value;
  storage.set("held:" + ctx.sender, held);
  emit("Deposited", { who: ctx.sender, amount: ctx.value });
  return held;
}

export function withdraw({ amount }) {
  const held = storage.get("held:" + ctx.sender) ?? 0;
  console.log("withdraw " + amount + " of " + held);
  assert(held >= amount, "not enough held");
  storage.set("held:" + ctx.sender, held - amount);
  transfer(ctx.sender, amount);
  emit("Withdrawn", { who: ctx.sender, amount });
}

export function stamp() {
  storage.set("stamp", { time: ctx.blockTime, height: ctx.blockHeight, lucky: ctx.randomInt(1000000) });
}

export function whoAmI() {
  return { sender: ctx.sender, isQuery: ctx.isQuery, height: ctx.blockHeight, held: storage.get("held:" + ctx.sender) ?? 0, balance: balanceOf(ctx.self) };
}
`;

const ACTORS = [
  { name: 'alice', balance: 10_000 },
  { name: 'bob', balance: 10_000 },
  { name: 'council', kind: 'organisation' as const, balance: 10_000 },
];
const SUPPLY = ACTORS.reduce((sum, a) => sum + a.balance, 0);

let vm: ContractVM;
beforeAll(async () => {
  useNativeCrypto();
  vm = await ContractVM.create();
});
afterEach(() => setExecutionSharing(true));

function contractNetwork(seed = 5, nodes = 4): Network {
  return new Network({ protocol: 'poa', nodes, seed, actors: ACTORS, contracts: vm });
}

function deploy(net: Network, actor: string, source: string, name: string, initArgs: unknown = null, options: { fee?: number; value?: number } = {}) {
  const nonce = net.actor(actor).nextNonce;
  const tx = net.sign(actor, { type: 'contract.deploy', source, initArgs, value: options.value ?? 0, name }, { fee: options.fee ?? 1 });
  expect(net.submit(tx)).toEqual({ ok: true });
  return { tx, address: contractAddress(net.addressOf(actor), nonce) };
}

function call(net: Network, actor: string, contract: string, method: string, args: unknown = null, options: { fee?: number; value?: number; node?: number } = {}): SignedTx {
  const tx = net.sign(actor, { type: 'contract.call', contract, method, args, value: options.value ?? 0 }, { fee: options.fee ?? 1 });
  expect(net.submit(tx, options.node ?? 0)).toEqual({ ok: true });
  return tx;
}

/** Run until the transaction is on every node's canonical chain; its receipt and block height. */
function settle(net: Network, tx: SignedTx): { receipt: Receipt; height: number } {
  const limits = { maxTimeMs: net.now + 30_000 };
  net.runUntil(() => net.receiptOf(tx.hash, 0, 4) !== undefined, limits);
  const found = net.receiptOf(tx.hash, 0);
  expect(found, `transaction ${tx.hash.slice(0, 10)} was not included`).toBeDefined();
  net.runUntilHeight(found!.height, limits);
  return found!;
}

function totalValue(net: Network, node: number): number {
  return net.node(node)!.ledger.headState().accounts().reduce((sum, a) => sum + a.balance, 0);
}

describe('contracts on a network', () => {
  it('every node executes deploys and calls and ends with the same receipts and state root', () => {
    const net = contractNetwork();
    const token = deploy(net, 'alice', TOKEN_SOURCE, 'token', { supply: 100 });
    const vault = deploy(net, 'bob', VAULT_SOURCE, 'vault');
    // Transactions from different senders may reach the proposer in any order: wait for the deploy.
    settle(net, vault.tx);
    const transfer = call(net, 'alice', token.address, 'transfer', { to: net.addressOf('bob'), amount: 30 });
    const overdraw = call(net, 'alice', token.address, 'transfer', { to: net.addressOf('bob'), amount: 300 });
    const deposit = call(net, 'council', vault.address, 'deposit', null, { value: 400 });
    settle(net, deposit);
    const withdraw = call(net, 'council', vault.address, 'withdraw', { amount: 150 }, { node: 2 });
    const { height } = settle(net, withdraw);

    expect(net.receiptOf(token.tx.hash)!.receipt).toMatchObject({ status: 'ok', contract: token.address, fee: 1 });
    expect(net.receiptOf(transfer.hash)!.receipt).toMatchObject({ status: 'ok', returnValue: 70, events: [{ contract: token.address, name: 'Transfer', data: { from: net.addressOf('alice'), to: net.addressOf('bob'), amount: 30 } }] });
    // The deploy named the contract, so the error points into token.js.
    expect(net.receiptOf(overdraw.hash)!.receipt).toMatchObject({ status: 'reverted', error: 'reverted: balance too low (token.js:11:9)', events: [] });
    expect(net.receiptOf(withdraw.hash)!.receipt).toMatchObject({ status: 'ok', logs: ['withdraw 150 of 400'], events: [{ name: 'Withdrawn' }] });

    for (let h = 1; h <= height; h++) {
      const reference = net.blockAt(0, h)!;
      for (let node = 1; node < 4; node++) {
        const stored = net.blockAt(node, h)!;
        expect(stored.block.hash).toBe(reference.block.hash);
        expect(stored.receipts).toEqual(reference.receipts);
        expect(stored.state.root).toBe(reference.state.root);
      }
    }
    for (let node = 0; node < 4; node++) {
      const state = net.blockAt(node, height)!.state;
      expect(state.storageGet(token.address, `balance:${net.addressOf('bob')}`)).toBe('30');
      expect(state.codeOf(token.address)).toMatchObject({ name: 'token', deployer: net.addressOf('alice'), source: TOKEN_SOURCE });
      expect(state.balanceOf(vault.address)).toBe(250);
      expect(totalValue(net, node)).toBe(SUPPLY); // fees and contract value move, never appear or vanish
    }
  });

  it('a reverted call pays the fee and changes nothing else', () => {
    const net = contractNetwork();
    const vault = deploy(net, 'bob', VAULT_SOURCE, 'vault');
    settle(net, vault.tx);
    settle(net, call(net, 'alice', vault.address, 'deposit', null, { value: 100 }));
    const before = net.node(0)!.ledger.headState();
    const tooMuch = call(net, 'alice', vault.address, 'withdraw', { amount: 101 }, { fee: 7, value: 50 });
    const { receipt, height } = settle(net, tooMuch);
    const stored = net.blockAt(0, height)!;
    expect(stored.block.txs).toHaveLength(1);
    const parent = net.blockAt(0, height - 1)!.state;
    expect(parent.root).toBe(before.root);

    expect(receipt).toMatchObject({ status: 'reverted', fee: 7, returnValue: null, events: [], logs: ['withdraw 101 of 100'] });
    expect(receipt.error).toBe('reverted: not enough held (vault.js:14:9)');
    expect(receipt.gasUsed).toBeGreaterThan(0);
    // Only two accounts changed: the sender (fee, nonce) and the block's proposer (fee).
    const alice = net.addressOf('alice');
    const proposer = stored.block.header.proposer;
    const changed = Trie.diff(parent.trie, stored.state.trie).map((d) => d.key);
    expect(changed.sort()).toEqual([`acct:${alice}`, `acct:${proposer}`].sort());
    expect(stored.state.account(alice)).toEqual({ balance: parent.balanceOf(alice) - 7, nonce: parent.account(alice).nonce + 1 });
    expect(stored.state.balanceOf(proposer)).toBe(parent.balanceOf(proposer) + 7);
    expect(stored.state.balanceOf(vault.address)).toBe(100); // the 50 sent with the call went back
  });

  it('a query answers from a node’s head state and changes nothing', () => {
    const net = contractNetwork();
    const vault = deploy(net, 'bob', VAULT_SOURCE, 'vault');
    settle(net, vault.tx);
    settle(net, call(net, 'alice', vault.address, 'deposit', null, { value: 100 }));
    const roots = net.stateRootsAt(net.commonHeight());
    const traceHash = net.trace.hash();
    const traceLength = net.trace.length;
    const nonce = net.node(0)!.ledger.headState().account(net.addressOf('alice')).nonce;

    const asAlice = net.query(vault.address, 'whoAmI', null, { sender: 'alice', node: 3 });
    expect(asAlice).toMatchObject({ status: 'ok', returnValue: { sender: net.addressOf('alice'), isQuery: true, held: 100, balance: 100, height: net.commonHeight() } });
    expect(net.query(vault.address, 'whoAmI').returnValue).toMatchObject({ sender: `0x${'0'.repeat(40)}`, held: 0 });
    const write = net.query(vault.address, 'withdraw', { amount: 10 }, { sender: 'alice' });
    expect(write.status).toBe('reverted');
    expect(write.error).toMatch(/not allowed in a read-only query/);
    expect(write.delta).toEqual({ storageWrites: [], transfers: [], deployed: [] });
    expect(net.query(vault.address, 'noSuchMethod')).toMatchObject({ status: 'invalid', error: 'invalid: contract has no exported method "noSuchMethod"' });

    expect(net.stateRootsAt(net.commonHeight())).toEqual(roots);
    expect(net.trace.hash()).toBe(traceHash);
    expect(net.trace.length).toBe(traceLength);
    expect(net.node(0)!.ledger.headState().account(net.addressOf('alice')).nonce).toBe(nonce);
  });

  it('contract storage is part of the state root', () => {
    const net = contractNetwork();
    const token = deploy(net, 'alice', TOKEN_SOURCE, 'token', { supply: 100 });
    settle(net, token.tx);
    const before = net.node(0)!.ledger.headState();
    const { height } = settle(net, call(net, 'alice', token.address, 'transfer', { to: net.addressOf('bob'), amount: 5 }, { fee: 0 }));
    const after = net.blockAt(0, height)!.state;
    const key = `balance:${net.addressOf('bob')}`;
    // A fee-less call changes the sender's nonce and the contract's storage, nothing else.
    expect(Trie.diff(before.trie, after.trie).map((d) => d.key).sort()).toEqual(
      [`acct:${net.addressOf('alice')}`, `store:${token.address}:balance:${net.addressOf('alice')}`, `store:${token.address}:${key}`].sort(),
    );
    expect(net.blockAt(0, height)!.block.header.stateRoot).toBe(after.root);
    // Editing one stored value, however small the change, gives another root; undoing it restores the root.
    const edited = after.withStorage(token.address, key, '6');
    expect(edited.root).not.toBe(after.root);
    expect(edited.withStorage(token.address, key, '5').root).toBe(after.root);
    expect(after.withStorage(token.address, 'extra', '1').root).not.toBe(after.root);
  });

  it('execution-result sharing off gives identical results, with every node executing every contract transaction', () => {
    const scenario = () => {
      const net = contractNetwork(23, 4);
      const vmRunsBefore = vm.executionCount;
      const blocksBefore = blockExecutions();
      const token = deploy(net, 'alice', TOKEN_SOURCE, 'token', { supply: 1_000 });
      const vault = deploy(net, 'bob', VAULT_SOURCE, 'vault');
      settle(net, vault.tx);
      let txs = 2;
      for (let i = 0; i < 6; i++) {
        call(net, 'alice', token.address, 'transfer', { to: net.addressOf(i % 2 ? 'bob' : 'council'), amount: 10 + i }, { node: i % 3 });
        call(net, 'council', vault.address, i % 3 === 2 ? 'withdraw' : 'deposit', i % 3 === 2 ? { amount: 5 } : null, { value: i % 3 === 2 ? 0 : 20 });
        call(net, 'bob', vault.address, 'stamp');
        txs += 3;
        if (i === 2) net.crash(3);
        net.runFor(700);
      }
      net.restart(3);
      const last = call(net, 'alice', token.address, 'transfer', { to: net.addressOf('bob'), amount: 1 }, { node: 1 });
      txs++;
      const { height } = settle(net, last);
      net.runUntilHeight(height + 1);
      return {
        txs,
        vmRuns: vm.executionCount - vmRunsBefore,
        blockRuns: blockExecutions() - blocksBefore,
        traceHash: net.trace.hash(),
        roots: net.stateRootsAt(height),
        receipts: Array.from({ length: height }, (_, h) => net.blockAt(3, h + 1)!.receipts),
        stamp: net.node(1)!.ledger.headState().storageGet(vault.address, 'stamp'),
      };
    };
    const shared = scenario();
    setExecutionSharing(false);
    const alone = scenario();

    expect(new Set(shared.roots).size).toBe(1);
    expect(alone.traceHash).toBe(shared.traceHash);
    expect(alone.roots).toEqual(shared.roots);
    expect(alone.receipts).toEqual(shared.receipts);
    expect(alone.stamp).toBe(shared.stamp);
    expect(shared.receipts.flat().filter((r) => r.status === 'ok')).toHaveLength(shared.txs);
    // Shared: each contract transaction ran once in the VM. Alone: once per node at least
    // (the proposer builds, then every node, the proposer included, validates the block).
    expect(shared.vmRuns).toBe(shared.txs);
    expect(alone.vmRuns).toBeGreaterThanOrEqual(4 * alone.txs);
    expect(alone.blockRuns).toBeGreaterThan(shared.blockRuns * 3);
  });

  it('a network without the VM leaves contract transactions out, with the reason in the trace', () => {
    const net = new Network({ protocol: 'poa', nodes: 2, seed: 3, actors: ACTORS });
    const tx = net.sign('alice', { type: 'contract.deploy', source: TOKEN_SOURCE, initArgs: { supply: 1 }, value: 0 });
    net.submit(tx);
    net.runUntilHeight(2);
    expect(net.trace.events().find((e) => e.type === 'tx.reject' && e.tx === tx.hash)).toMatchObject({ reason: 'contracts-unavailable' });
    expect(() => net.query(contractAddress(net.addressOf('alice'), 0), 'balanceOf')).toThrow(/started without the contract VM/);
  });
});
