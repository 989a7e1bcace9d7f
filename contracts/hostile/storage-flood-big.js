// Writes values just under the size limit until something gives.
// expect: out_of_gas | out_of_memory | reverted
import { storage } from "ledger";
export function attack() {
  const big = "v".repeat(60 * 1024);
  for (let i = 0; i < 1000; i++) storage.set("big" + i, big);
}
