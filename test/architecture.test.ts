/**
 * The folder is the layer (DESIGN.md): the engine stays pure, the renderer reaches the engine
 * only through engine/api, the desktop shell imports neither. The checker is proven on
 * synthetic sources first, so a pass over the real tree means something.
 */
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../scripts/electron-binary.mjs';
import { checkSources, readLayerSources, type Violation } from './support/architecture.ts';

const rulesOf = (file: string, text: string) => checkSources([{ file, text }]).map((v) => v.rule);
const describeViolations = (violations: Violation[]) => violations.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.detail}`);

describe('the architecture checker', () => {
  it('accepts pure engine code, including locals that share a global’s name', () => {
    const text = [
      "import { sha256 } from '@noble/hashes/sha2.js';",
      "import type { RunOptions } from '../api/types.ts';",
      "import { encode } from './encoding.ts';",
      'export function f(document: string, options: RunOptions) {',
      '  const window = { size: 3 };',
      '  const host = { process: 1, navigator: 2 };',
      '  return [sha256, encode, document, window.size, host.process, options, { window }];',
      '}',
      'export class Sim { process(id: number) { return id; } }',
    ].join('\n');
    expect(rulesOf('engine/core/pure.ts', text)).toEqual([]);
  });

  it.each([
    ["import { app } from 'electron';", 'engine-imports-electron'],
    ["import type { WebContents } from 'electron';", 'engine-imports-electron'],
    ["import { readFile } from 'node:fs/promises';", 'engine-imports-node-builtin'],
    ["import path from 'path';", 'engine-imports-node-builtin'],
    ["import { createHash } from 'crypto';", 'engine-imports-node-builtin'],
    ["export * from 'fs/promises';", 'engine-imports-node-builtin'],
    ["const os = await import('node:os');", 'engine-imports-node-builtin'],
    ["type Stats = import('node:fs').Stats;", 'engine-imports-node-builtin'],
    ["import x = require('events');", 'engine-imports-node-builtin'],
    ["import { mount } from '../../renderer/main.ts';", 'engine-imports-outside-engine'],
    ["import { CHANNELS } from '../../electron/bridge.ts';", 'engine-imports-outside-engine'],
    ["import { cli } from '../node/cli.ts';", 'engine-imports-engine-node'],
  ])('catches an engine import it must not make: %s', (line, rule) => {
    expect(rulesOf('engine/core/bad.ts', line)).toContain(rule);
  });

  it.each([
    ['export const w = window.innerWidth;', 'engine-uses-dom-global'],
    ['export const d = document.title;', 'engine-uses-dom-global'],
    ['export const ua = navigator.userAgent;', 'engine-uses-dom-global'],
    ["export const saved = localStorage.getItem('x');", 'engine-uses-dom-global'],
    ['export function f(e: HTMLElement) { return e; }', 'engine-uses-dom-global'],
    ['export const g = globalThis.window;', 'engine-uses-dom-global'],
    ["export const g = globalThis['document'];", 'engine-uses-dom-global'],
    ['export const env = process.env;', 'engine-uses-node-global'],
    ["export const b = Buffer.from('x');", 'engine-uses-node-global'],
    ["export const m = require('x');", 'engine-uses-node-global'],
    ['export const here = __dirname;', 'engine-uses-node-global'],
    ['export const o = { process };', 'engine-uses-node-global'],
    ['declare const process: { env: Record<string, string> };\nexport const env = process.env;', 'engine-uses-node-global'],
    ['/// <reference types="node" />\nexport {};', 'engine-references-node-types'],
    ['/// <reference lib="dom" />\nexport {};', 'engine-references-dom-lib'],
  ])('catches an engine use of a host global: %s', (text, rule) => {
    expect(rulesOf('engine/sim/bad.ts', text)).toContain(rule);
  });

  it('reports the line of each violation', () => {
    const [violation] = checkSources([{ file: 'engine/sim/bad.ts', text: 'export {};\n\nexport const e = process.env;' }]);
    expect(violation).toMatchObject({ file: 'engine/sim/bad.ts', line: 3, rule: 'engine-uses-node-global' });
  });

  it('lets engine/node/ use Node: it is the CLI and file adapter layer', () => {
    expect(rulesOf('engine/node/cli.ts', "import { readFile } from 'node:fs/promises';\nprocess.exit(0);")).toEqual([]);
  });

  it('lets the renderer reach the engine only through engine/api', () => {
    expect(rulesOf('renderer/worker/engine.worker.ts', "import { runNetwork } from '../../engine/api/index.ts';")).toEqual([]);
    expect(rulesOf('renderer/worker/engine.worker.ts', "import { sha256 } from '../../engine/core/hash.ts';")).toEqual(['renderer-bypasses-engine-api']);
    expect(rulesOf('renderer/x.ts', "import { ipcRenderer } from 'electron';")).toEqual(['renderer-imports-electron']);
    expect(rulesOf('renderer/x.ts', "import { CHANNELS } from '../electron/bridge.ts';")).toEqual(['renderer-imports-electron']);
    expect(rulesOf('renderer/x.ts', "import fs from 'node:fs';")).toEqual(['renderer-imports-node-builtin']);
  });

  it('reads the script blocks of Svelte components, with their line numbers', () => {
    const component = ['<h1>hi</h1>', '<script lang="ts">', "  import { Simulator } from '../engine/sim/simulator.ts';", '</script>'].join('\n');
    expect(checkSources([{ file: 'renderer/App.svelte', text: component }])).toEqual([
      expect.objectContaining({ file: 'renderer/App.svelte', line: 3, rule: 'renderer-bypasses-engine-api' }),
    ]);
  });

  it('keeps the desktop shell away from the renderer and the engine', () => {
    expect(rulesOf('electron/main.ts', "import { BrowserWindow } from 'electron';\nimport path from 'node:path';")).toEqual([]);
    expect(rulesOf('electron/main.ts', "import App from '../renderer/App.svelte';")).toEqual(['electron-imports-renderer-or-engine']);
    expect(rulesOf('electron/ipc.ts', "import { runNetwork } from '../engine/api/index.ts';")).toEqual(['electron-imports-renderer-or-engine']);
  });
});

describe('the Ledgerlab source tree', () => {
  const sources = readLayerSources(REPO_ROOT, ['engine', 'renderer', 'electron'], ['.ts', '.svelte']);

  it('has engine, renderer and electron sources to check', () => {
    const layers = new Set(sources.map((s) => s.file.split('/')[0]));
    expect([...layers].sort()).toEqual(['electron', 'engine', 'renderer']);
  });

  it('follows the layering rules', () => {
    expect(describeViolations(checkSources(sources))).toEqual([]);
  });
});
