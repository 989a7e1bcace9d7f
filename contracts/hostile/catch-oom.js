// Catches its own out-of-memory error and carries on: allowed, and deterministic.
// expect: ok
export function attack() {
  try {
    let s = "y";
    for (;;) {
      s += s;
      s.charCodeAt(0); // forces the rope flat: real memory
    }
  } catch (e) {
    return String(e);
  }
}
