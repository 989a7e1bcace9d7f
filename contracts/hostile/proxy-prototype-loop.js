// A Proxy whose getPrototypeOf hands back another proxy forever, walked by instanceof.
// expect: out_of_gas | reverted
export function attack() {
  const handler = { getPrototypeOf() { return new Proxy({}, handler); } };
  return new Proxy({}, handler) instanceof Date;
}
