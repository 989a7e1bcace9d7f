/**
 * One config for the studio's web build (root renderer/, output out/renderer, loaded by the web
 * page and by Electron from app://bundle) and for Vitest (Node, tests under test/).
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { CONTENT_SECURITY_POLICY } from './electron/security.ts';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The built page carries the same CSP as the desktop app's response header. Only in builds:
 * the dev server needs inline scripts and a websocket for hot reload.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'ledgerlab:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  // Relative asset URLs, so the same build works from app://bundle/ and any web path.
  base: './',
  publicDir: false,
  plugins: [svelte({ configFile: false }), contentSecurityPolicyMeta()],
  worker: { format: 'es' },
  build: {
    // LEDGERLAB_OUT_DIR lets parallel work build and preview side by side without clobbering.
    outDir: process.env.LEDGERLAB_OUT_DIR ?? fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: { fs: { allow: [repoRoot] } },
  test: {
    root: repoRoot,
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/desktop/**', 'node_modules/**', 'out/**'],
    environment: 'node',
    // Simulation and property tests run many seeds; 2-core machines are shared.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
