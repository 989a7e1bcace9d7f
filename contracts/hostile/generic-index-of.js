// Array.prototype.indexOf on an array-like of length 2^53-1: never finishes unmetered.
// expect: out_of_gas
export function attack() {
  return Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1);
}
