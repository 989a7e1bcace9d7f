// Returns a value far larger than the return-value limit.
// expect: reverted
export function attack() {
  return "x".repeat(1024 * 1024);
}
