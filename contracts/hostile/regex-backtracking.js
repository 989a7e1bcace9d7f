// Catastrophic backtracking in the regular-expression engine.
// expect: out_of_gas
export function attack() {
  return /(a+)+$/.test("a".repeat(40) + "b");
}
