// A loop inside a C built-in: QuickJS's interrupt handler never fires here (239 s unmetered);
// the wasm-level gas counter does.
// expect: out_of_gas
export function attack() {
  const a = [];
  a.length = 2 ** 32 - 1;
  return a.indexOf(1);
}
