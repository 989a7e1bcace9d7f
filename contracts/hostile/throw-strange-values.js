// Throws things that are not errors, including values whose every property access throws and
// one whose toString never returns (describing it burns the remaining gas).
// expect: reverted | out_of_gas
// args: [{"kind":"symbol"},{"kind":"null"},{"kind":"undefined"},{"kind":"getters"},{"kind":"proxy"},{"kind":"bigint"},{"kind":"toString"}]
export function attack({ kind }) {
  switch (kind) {
    case "symbol": throw Symbol("boo");
    case "null": throw null;
    case "undefined": throw undefined;
    case "getters": throw { get name() { throw 1; }, get message() { throw 2; }, get stack() { throw 3; } };
    case "proxy": throw new Proxy({}, { get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } });
    case "bigint": throw 10n ** 30n;
    default: throw { toString() { for (;;) { /* spin */ } } };
  }
}
