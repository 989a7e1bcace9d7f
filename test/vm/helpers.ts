/**
 * Test harness for engine/vm: the in-memory Sandbox (as `Lab`), a few actors, fresh
 * addresses and the token contract most stories use.
 */
import type { Address } from '../../engine/vm/host-interface.ts';
export { MemoryState, Sandbox as Lab } from '../../engine/vm/sandbox.ts';

export const ALICE: Address = `0x${'a1'.repeat(20)}`;
export const BOB: Address = `0x${'b0'.repeat(20)}`;
export const CAROL: Address = `0x${'c4'.repeat(20)}`;
export const ISSUER: Address = `0x${'15'.repeat(20)}`;

let counter = 0;
export function address(n = ++counter): Address {
  return `0x${n.toString(16).padStart(40, '0')}`;
}

export const TOKEN_SOURCE = `import { storage, ctx, emit, assert } from "ledger";

export function init({ supply }) {
  storage.set("balance:" + ctx.sender, supply);
  storage.set("supply", supply);
}

export function transfer({ to, amount }) {
  const from = ctx.sender;
  const balance = storage.get("balance:" + from) ?? 0;
  assert(balance >= amount, "balance too low");
  storage.set("balance:" + from, balance - amount);
  storage.set("balance:" + to, (storage.get("balance:" + to) ?? 0) + amount);
  emit("Transfer", { from, to, amount });
  return balance - amount;
}

export function balanceOf({ owner }) {
  return storage.get("balance:" + owner) ?? 0;
}
`;
