// JSON.parse of deeply nested arrays: recursion inside the C parser.
// expect: reverted
export function attack() {
  const n = 100000;
  return JSON.parse("[".repeat(n) + "]".repeat(n)).length;
}
