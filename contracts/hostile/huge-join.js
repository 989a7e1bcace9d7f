// A huge join inside a built-in (20 s before OOM without metering).
// expect: out_of_memory | out_of_gas
export function attack() {
  return new Array(2 ** 25).join("xy").length;
}
