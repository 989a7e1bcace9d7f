// Plain unbounded recursion: QuickJS's own stack limit must fire (a catchable guest error,
// reverting the call) long before the host's stack overflows.
// expect: reverted
export function attack() {
  function f(n) {
    return f(n + 1) + 1;
  }
  return f(0);
}
