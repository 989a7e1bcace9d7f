// A deliberately naive escrow: it notifies the payee (a contract call) before it zeroes the
// payee's balance. On chains that allow re-entrancy this drains the escrow.
import { call, ctx, storage, transfer, assert } from "ledger";
export function deposit() {
  assert(ctx.value > 0, "send some value");
  storage.set("bal:" + ctx.sender, (storage.get("bal:" + ctx.sender) ?? 0) + ctx.value);
}
export function withdraw() {
  const owed = storage.get("bal:" + ctx.sender) ?? 0;
  assert(owed > 0, "nothing to withdraw");
  transfer(ctx.sender, owed);
  call(ctx.sender, "onPayment", {});
  storage.set("bal:" + ctx.sender, 0);
}
export function owed({ who }) {
  return storage.get("bal:" + who) ?? 0;
}
