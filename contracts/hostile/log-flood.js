// Floods console.log: lines beyond the limit are dropped, and every line costs gas.
// expect: out_of_gas
/* global console -- the VM provides it */
export function attack() {
  for (let i = 0; ; i++) console.log("line " + i + " " + "z".repeat(500));
}
