/**
 * The desktop bridge as the studio sees it: `window.ledgerlab`, present only in the Electron
 * app. The renderer may not import electron/, so the shape is declared here and
 * test/electron/bridge-contract.test.ts proves it matches what electron/preload.ts exposes.
 */

export interface DesktopVersions {
  readonly app: string;
  readonly electron: string;
  readonly chrome: string;
}

export interface DesktopProjectFile {
  readonly name: string;
  readonly content: string;
}

export interface DesktopBridge {
  version(): Promise<DesktopVersions>;
  openProject(): Promise<DesktopProjectFile | null>;
  saveProject(request: { readonly suggestedName: string; readonly content: string }): Promise<{ readonly name: string } | null>;
}
