/**
 * The renderer may not import electron/, so it declares the bridge it expects
 * (renderer/platform/bridge-types.ts). These checks, run by the type checker and by Vitest,
 * keep that declaration and what electron/preload.ts exposes in step.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { LedgerlabBridge } from '../../electron/bridge.ts';
import type { DesktopBridge } from '../../renderer/platform/bridge-types.ts';

describe('the desktop bridge contract', () => {
  it('offers the renderer every function it expects, with the same types', () => {
    expectTypeOf<LedgerlabBridge>().toEqualTypeOf<DesktopBridge>();
    expectTypeOf<LedgerlabBridge['saveProject']>().parameter(0).toEqualTypeOf<Parameters<DesktopBridge['saveProject']>[0]>();
  });
});
