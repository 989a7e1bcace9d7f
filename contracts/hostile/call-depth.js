// Calls the next contract in a chain of copies of itself, deeper than the depth limit.
// expect: reverted
// needs: chain
import { call } from "ledger";
export function attack({ chain }) {
  if (chain.length === 0) return 0;
  return 1 + call(chain[0], "attack", { chain: chain.slice(1) });
}
