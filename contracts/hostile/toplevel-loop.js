// Spins in module top-level code, so the deploy itself must stop.
// expect: out_of_gas
// method: (deploy)
/* eslint-disable no-unreachable -- the deploy never gets past this loop */
for (;;) {
  // spin
}
export function attack() {}
