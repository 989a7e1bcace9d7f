#!/usr/bin/env node
/**
 * Builds the gas-metered QuickJS wasm that engine/vm runs contracts in.
 *
 *   node scripts/build-quickjs-gas.mjs            # writes engine/vm/wasm/quickjs-gas.ts
 *   node scripts/build-quickjs-gas.mjs --check    # exits 1 if the committed artifact is stale
 *   node scripts/build-quickjs-gas.mjs --wasm out.wasm   # also writes the raw binary
 *
 * Input: @jitl/quickjs-wasmfile-release-sync (bellard QuickJS compiled by emscripten).
 * Output: one TypeScript module holding the instrumented wasm as base64 plus the metadata the
 * VM needs (which minified import is which emscripten function, export names, memory layout).
 * The artifact is committed so a fresh clone, the CLI and the Vite bundle need no build step;
 * test/vm/artifact.test.ts rebuilds it and fails if the committed copy is out of date.
 *
 * What the instrumentation does (see engine/vm/README.md, "Gas"):
 *  - exports the shadow stack pointer as `ll_sp` (reset after a trap);
 *  - adds an exported mutable i32 global `ll_gas` (the units left) and charges 1 unit at
 *    every function entry and every loop iteration (back-edge), trapping with `unreachable`
 *    once it goes negative, so work inside C built-ins (Array.prototype.indexOf, BigInt,
 *    RegExp, JSON, malloc) is metered and stopped wherever it happens;
 *  - routes memory.copy / memory.fill through helpers that charge 1 + bytes/16;
 *  - moves the shadow-stack top from 5 MiB down to 512 KiB so that the static data and the
 *    whole stack fit in the first 512 KiB of linear memory, which the VM restores before
 *    every execution (memory snapshot).
 * The import roles of the minified emscripten glue are found by running the glue with a
 * stub instantiateWasm hook and reading the source text of each import function, never by
 * trusting the minified letters.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import binaryen from 'binaryen';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG_DIR = join(ROOT, 'node_modules/@jitl/quickjs-wasmfile-release-sync');
const SOURCE_WASM = join(PKG_DIR, 'dist/emscripten-module.wasm');
const SOURCE_GLUE = join(PKG_DIR, 'dist/emscripten-module.browser.mjs');
const OUTPUT_TS = process.env.LL_OUTPUT_TS ?? join(ROOT, 'engine/vm/wasm/quickjs-gas.ts');

/** Shadow stack: top of stack in linear memory after the build (bytes). */
const STACK_TOP = 512 * 1024;
/** Minimum shadow stack we accept between the static data and STACK_TOP. */
const STACK_MIN_BYTES = 384 * 1024;
/** Bulk memory ops cost 1 + (bytes >> BULK_SHIFT) units. */
const BULK_SHIFT = 4;

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Runs the emscripten glue far enough to capture its import object and export mapping. */
async function inspectGlue() {
  const glue = await import(pathToFileURL(SOURCE_GLUE).href);
  const factory = glue.default;
  let imports;
  const exportReads = [];
  const moduleArg = {
    wasmMemory: new WebAssembly.Memory({ initial: 256, maximum: 32768 }),
    instantiateWasm(imp, receive) {
      imports = imp;
      const exportsProxy = new Proxy({}, {
        get(_target, key) {
          if (typeof key === 'string') exportReads.push(key);
          const fn = () => 0;
          fn.__letter = key;
          return fn;
        },
      });
      try {
        receive({ exports: exportsProxy }, undefined);
      } catch {
        // the glue may try to run constructors on the stub; we only need the mapping
      }
      return {};
    },
    print() {},
    printErr() {},
  };
  // The promise never settles usefully (stub instance); race it against a tick.
  const pending = factory(moduleArg);
  await Promise.race([pending.catch(() => undefined), new Promise((r) => setTimeout(r, 50))]);
  if (!imports) throw new Error('glue did not call instantiateWasm');
  const exportsByName = {};
  for (const [name, value] of Object.entries(moduleArg)) {
    if (name.startsWith('_') && typeof value === 'function' && value.__letter) {
      exportsByName[name.slice(1)] = value.__letter;
    }
  }
  return { imports, exportsByName, exportReads };
}

/** Classifies every function import of module "a" by the source text of the glue function. */
function classifyImports(importObject, wasmImportSignatures) {
  const roles = {};
  const rules = [
    ['callFunction', (s) => /callbacks\W+callFunction/.test(s)],
    ['shouldInterrupt', (s) => /callbacks\W+shouldInterrupt/.test(s)],
    ['loadModuleSource', (s) => /callbacks\W+loadModuleSource/.test(s)],
    ['normalizeModule', (s) => /callbacks\W+normalizeModule/.test(s)],
    ['freeHostRef', (s) => /callbacks\W+freeHostRef/.test(s)],
    ['tzset', (s) => s.includes('getTimezoneOffset') && s.includes('padStart')],
    ['localtime', (s) => s.includes('getTimezoneOffset') && s.includes('getSeconds')],
    ['dateNow', (s) => /Date\.now\(\)/.test(s) && s.length < 40],
    ['resizeHeap', (s) => s.includes('.grow(')],
    ['timer', (s) => s.includes('setTimeout')],
    ['fdWrite', (s) => s.includes('.decode(')],
    ['environSizesGet', (s, sig) => sig === '(i32,i32)->i32' && s.includes('for(') && s.includes('.length')],
    ['environGet', (s, sig) => sig === '(i32,i32)->i32' && s.includes('for(') && !s.includes('.length')],
  ];
  for (const [letter, value] of Object.entries(importObject.a)) {
    if (value instanceof WebAssembly.Memory) {
      roles[letter] = 'memory';
      continue;
    }
    if (typeof value !== 'function') throw new Error(`import a.${letter} is neither memory nor function`);
    const text = Function.prototype.toString.call(value);
    const sig = wasmImportSignatures[letter];
    if (!sig) throw new Error(`glue import a.${letter} is not imported by the wasm`);
    const matches = rules.filter(([, test]) => test(text, sig)).map(([role]) => role);
    if (matches.length > 1) throw new Error(`import a.${letter} matches several roles: ${matches.join(', ')}`);
    // Anything not positively identified (abort, assert, exit, fd_close, fd_seek, keepalive)
    // becomes a trap: contract code has no business reaching it.
    roles[letter] = matches[0] ?? 'trap';
  }
  const required = ['callFunction', 'shouldInterrupt', 'loadModuleSource', 'normalizeModule', 'freeHostRef',
    'tzset', 'localtime', 'dateNow', 'resizeHeap', 'timer', 'fdWrite', 'environSizesGet', 'environGet', 'memory'];
  for (const role of required) {
    const letters = Object.keys(roles).filter((l) => roles[l] === role);
    if (letters.length !== 1) throw new Error(`expected exactly one import with role ${role}, found ${letters.length}`);
  }
  for (const letter of Object.keys(wasmImportSignatures)) {
    if (!(letter in roles)) throw new Error(`wasm import a.${letter} has no glue function`);
  }
  return roles;
}

function typeName(t) {
  switch (t) {
    case binaryen.i32: return 'i32';
    case binaryen.i64: return 'i64';
    case binaryen.f32: return 'f32';
    case binaryen.f64: return 'f64';
    case binaryen.none: return '';
    default: return String(t);
  }
}

function signature(params, results) {
  const p = binaryen.expandType(params).map(typeName).join(',');
  const r = binaryen.expandType(results).map(typeName).join(',');
  return `(${p})->${r}`;
}

const FEATURES = binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt
  | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.NontrappingFPToInt
  | binaryen.Features.Multivalue | binaryen.Features.ReferenceTypes;

// Trapping (unreachable) rather than calling out to the host keeps the hot path free of call
// sites, which measured ~25% faster in the interpreter loop; the VM tells an out-of-gas trap
// from any other trap by the counter's sign.
const CHARGE = (amountExpr) => [
  `(global.set $ll_gas (i32.sub (global.get $ll_gas) ${amountExpr}))`,
  `(if (i32.lt_s (global.get $ll_gas) (i32.const 0)) (then (unreachable)))`,
];

function instrument(sourceWasm, roles) {
  const mod = binaryen.readBinary(sourceWasm);
  mod.setFeatures(FEATURES);

  // Facts read from the binary before we rewrite it.
  const importByLetter = {};
  const wasmImportSignatures = {};
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
    if (info.module === 'a') {
      importByLetter[info.base] = info.name;
      wasmImportSignatures[info.base] = signature(info.params, info.results);
    }
  }
  if (roles === undefined) return { wasmImportSignatures };

  if (mod.getNumGlobals() !== 1) throw new Error(`expected exactly one global (the stack pointer), found ${mod.getNumGlobals()}`);
  const spInfo = binaryen.getGlobalInfo(mod.getGlobalByIndex(0));
  if (!spInfo.mutable || spInfo.type !== binaryen.i32) throw new Error('global 0 is not a mutable i32 stack pointer');
  const originalStackTop = binaryen.getExpressionInfo(spInfo.init).value;
  const memInfo = mod.getMemoryInfo();

  let dataEnd = 0;
  for (let i = 0; i < mod.getNumDataSegments(); i++) {
    const seg = mod.getDataSegmentInfo(mod.getDataSegmentByIndex(i));
    const offset = typeof seg.offset === "number" ? seg.offset : binaryen.getExpressionInfo(seg.offset).value;
    dataEnd = Math.max(dataEnd, offset + seg.data.byteLength);
  }

  let text = mod.emitText();
  mod.dispose();

  // Largest constant address used below the original stack: an upper estimate of data+bss.
  let staticEnd = dataEnd;
  for (const m of text.matchAll(/\(i32\.(?:load|store)\S*(?: offset=(\d+))?\s*\n\s*\(i32\.const (\d+)\)/g)) {
    const addr = Number(m[2]) + Number(m[1] ?? 0);
    if (addr < originalStackTop - 65536) staticEnd = Math.max(staticEnd, addr + 8);
  }
  staticEnd = Math.ceil(staticEnd / 16) * 16;
  if (STACK_TOP - staticEnd < STACK_MIN_BYTES) throw new Error(`static data ends at ${staticEnd}; stack would be too small`);

  // sbrk: the only function calling emscripten_resize_heap; its first constant load is the brk.
  const resizeLetter = Object.keys(roles).find((l) => roles[l] === 'resizeHeap');
  const resizeFn = importByLetter[resizeLetter];
  const funcs = text.split(/\n(?= \(func )/);
  const sbrkFuncs = funcs.filter((f) => f.startsWith(' (func ') && f.includes(`(call $${resizeFn}\n`));
  if (sbrkFuncs.length !== 1) throw new Error(`expected one sbrk function, found ${sbrkFuncs.length}`);
  const brkMatch = /\(i32\.load\s*\n\s*\(i32\.const (\d+)\)/.exec(sbrkFuncs[0]);
  if (!brkMatch) throw new Error('could not find the sbrk pointer');
  const sbrkPointer = Number(brkMatch[1]);
  if (!new RegExp(`\\(i32\\.store\\s*\\n\\s*\\(i32\\.const ${sbrkPointer}\\)`).test(sbrkFuncs[0])) {
    throw new Error('sbrk does not store the brk where it loads it');
  }

  // Rewrite.
  const lines = text.split('\n');
  const out = [];
  let functionEntries = 0;
  let loops = 0;
  let memoryCopies = 0;
  let memoryFills = 0;
  let globalLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith(' (global $global$0 ')) {
      globalLine = out.length;
      out.push(` (global $global$0 (mut i32) (i32.const ${STACK_TOP}))`);
      continue;
    }
    if (line.startsWith(' (func ')) {
      out.push(line);
      while (i + 1 < lines.length && /^\s*\(local /.test(lines[i + 1])) out.push(lines[++i]);
      out.push(...CHARGE('(i32.const 1)').map((s) => `  ${s}`));
      functionEntries++;
      continue;
    }
    const loop = /^(\s*)\(loop \$\S+( \(result [^)]*\))?$/.exec(line);
    if (loop) {
      out.push(line);
      out.push(...CHARGE('(i32.const 1)').map((s) => `${loop[1]} ${s}`));
      loops++;
      continue;
    }
    if (/^\s*\(memory\.copy$/.test(line)) {
      out.push(line.replace('(memory.copy', '(call $ll_memcpy'));
      memoryCopies++;
      continue;
    }
    if (/^\s*\(memory\.fill$/.test(line)) {
      out.push(line.replace('(memory.fill', '(call $ll_memfill'));
      memoryFills++;
      continue;
    }
    if (/memory\.(copy|fill)/.test(line)) throw new Error(`unexpected bulk memory form: ${line.trim()}`);
    out.push(line);
  }
  if (globalLine < 0) throw new Error('unexpected module layout');
  out.splice(globalLine + 1, 0,
    // Starts high so the start function and constructors run before the VM takes over.
    ' (global $ll_gas (mut i32) (i32.const 1073741824))',
    ' (export "ll_gas" (global $ll_gas))',
    // The VM resets the shadow stack pointer after a trap unwound wasm frames.
    ' (export "ll_sp" (global $global$0))',
    ` (func $ll_memcpy (param $d i32) (param $s i32) (param $n i32)`,
    ...CHARGE(`(i32.add (i32.const 1) (i32.shr_u (local.get $n) (i32.const ${BULK_SHIFT})))`).map((s) => `  ${s}`),
    '  (memory.copy (local.get $d) (local.get $s) (local.get $n))',
    ' )',
    ` (func $ll_memfill (param $d i32) (param $v i32) (param $n i32)`,
    ...CHARGE(`(i32.add (i32.const 1) (i32.shr_u (local.get $n) (i32.const ${BULK_SHIFT})))`).map((s) => `  ${s}`),
    '  (memory.fill (local.get $d) (local.get $v) (local.get $n))',
    ' )',
  );
  text = out.join('\n');

  const rebuilt = binaryen.parseText(text);
  rebuilt.setFeatures(FEATURES);
  if (!rebuilt.validate()) throw new Error('instrumented module does not validate');
  const binary = rebuilt.emitBinary();
  rebuilt.dispose();

  return {
    binary,
    wasmImportSignatures,
    layout: { originalStackTop, stackTop: STACK_TOP, staticEnd, dataEnd, sbrkPointer,
      memoryInitialPages: memInfo.initial, memoryMaximumPages: memInfo.max },
    stats: { functionEntries, loops, memoryCopies, memoryFills },
  };
}

function base64Lines(bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  const chunks = [];
  for (let i = 0; i < b64.length; i += 4096) chunks.push(b64.slice(i, i + 4096));
  return chunks;
}

export async function buildQuickJsGas() {
  const sourceWasm = readFileSync(SOURCE_WASM);
  const glueText = readFileSync(SOURCE_GLUE);
  const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  const builderText = readFileSync(fileURLToPath(import.meta.url));

  const { wasmImportSignatures } = instrument(sourceWasm, undefined);
  const { imports, exportsByName } = await inspectGlue();
  const roles = classifyImports(imports, wasmImportSignatures);
  const result = instrument(sourceWasm, roles);

  const wantedExports = Object.keys(exportsByName).filter((n) => n.startsWith('QTS_') || n === 'malloc' || n === 'free');
  const exportsMap = Object.fromEntries(wantedExports.sort().map((n) => [n, exportsByName[n]]));
  // __wasm_call_ctors is the only export the glue calls without naming it ("Z.u()").
  const glueString = glueText.toString();
  const initAt = glueString.indexOf('onRuntimeInitialized');
  const ctorsMatch = initAt < 0 ? null
    : [...glueString.slice(Math.max(0, initAt - 80), initAt).matchAll(/\b([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\(\)/g)].pop();
  if (!ctorsMatch) throw new Error('could not find the constructor export in the glue');

  const meta = {
    builder: 'scripts/build-quickjs-gas.mjs',
    builderSha256: sha256(builderText),
    sourcePackage: `${pkg.name}@${pkg.version}`,
    sourceWasmSha256: sha256(sourceWasm),
    sourceGlueSha256: sha256(glueText),
    outputWasmSha256: sha256(result.binary),
    outputWasmBytes: result.binary.byteLength,
    imports: Object.fromEntries(Object.keys(roles).sort().map((l) => [l, roles[l]])),
    importSignatures: Object.fromEntries(Object.keys(wasmImportSignatures).sort().map((l) => [l, wasmImportSignatures[l]])),
    exports: { ...exportsMap, wasmCallCtors: ctorsMatch[2] },
    gas: { global: 'll_gas', functionEntry: 1, loopIteration: 1, bulkMemoryShift: BULK_SHIFT },
    stackPointerExport: 'll_sp',
    layout: result.layout,
    stats: result.stats,
  };

  const body = [
    '// GENERATED by scripts/build-quickjs-gas.mjs — do not edit. Rebuild: node scripts/build-quickjs-gas.mjs',
    '// Gas-metered QuickJS (bellard, via quickjs-emscripten) and the facts the VM needs about it.',
    '',
    `export const QUICKJS_GAS_META = ${JSON.stringify(meta, null, 2)} as const;`,
    '',
    '/** The instrumented wasm binary, base64 (decoded once per process by engine/vm/wasm-module.ts). */',
    'export const QUICKJS_GAS_WASM_BASE64 =',
    base64Lines(result.binary).map((c) => `  '${c}'`).join(' +\n') + ';',
    '',
  ].join('\n');
  return { body, meta, binary: result.binary };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const started = performance.now();
  const { body, meta, binary } = await buildQuickJsGas();
  const args = process.argv.slice(2);
  if (args.includes('--check')) {
    let current = '';
    try { current = readFileSync(OUTPUT_TS, 'utf8'); } catch { /* missing */ }
    if (current !== body) {
      console.error(`${OUTPUT_TS} is out of date: run node scripts/build-quickjs-gas.mjs`);
      process.exit(1);
    }
    console.log('quickjs-gas artifact is up to date');
  } else {
    mkdirSync(dirname(OUTPUT_TS), { recursive: true });
    writeFileSync(OUTPUT_TS, body);
    console.log(`wrote ${OUTPUT_TS}: ${meta.outputWasmBytes} bytes of wasm, ${JSON.stringify(meta.stats)}`);
  }
  const wasmOut = args.indexOf('--wasm');
  if (wasmOut >= 0 && args[wasmOut + 1]) writeFileSync(args[wasmOut + 1], binary);
  console.log(`done in ${Math.round(performance.now() - started)} ms`);
  process.exit(0);
}
