// Returns a cyclic structure and one with a throwing toJSON.
// expect: reverted
// args: [{"kind":"cycle"},{"kind":"toJSON"}]
export function attack({ kind }) {
  if (kind === "toJSON") return { toJSON() { throw new Error("nope"); } };
  const a = { self: null };
  a.self = a;
  return a;
}
