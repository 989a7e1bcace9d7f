// @ts-check
// ESLint flat config: JS + typescript-eslint recommended + Svelte, plus the layering rules of
// DESIGN.md as import restrictions (test/architecture.test.ts checks the same rules with the
// TypeScript compiler, including host globals that a lint rule cannot see through).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const builtinPattern = `^(node:.*|(${nodeBuiltins.map((name) => name.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?)$`;

const electronImport = { name: 'electron', message: 'Only electron/main.ts and electron/preload.ts may use Electron.' };

/** Import patterns per layer; the folder is the layer. */
const layering = {
  engine: [
    { regex: '(^|/)(renderer|electron)(/|$)', message: 'engine/ must not import renderer/ or electron/ (see DESIGN.md, Layers).' },
    { regex: '(^|/)node/', message: 'Only engine/node/ may use Node; the rest of the engine is pure.' },
    { regex: '^electron(/.*)?$', message: 'The engine must not use Electron.' },
    { regex: builtinPattern, message: 'The engine is pure: no Node built-ins outside engine/node/.' },
  ],
  renderer: [
    { regex: '(^|/)engine/(?!api/)', message: 'The renderer talks to the engine only through engine/api.' },
    { regex: '(^|/)electron(/|$)', message: 'The renderer must not import electron/; use window.ledgerlab (renderer/platform).' },
    { regex: builtinPattern, message: 'The renderer runs in a browser: no Node built-ins.' },
  ],
  electron: [
    { regex: '(^|/)(renderer|engine)/', message: 'electron/ imports neither the renderer nor the engine.' },
  ],
};

export default defineConfig(
  globalIgnores(['.scratch/', 'out/', 'node_modules/', 'release/', 'test-results/', 'playwright-report/', 'coverage/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-globals': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], projectService: false },
    },
  },
  // Runtimes: the folder decides which globals exist.
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['electron/**', 'scripts/**', 'bin/**', 'test/**', 'bench/**', 'engine/node/**', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Contract tests run in Node with the harness's globals, typed by contracts/testing.d.ts,
  // which plain JS can only reference with a triple-slash directive.
  {
    files: ['contracts/**/*.test.js'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', test: 'readonly', expect: 'readonly', lab: 'readonly' } },
    rules: { '@typescript-eslint/triple-slash-reference': 'off' },
  },
  // Layering.
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/node/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: layering.engine }] },
  },
  {
    files: ['renderer/**/*.{ts,svelte}'],
    rules: { 'no-restricted-imports': ['error', { patterns: layering.renderer, paths: [electronImport] }] },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      // Pure modules, tested in Node without Electron: type imports only.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ ...electronImport, allowTypeImports: true }], patterns: layering.electron },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: layering.electron }] },
  },
);
