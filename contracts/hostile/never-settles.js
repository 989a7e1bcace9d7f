// An async entry point whose promise never settles.
// expect: reverted
export function attack() {
  return new Promise(() => {});
}
