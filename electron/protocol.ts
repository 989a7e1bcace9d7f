/**
 * Maps app://bundle/… requests to files of the built renderer (out/renderer), refusing anything
 * that would escape it. Pure: main.ts reads the file and builds the Response.
 */
import path from 'node:path';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.ts';

export type AppRequestResolution =
  | { readonly ok: true; readonly filePath: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 405; readonly reason: string };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
};

/**
 * Resolves a request for the bundle to an absolute file path under `rootDir`.
 * The traversal check follows the Electron protocol.handle docs: resolve, then reject any path
 * whose relative form starts with ".." or is absolute (it left the root).
 */
export function resolveAppRequest(
  request: { readonly url: string; readonly method: string },
  rootDir: string,
): AppRequestResolution {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return { ok: false, status: 405, reason: `method ${request.method} is not allowed` };
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '') {
    return { ok: false, status: 403, reason: `not a ${APP_SCHEME}://${APP_HOST} URL` };
  }
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  // NUL bytes and backslashes have no business in a bundle path; on Windows "\" is a separator.
  if (relativePath.includes('\0') || relativePath.includes('\\')) {
    return { ok: false, status: 400, reason: 'forbidden character in path' };
  }
  if (relativePath === '/' || relativePath === '') relativePath = '/index.html';

  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, `.${relativePath}`);
  const fromRoot = path.relative(root, filePath);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
    return { ok: false, status: 403, reason: 'path escapes the bundle' };
  }
  return { ok: true, filePath };
}

export function contentTypeFor(filePath: string): string {
  const name = path.basename(filePath).toLowerCase();
  if (name.endsWith('.d.ts')) return CONTENT_TYPES['.d.ts'] ?? 'text/plain';
  return CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream';
}

/** Headers for every bundle response; the CSP header also governs module workers (CSP3). */
export function appResponseHeaders(filePath: string): Record<string, string> {
  return {
    'Content-Type': contentTypeFor(filePath),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
