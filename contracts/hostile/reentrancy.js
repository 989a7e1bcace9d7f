// Attacks an escrow that pays out before updating its books (victims/escrow.js): when the
// escrow calls back, the attacker tries to withdraw again. Ledgerlab rejects re-entrancy
// into a contract already on the call stack, so the second withdraw fails and the attack
// reverts as a whole.
// expect: reverted
// needs: victims/escrow.js
import { call, ctx, storage } from "ledger";
export function attack({ escrow }) {
  storage.set("escrow", escrow);
  call(escrow, "deposit", {}, 10);
  call(escrow, "withdraw", {});
  return ctx.self;
}
export function onPayment() {
  const escrow = storage.get("escrow");
  const depth = ctx.depth;
  storage.set("reentered", depth);
  call(escrow, "withdraw", {}); // re-entrant: rejected
}
