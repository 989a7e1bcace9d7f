// An async entry point that never stops scheduling promise jobs.
// expect: out_of_gas
export async function attack() {
  for (;;) await 0;
}
