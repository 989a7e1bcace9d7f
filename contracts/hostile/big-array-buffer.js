// One allocation larger than the whole VM memory.
// expect: out_of_memory | reverted
export function attack() {
  return new Uint8Array(2 ** 31 - 1).length;
}
