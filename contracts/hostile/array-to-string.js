// new Array(2**25) + '' : a built-in loop that allocates as it goes.
// expect: out_of_memory | out_of_gas
export function attack() {
  return (new Array(2 ** 25) + "").length;
}
