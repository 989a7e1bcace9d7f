import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appResponseHeaders, contentTypeFor, resolveAppRequest } from '../../electron/protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/security.ts';

const root = path.resolve('/opt/ledgerlab/out/renderer');
const get = (url: string) => resolveAppRequest({ url, method: 'GET' }, root);

describe('app:// requests', () => {
  it('map bundle URLs to files under the renderer build', () => {
    expect(get('app://bundle/index.html')).toEqual({ ok: true, filePath: path.join(root, 'index.html') });
    expect(get('app://bundle/assets/worker-abc.js?v=1#x')).toEqual({ ok: true, filePath: path.join(root, 'assets/worker-abc.js') });
    expect(get('app://bundle/assets/my%20file.js')).toEqual({ ok: true, filePath: path.join(root, 'assets/my file.js') });
  });

  it('serve index.html for the bare origin', () => {
    expect(get('app://bundle/')).toEqual({ ok: true, filePath: path.join(root, 'index.html') });
    expect(get('app://bundle')).toEqual({ ok: true, filePath: path.join(root, 'index.html') });
  });

  it.each([
    'app://bundle/../../etc/passwd',
    'app://bundle/assets/../../../etc/passwd',
    'app://bundle/%2e%2e/%2e%2e/etc/passwd',
    'app://bundle/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://bundle/assets/%2F..%2F..%2Fsecret',
    'app://bundle/..%2f..%2fetc/passwd',
  ])('refuse to escape the bundle: %s', (url) => {
    const resolved = get(url);
    if (resolved.ok) {
      // The URL parser may already have collapsed the dots; what counts is staying under root.
      expect(path.relative(root, resolved.filePath).startsWith('..')).toBe(false);
      expect(resolved.filePath.startsWith(root + path.sep)).toBe(true);
    } else {
      expect(resolved.status).toBe(403);
    }
  });

  it('refuse encoded traversal that only appears after decoding', () => {
    expect(get('app://bundle/%2e%2e%2f%2e%2e%2fetc%2fpasswd')).toMatchObject({ ok: false, status: 403 });
    expect(get('app://bundle/assets%2f..%2f..%2f..%2fetc%2fpasswd')).toMatchObject({ ok: false, status: 403 });
  });

  it('keep an absolute path smuggled into the URL inside the bundle', () => {
    // Decodes to "//etc/passwd", which is resolved relative to the bundle root, never from "/".
    expect(get('app://bundle/%2Fetc%2Fpasswd')).toEqual({ ok: true, filePath: path.join(root, 'etc/passwd') });
  });

  it('refuse NUL bytes, backslashes and broken percent-encoding', () => {
    expect(get('app://bundle/index.html%00.png')).toMatchObject({ ok: false, status: 400 });
    expect(get('app://bundle/..%5C..%5Cwindows')).toMatchObject({ ok: false, status: 400 });
    expect(get('app://bundle/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
  });

  it('refuse other hosts, schemes, credentials and ports', () => {
    for (const url of ['app://other/index.html', 'https://bundle/index.html', 'app://bundle:99/index.html', 'app://u@bundle/x']) {
      expect(get(url)).toMatchObject({ ok: false, status: 403 });
    }
    expect(get('::not a url::')).toMatchObject({ ok: false, status: 400 });
  });

  it('answer only GET and HEAD', () => {
    expect(resolveAppRequest({ url: 'app://bundle/index.html', method: 'HEAD' }, root).ok).toBe(true);
    expect(resolveAppRequest({ url: 'app://bundle/index.html', method: 'POST' }, root)).toMatchObject({ ok: false, status: 405 });
  });
});

describe('app:// responses', () => {
  it('carry the CSP header, which also governs module workers, and refuse MIME sniffing', () => {
    const headers = appResponseHeaders(path.join(root, 'assets/worker.js'));
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Content-Type']).toBe('text/javascript; charset=utf-8');
  });

  it('name the content types the studio serves', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('quickjs.wasm')).toBe('application/wasm');
    expect(contentTypeFor('codicon.ttf')).toBe('font/ttf');
    expect(contentTypeFor('contracts.d.ts')).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('mystery.bin')).toBe('application/octet-stream');
  });
});
