// Recursion that goes through C built-ins (map, toString, getters, JSON.stringify), each
// adding C frames between JS frames.
// expect: reverted
// args: [{"via":"map"},{"via":"toString"},{"via":"getter"},{"via":"toJSON"}]
export function attack({ via }) {
  if (via === "map") {
    const f = () => [1].map(f);
    return f();
  }
  if (via === "toString") {
    const o = { toString() { return String(o); } };
    return String(o);
  }
  if (via === "getter") {
    const o = { get x() { return this.x; } };
    return o.x;
  }
  const o = { toJSON() { return JSON.stringify(o); } };
  return JSON.stringify(o);
}
