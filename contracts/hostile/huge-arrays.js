// Keeps allocating big arrays and holding on to them: typed arrays (memory runs out first)
// and plain arrays filled element by element (gas runs out first).
// expect: out_of_memory | out_of_gas
// args: [{"kind":"typed"},{"kind":"plain"}]
export function attack({ kind }) {
  const keep = [];
  for (;;) keep.push(kind === "typed" ? new Uint8Array(1 << 20) : new Array(1 << 20).fill(keep.length));
}
