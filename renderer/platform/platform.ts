/**
 * Which edition is running: the Electron app (a preload put `window.ledgerlab` there) or the
 * plain web page. Chosen at runtime so one renderer build serves both.
 */
import type { DesktopBridge } from './bridge-types.ts';

export function desktopBridge(): DesktopBridge | null {
  const candidate: unknown = Reflect.get(window, 'ledgerlab');
  if (typeof candidate !== 'object' || candidate === null) return null;
  const bridge = candidate as Partial<Record<keyof DesktopBridge, unknown>>;
  return typeof bridge.version === 'function' &&
    typeof bridge.openProject === 'function' &&
    typeof bridge.saveProject === 'function'
    ? (candidate as DesktopBridge)
    : null;
}

/** A one-line description for the footer, e.g. "Desktop edition 0.1.0 (Electron 45.4.1)". */
export async function editionLabel(): Promise<string> {
  const bridge = desktopBridge();
  if (!bridge) return 'Web edition';
  try {
    const versions = await bridge.version();
    return `Desktop edition ${versions.app} (Electron ${versions.electron})`;
  } catch {
    return 'Desktop edition';
  }
}
