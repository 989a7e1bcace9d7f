import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  WEB_PREFERENCES,
  isAllowedExternal,
  isAllowedNavigation,
  isPermissionGranted,
  isTrustedSender,
} from '../../electron/security.ts';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';

describe('window options', () => {
  it('isolate the page: context isolation and sandbox on, no Node anywhere, no webview', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('navigation', () => {
  it.each([APP_ENTRY_URL, 'app://bundle/assets/index.js', 'app://bundle/'])('stays inside the bundle: %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'file:///etc/passwd',
    'app://bundle.evil.com/index.html',
    'app://evil/index.html',
    'app://bundle@evil.com/index.html',
    'app://user:pw@bundle/index.html',
    'app://bundle:8080/index.html',
    'javascript:alert(1)',
    'http://bundle/index.html',
    'not a url',
  ])('refuses to leave it: %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('external links', () => {
  const hosts = ['docs.example.org'];

  it('open only https URLs on an exact allowlisted host', () => {
    expect(isAllowedExternal('https://docs.example.org/guide', hosts)).toBe(true);
    expect(isAllowedExternal('http://docs.example.org/guide', hosts)).toBe(false);
    expect(isAllowedExternal('https://docs.example.org.attacker.com/', hosts)).toBe(false);
    expect(isAllowedExternal('https://attacker.com/?docs.example.org', hosts)).toBe(false);
    expect(isAllowedExternal('https://docs.example.org@attacker.com/', hosts)).toBe(false);
    expect(isAllowedExternal('https://user@docs.example.org/', hosts)).toBe(false);
    expect(isAllowedExternal('file:///docs.example.org', hosts)).toBe(false);
  });

  it('open nothing by default: the studio links nowhere yet', () => {
    expect(isAllowedExternal('https://example.com/')).toBe(false);
  });
});

describe('IPC senders', () => {
  it('are trusted only as the top frame of the bundle', () => {
    expect(isTrustedSender({ url: APP_ENTRY_URL, parent: null })).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY_URL, parent: { url: APP_ENTRY_URL } })).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])('denies %s', (permission) => {
    expect(isPermissionGranted(permission)).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('denies by default and allows only our own origin, plus wasm compilation for QuickJS', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('worker-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });

  it('never allows eval, inline scripts or remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|https?:|\*/);
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
  });
});

describe('the electron/ sources', () => {
  const electronDir = path.join(REPO_ROOT, 'electron');
  const sources = readdirSync(electronDir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ name, text: readFileSync(path.join(electronDir, name), 'utf8') }));

  it('never load file:// pages', () => {
    for (const { name, text } of sources) {
      expect({ name, loadsFile: /\bloadFile\(|file:\/\//.test(text) }).toEqual({ name, loadsFile: false });
    }
  });

  it('expose ipcRenderer to the page nowhere: the preload passes named functions only', () => {
    const preload = sources.find((source) => source.name === 'preload.ts')?.text ?? '';
    expect(preload).toMatch(/contextBridge\.exposeInMainWorld\(BRIDGE_GLOBAL, bridge\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(preload).not.toMatch(/ipcRenderer\.(on|once|send|sendSync)\b/);
  });

  it('import electron at runtime only in main.ts and preload.ts', () => {
    for (const { name, text } of sources) {
      const runtimeImport = /^import\s+(?!type\b)[^;]*from\s+'electron'/m.test(text);
      expect({ name, runtimeImport }).toEqual({ name, runtimeImport: name === 'main.ts' || name === 'preload.ts' });
    }
  });
});
