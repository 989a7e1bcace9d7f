// Writes as many keys as it can.
// expect: reverted | out_of_gas
import { storage } from "ledger";
export function attack() {
  for (let i = 0; ; i++) storage.set("k" + i, i);
}
