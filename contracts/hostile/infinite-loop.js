// A plain infinite loop. Gas is charged on every loop iteration of the interpreter.
// expect: out_of_gas
export function attack() {
  for (;;) {
    // spin
  }
}
