/**
 * The layering rules of DESIGN.md as a checker over source text, using the TypeScript compiler
 * API. test/architecture.test.ts runs it over the real tree and over synthetic violations.
 *
 *   engine/ (except engine/node/): no renderer/, electron/, engine/node/, `electron`, Node
 *     built-ins, DOM globals or Node globals.
 *   renderer/: engine only through engine/api; no electron/, `electron` or Node built-ins.
 *   electron/: nothing from renderer/ or engine/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export type Layer = 'engine' | 'engine-node' | 'renderer' | 'electron';

export interface Violation {
  /** Repo-relative path with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly detail: string;
}

export interface SourceText {
  /** Repo-relative path with forward slashes, e.g. "engine/core/hash.ts". */
  readonly file: string;
  readonly text: string;
}

/** Browser globals the engine must not touch (it runs in a worker, in Node and in the CLI). */
export const DOM_GLOBALS: readonly string[] = [
  'window', 'self', 'document', 'navigator', 'location', 'history', 'screen', 'localStorage',
  'sessionStorage', 'indexedDB', 'caches', 'alert', 'confirm', 'prompt', 'fetch', 'XMLHttpRequest',
  'WebSocket', 'Worker', 'SharedWorker', 'BroadcastChannel', 'postMessage', 'importScripts',
  'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'customElements',
  'getComputedStyle', 'matchMedia', 'HTMLElement', 'HTMLCanvasElement', 'HTMLInputElement',
  'Element', 'Document', 'Window', 'DOMParser', 'MutationObserver', 'ResizeObserver',
  'IntersectionObserver', 'FileReader', 'Blob', 'File', 'Image', 'Audio', 'CanvasRenderingContext2D',
];

/** Node globals the engine must not touch (engine/node/ is the one place for Node). */
export const NODE_GLOBALS: readonly string[] = [
  'process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global',
  'setImmediate', 'clearImmediate',
];

const FORBIDDEN_GLOBALS = new Map<string, 'DOM' | 'Node'>([
  ...DOM_GLOBALS.map((name) => [name, 'DOM'] as const),
  ...NODE_GLOBALS.map((name) => [name, 'Node'] as const),
]);

const NODE_BUILTINS = new Set(builtinModules);

export function layerOf(file: string): Layer | null {
  if (file.startsWith('engine/node/')) return 'engine-node';
  if (file.startsWith('engine/')) return 'engine';
  if (file.startsWith('renderer/')) return 'renderer';
  if (file.startsWith('electron/')) return 'electron';
  return null;
}

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] ?? '');
}

function isElectron(specifier: string): boolean {
  return specifier === 'electron' || specifier.startsWith('electron/');
}

/** Repo-relative target of a relative import, or null for a package import. */
function resolveRelative(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
}

function isUnder(target: string, folder: string): boolean {
  return target === folder || target.startsWith(`${folder}/`);
}

/** The import rule for one specifier in one layer, or null when it is allowed. */
export function importViolation(file: string, specifier: string): { rule: string; detail: string } | null {
  const layer = layerOf(file);
  const target = resolveRelative(file, specifier);
  const outside = target !== null && (target === '..' || target.startsWith('../'));
  if (layer === null || layer === 'engine-node') return null;
  if (layer === 'engine') {
    if (isElectron(specifier)) return { rule: 'engine-imports-electron', detail: `imports "${specifier}"` };
    if (target === null && isNodeBuiltin(specifier)) return { rule: 'engine-imports-node-builtin', detail: `imports Node built-in "${specifier}"` };
    if (target !== null && (isUnder(target, 'renderer') || isUnder(target, 'electron') || outside)) {
      return { rule: 'engine-imports-outside-engine', detail: `imports "${specifier}" (${target})` };
    }
    if (target !== null && isUnder(target, 'engine/node')) {
      return { rule: 'engine-imports-engine-node', detail: `imports "${specifier}": only engine/node/ may use Node` };
    }
    return null;
  }
  if (layer === 'renderer') {
    if (isElectron(specifier)) return { rule: 'renderer-imports-electron', detail: `imports "${specifier}"` };
    if (target === null && isNodeBuiltin(specifier)) return { rule: 'renderer-imports-node-builtin', detail: `imports Node built-in "${specifier}"` };
    if (target !== null && isUnder(target, 'electron')) return { rule: 'renderer-imports-electron', detail: `imports "${specifier}" (${target})` };
    if (target !== null && isUnder(target, 'engine') && !isUnder(target, 'engine/api')) {
      return { rule: 'renderer-bypasses-engine-api', detail: `imports "${specifier}" (${target}): use engine/api` };
    }
    return null;
  }
  // electron/
  if (target !== null && (isUnder(target, 'renderer') || isUnder(target, 'engine'))) {
    return { rule: 'electron-imports-renderer-or-engine', detail: `imports "${specifier}" (${target})` };
  }
  return null;
}

/** Every module specifier in a source file: static, dynamic, type-only, require() and import types. */
function moduleSpecifiers(source: ts.SourceFile): { specifier: string; node: ts.Node }[] {
  const found: { specifier: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, node });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, node });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) found.push({ specifier: node.arguments[0].text, node });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function lineOf(source: ts.SourceFile, node: ts.Node, lineOffset: number): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 + lineOffset;
}

/** Identifiers that name a member rather than reference a variable: `x.process`, `{ window: 1 }`. */
function isMemberName(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === id;
  if (ts.isQualifiedName(parent)) return parent.right === id;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isMethodSignature(parent) ||
    ts.isGetAccessorDeclaration(parent) ||
    ts.isSetAccessorDeclaration(parent) ||
    ts.isEnumMember(parent) ||
    ts.isModuleDeclaration(parent) // `declare global { … }` names no variable
  ) {
    return parent.name === id;
  }
  if (ts.isBindingElement(parent)) return parent.propertyName === id;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return parent.propertyName === id;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return true;
  return false;
}

function isAmbient(declaration: ts.Declaration): boolean {
  return (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Ambient) !== 0 || declaration.getSourceFile().isDeclarationFile;
}

/**
 * A reference to a forbidden global: the name resolves to nothing (the DOM and Node typings are
 * not loaded), to a default-library declaration, or to an ambient `declare` that smuggles it in.
 * A local variable, parameter or import of the same name is fine.
 */
function forbiddenGlobalUses(program: ts.Program, source: ts.SourceFile): { node: ts.Node; name: string; kind: 'DOM' | 'Node' }[] {
  const checker = program.getTypeChecker();
  const uses: { node: ts.Node; name: string; kind: 'DOM' | 'Node' }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const kind = FORBIDDEN_GLOBALS.get(node.text);
      if (kind && !isMemberName(node)) {
        const symbol = ts.isShorthandPropertyAssignment(node.parent)
          ? checker.getShorthandAssignmentValueSymbol(node.parent)
          : checker.getSymbolAtLocation(node);
        const declarations = symbol?.declarations ?? [];
        const global =
          declarations.length === 0 ||
          declarations.some((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()) || isAmbient(d));
        if (global) uses.push({ node, name: node.text, kind });
      }
    }
    // globalThis.window, globalThis['process']
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const target = node.expression;
      const member = ts.isPropertyAccessExpression(node)
        ? node.name.text
        : ts.isStringLiteralLike(node.argumentExpression)
          ? node.argumentExpression.text
          : null;
      const kind = member === null ? undefined : FORBIDDEN_GLOBALS.get(member);
      if (kind && member && ts.isIdentifier(target) && target.text === 'globalThis') uses.push({ node, name: `globalThis.${member}`, kind });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/** `<script>` blocks of a .svelte file with the line each starts on. */
function svelteScripts(text: string): { code: string; lineOffset: number }[] {
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((match) => ({
    code: match[1] ?? '',
    lineOffset: text.slice(0, (match.index ?? 0) + match[0].indexOf('>') + 1).split('\n').length - 1,
  }));
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  noResolve: true,
  noEmit: true,
  allowImportingTsExtensions: true,
};

/** Parsed TypeScript default libraries, shared by every check (they never change). */
const libSourceFiles = new Map<string, ts.SourceFile>();

/** Checks a set of files (real or synthetic) and returns every violation, in file order. */
export function checkSources(sources: readonly SourceText[]): Violation[] {
  const violations: Violation[] = [];
  const report = (file: string, line: number, rule: string, detail: string) => violations.push({ file, line, rule, detail });

  // Engine files get a type-checker program (for global references); the rest only need syntax.
  const engineFiles = sources.filter((s) => layerOf(s.file) === 'engine');
  const virtualRoot = '/__ledgerlab__';
  const byPath = new Map(engineFiles.map((s) => [path.posix.join(virtualRoot, s.file), s.text]));
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const readLibFile = host.readFile.bind(host);
  const fileExistsOnDisk = host.fileExists.bind(host);
  host.fileExists = (fileName) => byPath.has(fileName) || fileExistsOnDisk(fileName);
  host.readFile = (fileName) => byPath.get(fileName) ?? readLibFile(fileName);
  const getLibSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = byPath.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    const cached = libSourceFiles.get(fileName) ?? getLibSourceFile(fileName, languageVersion, onError);
    if (cached) libSourceFiles.set(fileName, cached);
    return cached;
  };
  const program = engineFiles.length > 0 ? ts.createProgram({ rootNames: [...byPath.keys()], options: COMPILER_OPTIONS, host }) : null;

  for (const { file, text } of sources) {
    const layer = layerOf(file);
    if (layer === null || layer === 'engine-node') continue;
    const parts = file.endsWith('.svelte') ? svelteScripts(text) : [{ code: text, lineOffset: 0 }];
    for (const { code, lineOffset } of parts) {
      const source =
        layer === 'engine' && program
          ? program.getSourceFile(path.posix.join(virtualRoot, file))!
          : ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
      for (const { specifier, node } of moduleSpecifiers(source)) {
        const violation = importViolation(file, specifier);
        if (violation) report(file, lineOf(source, node, lineOffset), violation.rule, violation.detail);
      }
      if (layer !== 'engine' || !program) continue;
      for (const reference of source.typeReferenceDirectives) {
        if (reference.fileName === 'node' || reference.fileName.startsWith('node/')) {
          report(file, source.getLineAndCharacterOfPosition(reference.pos).line + 1, 'engine-references-node-types', `/// <reference types="${reference.fileName}" />`);
        }
      }
      for (const reference of source.libReferenceDirectives) {
        if (/^(dom|webworker)/i.test(reference.fileName)) {
          report(file, source.getLineAndCharacterOfPosition(reference.pos).line + 1, 'engine-references-dom-lib', `/// <reference lib="${reference.fileName}" />`);
        }
      }
      for (const use of forbiddenGlobalUses(program, source)) {
        report(file, lineOf(source, use.node, 0), use.kind === 'DOM' ? 'engine-uses-dom-global' : 'engine-uses-node-global', `uses ${use.name}`);
      }
    }
  }
  return violations;
}

/** Every file of the given layers' folders on disk, repo-relative. */
export function readLayerSources(repoRoot: string, folders: readonly string[], extensions: readonly string[]): SourceText[] {
  const sources: SourceText[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of readdirSync(path.join(repoRoot, relativeDir), { withFileTypes: true })) {
      const relative = path.posix.join(relativeDir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(relative);
      } else if (extensions.some((extension) => entry.name.endsWith(extension))) {
        sources.push({ file: relative, text: readFileSync(path.join(repoRoot, relative), 'utf8') });
      }
    }
  };
  for (const folder of folders) walk(folder);
  return sources.sort((a, b) => a.file.localeCompare(b.file));
}
