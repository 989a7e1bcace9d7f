// Doubles a string until something gives. QuickJS concatenates lazily (ropes), so plain
// doubling hits the 2^30-character string limit with little memory; reading a character
// forces it flat, which runs the fixed-size VM memory out at the same point on every node.
// expect: out_of_memory | reverted
// args: [{"flat":false},{"flat":true}]
export function attack({ flat }) {
  let s = "x";
  for (;;) {
    s += s;
    if (flat) s.charCodeAt(0);
  }
}
