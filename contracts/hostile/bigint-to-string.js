// BigInt exponentiation and conversion are quadratic C loops (2 s unmetered).
// expect: out_of_gas
export function attack() {
  return String(7n ** 300000n).length;
}
