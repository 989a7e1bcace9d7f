/**
 * A contract realm: one QuickJS context with the prelude installed and the `ledger` module
 * loaded. The transaction's own frame uses the realm captured in the VM's memory snapshot;
 * cross-contract calls create one per call (and free it afterwards).
 */
import { LEDGER_MODULE_NAME, LEDGER_MODULE_SOURCE, PRELUDE_SOURCE } from './guest/prelude.ts';
import type { QuickJsInstance } from './quickjs-instance.ts';
import { utf8Length } from './utf8.ts';

/** quickjs-emscripten's EvalFlags. */
export const EVAL_GLOBAL = 0;
export const EVAL_MODULE = 1;
/** QTS_NewContext(rt, 0) = JS_NewContext with every intrinsic. */
const ALL_INTRINSICS = 0;
/** Host reference id of the single host function (the VM dispatches on the op code). */
export const HOST_FUNCTION_ID = 1;

export interface Realm {
  ctx: number;
  /** JSValue* of the prelude's invoke(ns, frame, method, args?) */
  invoke: number;
  /** JSValue* of the prelude's describe(thrown) */
  describe: number;
}

export class RealmSetupError extends Error {
  override name = 'RealmSetupError';
}

/** Source the module loader serves: "ledger" only (anything else fails to link). */
export function moduleSource(name: string): string | undefined {
  return name === LEDGER_MODULE_NAME ? LEDGER_MODULE_SOURCE : undefined;
}

/** Evaluates `code`; returns the owned result JSValue* or throws RealmSetupError. */
function evalOrThrow(q: QuickJsInstance, ctx: number, code: string, filename: string, flags: number): number {
  const codePtr = q.cString(code);
  const filePtr = q.cString(filename);
  if (codePtr === 0 || filePtr === 0) throw new RealmSetupError('out of memory');
  const result = q.qts.QTS_Eval(ctx, codePtr, utf8Length(code), filePtr, 0, flags);
  q.qts.free(codePtr);
  q.qts.free(filePtr);
  const error = q.qts.QTS_ResolveException(ctx, result);
  if (error !== 0) throw new RealmSetupError(q.getString(ctx, error) ?? 'unknown error');
  return result;
}

/**
 * Creates a context with the prelude. Throws RealmSetupError when QuickJS cannot (which,
 * inside a transaction, only happens when its heap is exhausted).
 */
export function createRealm(q: QuickJsInstance, rt: number, limitsJson: string): Realm {
  const f = q.qts;
  const ctx = f.QTS_NewContext(rt, ALL_INTRINSICS);
  if (ctx === 0) throw new RealmSetupError('out of memory');
  const namePtr = q.cString('host');
  if (namePtr === 0) throw new RealmSetupError('out of memory');
  const hostFn = f.QTS_NewFunction(ctx, namePtr, 2, 0, HOST_FUNCTION_ID);
  f.free(namePtr);
  const prelude = evalOrThrow(q, ctx, PRELUDE_SOURCE, '<ledger>', EVAL_GLOBAL);
  const limits = q.newString(ctx, limitsJson);
  const argv = q.pointerArray([hostFn, limits]);
  if (hostFn === 0 || limits === 0 || argv === 0) throw new RealmSetupError('out of memory');
  const entry = f.QTS_Call(ctx, prelude, f.QTS_GetUndefined(), 2, argv);
  const error = f.QTS_ResolveException(ctx, entry);
  if (error !== 0) throw new RealmSetupError(`prelude failed: ${q.getString(ctx, error) ?? 'unknown error'}`);
  const invoke = f.QTS_GetPropNumber(ctx, entry, 0);
  const describe = f.QTS_GetPropNumber(ctx, entry, 1);
  for (const ptr of [prelude, limits, entry, hostFn]) f.QTS_FreeValuePointer(ctx, ptr);
  f.free(argv);
  // Load "ledger" now so contract imports resolve from the context's module cache.
  const warm = evalOrThrow(q, ctx, `import ${JSON.stringify(LEDGER_MODULE_NAME)};`, '<ledger-init>', EVAL_MODULE);
  f.QTS_FreeValuePointer(ctx, warm);
  return { ctx, invoke, describe };
}

export function freeRealm(q: QuickJsInstance, realm: Realm): void {
  q.qts.QTS_FreeValuePointer(realm.ctx, realm.invoke);
  q.qts.QTS_FreeValuePointer(realm.ctx, realm.describe);
  q.qts.QTS_FreeContext(realm.ctx);
}
