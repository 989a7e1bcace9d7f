import { describe, expect, it } from 'vitest';
import { main } from '../../engine/node/cli.ts';
import { useNativeCrypto } from '../../engine/node/native-crypto.ts';

describe('the built-in story library', () => {
  it('every story in contracts/scenarios passes its checks on every protocol it lists', { timeout: 300_000 }, async () => {
    useNativeCrypto();
    const out: string[] = [];
    const code = await main(['scenario', 'test', new URL('../../contracts/scenarios/', import.meta.url).pathname], { out: (t) => out.push(t), err: (t) => out.push(t) });
    const summary = out.at(-1)!;
    expect(summary, out.join('\n')).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(summary.split(' ')[0])).toBeGreaterThanOrEqual(25); // six stories on four protocols, the currency primer on pow
    expect(out.join('\n')).toMatch(/✓ \S*currency-primer\.yaml on pow: \d+ checks/);
    expect(code).toBe(0);
  });
});
