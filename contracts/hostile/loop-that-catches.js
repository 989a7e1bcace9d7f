// Tries to survive running out of gas with try/catch/finally. Out of gas cannot be caught.
// expect: out_of_gas
/* eslint-disable no-unreachable, no-unsafe-finally -- the point of this attack */
export function attack() {
  for (;;) {
    try {
      for (;;) {
        // spin
      }
    } catch {
      // never reached: gas exhaustion unwinds the whole VM
    } finally {
      continue;
    }
  }
}
