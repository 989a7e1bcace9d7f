/**
 * Simulation testing in CI: at least 300 seeds per protocol within tolerance (none may show a
 * violation or a loss of progress), and runs beyond tolerance that the checkers must catch.
 * A longer run is one flag away: LEDGERLAB_FUZZ_SEEDS=5000, or `npx ledgerlab fuzz --seeds N`.
 * Each protocol is its own test file so the two cores share the work.
 */
import { expect, it } from 'vitest';
import { fuzz, type FuzzCase } from '../../engine/api/fuzz.ts';
import type { ProtocolName } from '../../engine/consensus/protocol.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';

export const FUZZ_SEEDS = Number(process.env.LEDGERLAB_FUZZ_SEEDS ?? 300);

function describeFailures(failing: FuzzCase[]): string {
  return failing.map((c) => `seed ${c.seed}: ${c.violations.map((v) => `[${v.checker}] ${v.detail}`).join('; ')}\n  replay: ${c.replay}`).join('\n');
}

export function fuzzSuite(protocol: ProtocolName, beyondSeeds: number, expectEveryBeyondSeedCaught: boolean): void {
  const chunks = 3;
  const perChunk = Math.ceil(FUZZ_SEEDS / chunks);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const first = 1 + chunk * perChunk;
    const count = Math.min(perChunk, FUZZ_SEEDS - chunk * perChunk);
    it(`${protocol}: seeds ${first}-${first + count - 1} within tolerance show no violation and make progress after healing`, { timeout: 900_000 }, () => {
      useNativeCrypto();
      const summary = fuzz(first, count, { protocol });
      expect(summary.failing, describeFailures(summary.failing)).toEqual([]);
    });
  }
  it(`${protocol}: beyond tolerance (f+1 faulty) the checkers catch a violation or a loss of progress`, { timeout: 900_000 }, () => {
    useNativeCrypto();
    const summary = fuzz(1, beyondSeeds, { protocol, beyondTolerance: true });
    if (expectEveryBeyondSeedCaught) expect(summary.failing.length).toBe(beyondSeeds);
    else expect(summary.failing.length).toBeGreaterThan(0);
    for (const c of summary.failing) for (const v of c.violations) expect(v.detail.length).toBeGreaterThan(10);
  });
}
