/**
 * The desktop shell's security policy as plain data and pure functions, so it is tested in Node
 * without an Electron binary. main.ts only wires these into Electron.
 * Checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */
import type { WebPreferences } from 'electron';

/** The custom scheme the packaged renderer is served from (never the file: scheme). */
export const APP_SCHEME = 'app';
/** Host part of every app URL: app://bundle/index.html. */
export const APP_HOST = 'bundle';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * One policy for the web build (a <meta> tag injected by vite.config.ts) and the desktop app
 * (a response header from the app:// handler, which also governs module workers).
 * 'wasm-unsafe-eval' lets the engine worker compile the QuickJS wasm; 'unsafe-inline' styles are
 * needed by Monaco and Svelte transitions. No remote origins at all.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Everything not listed keeps Electron's secure default (webSecurity, no webview, …). */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
} as const satisfies WebPreferences;

/** Hosts that links may open in the user's browser. None yet: the studio links nowhere. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [];

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for URLs inside the packaged renderer (app://bundle/…), the only place a window may go. */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  // Compare parts, not prefixes: "app://bundle.evil/" and "app://bundle@evil/" must not pass.
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** will-navigate / will-redirect: stay inside the bundle. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** shell.openExternal only for https URLs on an exact allowlisted host. */
export function isAllowedExternal(url: string, allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    allowedHosts.includes(parsed.hostname)
  );
}

/** The part of Electron's WebFrameMain that sender validation reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * IPC may only come from the top frame of our own bundle (VS Code's validatedIpcMain idea):
 * a frame that navigated elsewhere, or an iframe, gets nothing.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  return frame != null && frame.parent === null && isAppUrl(frame.url);
}

/** Permission requests (camera, notifications, …) the studio needs: none. */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}
