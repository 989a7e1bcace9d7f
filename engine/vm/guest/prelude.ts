/**
 * Guest-side source code: what runs inside QuickJS before any contract code.
 *
 * PRELUDE_SOURCE is a global script that evaluates to a function; the VM calls it once per
 * context with the native host function and the limits. It hardens the realm (no eval or
 * Function constructor, no WeakRef/FinalizationRegistry, seeded Math.random, console that
 * feeds the transaction log), builds the `ledger` API and returns the two entry points the
 * host uses: `invoke` (run one method of a contract module) and `describe` (turn a thrown
 * value into JSON).
 *
 * ABI (all payloads are JSON text, so no raw NUL or lone surrogate crosses the boundary):
 *   host(op, payload) -> string | undefined; a string starting with "!" is an error
 *   "!<kind>:<message>" that the prelude rethrows as a guest exception.
 * Reads are cached and writes/events are buffered in the guest; they cross the boundary
 * once per frame (in the result of `invoke`), or earlier when a scan or a cross-contract
 * call needs them flushed. See engine/vm/README.md for the full protocol.
 *
 * Nothing here is trusted by the host: a contract can tamper with the intrinsics this code
 * uses (it shares the realm) and so can only corrupt its own frame; the host validates
 * everything it receives.
 */
import { HostOp } from './ops.ts';

export const LEDGER_MODULE_NAME = 'ledger';
export const API_GLOBAL = '__ledger';

/** Source of the virtual module `import { ... } from "ledger"`. */
export const LEDGER_MODULE_SOURCE = `const api = globalThis.${API_GLOBAL};
export const storage = api.storage;
export const ctx = api.ctx;
export const emit = api.emit;
export const call = api.call;
export const transfer = api.transfer;
export const balanceOf = api.balanceOf;
export const assert = api.assert;
export const revert = api.revert;
export const identity = api.identity;
export const LedgerError = api.LedgerError;
export const AssertionError = api.AssertionError;
export const RevertError = api.RevertError;
export const CallError = api.CallError;
export default api;
`;

export const PRELUDE_SOURCE = `(function ledgerPrelude(host, limitsText) {
'use strict';
const G = globalThis;
const parse = JSON.parse, stringify = JSON.stringify;
const _Error = Error, _TypeError = TypeError, _RangeError = RangeError, _String = String, _Number = Number;
const _Promise = Promise, promiseThen = Promise.prototype.then, apply = Reflect.apply;
const freeze = Object.freeze, defineProperty = Object.defineProperty, create = Object.create;
const getPrototypeOf = Object.getPrototypeOf, isArray = Array.isArray, isSafeInteger = Number.isSafeInteger;
// Built-ins this code needs, captured before any contract code runs: a contract shares the
// realm and may replace prototype methods, which must only ever hurt the contract itself.
const StringProto = String.prototype, RegExpProto = RegExp.prototype;
const strSlice = (s, a, b) => apply(StringProto.slice, s, [a, b]);
const strIndexOf = (s, t) => apply(StringProto.indexOf, s, [t]);
const strCharCodeAt = (s, i) => apply(StringProto.charCodeAt, s, [i]);
const reTest = (re, s) => apply(RegExpProto.test, re, [s]);
const L = parse(limitsText);
const OP = ${JSON.stringify(HostOp)};

// ---------------------------------------------------------------- realm hardening
const blocked = function () { throw new EvalError('dynamic code (eval, Function, import of other modules) is disabled in contracts'); };
const FunctionStub = function Function() { return blocked(); };
FunctionStub.prototype = Function.prototype;
for (const fn of [function () {}, async function () {}, function* () {}, async function* () {}]) {
  const proto = getPrototypeOf(fn);
  defineProperty(proto, 'constructor', { value: proto === Function.prototype ? FunctionStub : blocked, writable: false, enumerable: false, configurable: false });
}
defineProperty(G, 'Function', { value: FunctionStub, writable: false, enumerable: false, configurable: false });
defineProperty(G, 'eval', { value: blocked, writable: false, enumerable: false, configurable: false });
delete G.WeakRef;
delete G.FinalizationRegistry;

// ---------------------------------------------------------------- errors
class LedgerError extends _Error { constructor(message) { super(message); } }
defineProperty(LedgerError.prototype, 'name', { value: 'LedgerError', writable: true, configurable: true });
class AssertionError extends LedgerError {}
defineProperty(AssertionError.prototype, 'name', { value: 'AssertionError', writable: true, configurable: true });
class RevertError extends LedgerError {}
defineProperty(RevertError.prototype, 'name', { value: 'RevertError', writable: true, configurable: true });
class CallError extends LedgerError {
  constructor(message, status, address, method) { super(message); this.status = status; this.address = address; this.method = method; }
}
defineProperty(CallError.prototype, 'name', { value: 'CallError', writable: true, configurable: true });

function hostCall(op, payload) {
  const r = host(op, payload);
  if (typeof r === 'string' && strCharCodeAt(r, 0) === 33 /* ! */) {
    const colon = strIndexOf(r, ':');
    const kind = strSlice(r, 1, colon), message = strSlice(r, colon + 1);
    if (kind === 'revert' || kind === 'out_of_memory' || kind === 'invalid' || kind === 'reentrancy' || kind === 'depth') {
      const p = parse(message);
      throw new CallError(p.message, p.status, p.address, p.method);
    }
    if (kind === 'range') throw new _RangeError(message);
    if (kind === 'type') throw new _TypeError(message);
    throw new LedgerError(message);
  }
  return r;
}

// ---------------------------------------------------------------- frame state
// phase: 'top' while module top-level code runs, 'call' during the method, 'done' after.
// The frame's facts arrive as JSON text and are parsed on first use (a method that never
// looks at ctx, storage or randomness does not pay for it).
let phase = 'top';
let frameText = null, F = null, seeded = true;
let cache = create(null), writes = create(null), writeCount = 0, events = [], identities = create(null);

function active(what) {
  if (phase !== 'call') {
    if (phase === 'top') throw new LedgerError(what + ' is not available in module top-level code: top-level code must be pure; do deploy-time work in init(args) and per-call work in exported methods');
    throw new LedgerError(what + ' called after the call finished');
  }
  if (F === null) F = parse(frameText);
  return F;
}
function writable(what) {
  const f = active(what);
  if (f.readOnly) throw new LedgerError(what + ' is not allowed in a read-only query');
  return f;
}
function checkKey(key, what) {
  if (typeof key !== 'string') throw new _TypeError(what + ': key must be a string, got ' + typeof key);
  if (key.length === 0 || key.length > L.maxKeyChars) throw new _RangeError(what + ': key length must be 1..' + L.maxKeyChars);
}
const addressPattern = /^0x[0-9a-f]{40}$/;
const identifierPattern = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;
function checkAddress(address, what) {
  if (typeof address !== 'string' || !reTest(addressPattern, address)) throw new _TypeError(what + ': expected an address ("0x" + 40 lower-case hex digits), got ' + short(address));
}
function checkAmount(amount, what, allowZero) {
  if (typeof amount !== 'number' || !isSafeInteger(amount) || amount < (allowZero ? 0 : 1)) throw new _RangeError(what + ': amount must be a ' + (allowZero ? 'non-negative' : 'positive') + ' safe integer, got ' + short(amount));
}
function short(v) {
  try { const s = typeof v === 'string' ? stringify(v) : _String(v); return s.length > 60 ? strSlice(s, 0, 60) + '…' : s; } catch (e) { return typeof v; }
}
function jsonText(value, what) {
  let t;
  try { t = stringify(value); } catch (e) { throw new _TypeError(what + ': value is not JSON-serializable (' + errorMessage(e) + ')'); }
  if (typeof t !== 'string') throw new _TypeError(what + ': value is not JSON-serializable (' + typeof value + ')');
  checkIntegers(t, what);
  return t;
}
// The ledger's canonical encoding has integers only. The regex is a cheap filter; the reviver
// runs only when the text contains something that may be a fraction, exponent or big number.
const mayHaveNonInteger = /[.eE]|[0-9]{16}/;
function integerReviver(k, v) {
  if (typeof v === 'number' && !isSafeInteger(v)) throw new _RangeError('numbers must be safe integers (use a string for decimals or larger values), got ' + _String(v));
  return v;
}
function checkIntegers(t, what) {
  if (!reTest(mayHaveNonInteger, t)) return;
  try { parse(t, integerReviver); } catch (e) { throw new _RangeError(what + ': ' + errorMessage(e)); }
}
function errorMessage(e) {
  try { return e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : _String(e); } catch (x) { return 'unprintable'; }
}

// ---------------------------------------------------------------- storage
function readText(key) {
  if (key in writes) return writes[key];
  if (key in cache) return cache[key];
  const r = hostCall(OP.get, stringify(key));
  const t = r === undefined ? null : r;
  cache[key] = t;
  return t;
}
function bufferWrite(key, text) {
  if (!(key in writes)) {
    if (++writeCount > L.maxWritesPerFrame) throw new LedgerError('storage write limit exceeded (' + L.maxWritesPerFrame + ' keys per call)');
  }
  writes[key] = text;
}
function writesText() {
  let out = '[', first = true;
  for (const k in writes) {
    const t = writes[k];
    out += (first ? '[' : ',[') + stringify(k) + (t === null ? ']' : ',' + t + ']');
    first = false;
  }
  return out + ']';
}
function eventsText() {
  let out = '[';
  for (let i = 0; i < events.length; i++) out += (i === 0 ? '' : ',') + events[i];
  return out + ']';
}
function flush() {
  let any = false;
  for (const k in writes) { any = true; break; }
  if (!any && events.length === 0) return;
  hostCall(OP.flush, '{"w":' + writesText() + ',"e":' + eventsText() + '}');
  for (const k in writes) cache[k] = writes[k];
  writes = create(null);
  events = [];
}
function scan(prefix, options, what) {
  active(what);
  if (prefix === undefined) prefix = '';
  if (typeof prefix !== 'string') throw new _TypeError(what + ': prefix must be a string');
  let after, limit = L.defaultScanLimit;
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw new _TypeError(what + ': options must be an object');
    after = options.after;
    if (options.limit !== undefined) limit = options.limit;
  }
  if (after !== undefined && typeof after !== 'string') throw new _TypeError(what + ': options.after must be a string key');
  if (!isSafeInteger(limit) || limit < 1 || limit > L.maxScanLimit) throw new _RangeError(what + ': options.limit must be 1..' + L.maxScanLimit);
  flush();
  const rows = parse(hostCall(OP.scan, '{"p":' + stringify(prefix) + (after === undefined ? '' : ',"a":' + stringify(after)) + ',"l":' + limit + '}'));
  for (let i = 0; i < rows.length; i++) cache[rows[i][0]] = rows[i][1];
  return rows;
}
const storage = freeze({
  get(key) { active('storage.get'); checkKey(key, 'storage.get'); const t = readText(key); return t === null ? undefined : parse(t); },
  has(key) { active('storage.has'); checkKey(key, 'storage.has'); return readText(key) !== null; },
  set(key, value) {
    writable('storage.set'); checkKey(key, 'storage.set');
    if (value === undefined) throw new _TypeError('storage.set: value is undefined (use storage.delete to remove a key)');
    const t = jsonText(value, 'storage.set');
    if (t.length > L.maxValueChars) throw new _RangeError('storage.set: value too large (' + t.length + ' characters of JSON, max ' + L.maxValueChars + ')');
    bufferWrite(key, t);
  },
  delete(key) { writable('storage.delete'); checkKey(key, 'storage.delete'); bufferWrite(key, null); },
  entries(prefix, options) {
    const rows = scan(prefix, options, 'storage.entries');
    const out = [];
    for (let i = 0; i < rows.length; i++) out[i] = [rows[i][0], parse(rows[i][1])];
    return out;
  },
  keys(prefix, options) {
    const rows = scan(prefix, options, 'storage.keys');
    const out = [];
    for (let i = 0; i < rows.length; i++) out[i] = rows[i][0];
    return out;
  },
});

// ---------------------------------------------------------------- events, value, calls
function emit(name, data) {
  writable('emit');
  if (typeof name !== 'string' || name.length === 0 || name.length > L.maxEventNameChars) throw new _TypeError('emit: event name must be a string of 1..' + L.maxEventNameChars + ' characters');
  const t = jsonText(data === undefined ? null : data, 'emit');
  if (t.length > L.maxEventChars) throw new _RangeError('emit: event data too large (' + t.length + ' characters of JSON, max ' + L.maxEventChars + ')');
  if (events.length >= L.maxEventsPerFrame) throw new LedgerError('event limit exceeded (' + L.maxEventsPerFrame + ' per call)');
  events[events.length] = '[' + stringify(name) + ',' + t + ']';
}
function transfer(to, amount) {
  writable('transfer');
  checkAddress(to, 'transfer');
  checkAmount(amount, 'transfer', false);
  hostCall(OP.transfer, '[' + stringify(to) + ',' + amount + ']');
}
function balanceOf(address) {
  active('balanceOf');
  checkAddress(address, 'balanceOf');
  return _Number(hostCall(OP.balance, stringify(address)));
}
function call(address, method, args, value) {
  const f = active('call');
  checkAddress(address, 'call');
  if (typeof method !== 'string' || !reTest(identifierPattern, method)) throw new _TypeError('call: method must be an identifier string');
  if (value === undefined) value = 0;
  checkAmount(value, 'call', true);
  if (value > 0 && f.readOnly) throw new LedgerError('call with value is not allowed in a read-only query');
  const argsText = args === undefined ? 'null' : jsonText(args, 'call');
  flush();
  const r = hostCall(OP.call, '{"to":' + stringify(address) + ',"m":' + stringify(method) + ',"v":' + value + ',"u":' + (args === undefined ? 'true' : 'false') + ',"a":' + argsText + '}');
  return parse(r);
}
function assert(condition, message) {
  if (!condition) throw new AssertionError(message === undefined ? 'assertion failed' : _String(message));
}
function revert(message) {
  throw new RevertError(message === undefined ? 'reverted' : _String(message));
}

// ---------------------------------------------------------------- identity
function identityGet(address) {
  active('identity.get');
  checkAddress(address, 'identity.get');
  if (!(address in identities)) {
    const r = hostCall(OP.identity, stringify(address));
    identities[address] = r === undefined ? null : r;
  }
  const t = identities[address];
  return t === null ? null : parse(t);
}
function credentials(subject, filter) {
  active('identity.credentials');
  checkAddress(subject, 'identity.credentials');
  const list = parse(hostCall(OP.credentials, stringify(subject)));
  const out = [];
  const f = filter === undefined || filter === null ? {} : filter;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (f.type !== undefined && c.type !== f.type) continue;
    if (f.issuer !== undefined && c.issuer !== f.issuer) continue;
    if (c.revoked && f.includeRevoked !== true) continue;
    out[out.length] = c;
  }
  return out;
}
const identity = freeze({
  get: identityGet,
  credentials,
  hasCredential(subject, type, issuer) {
    if (typeof type !== 'string') throw new _TypeError('identity.hasCredential: type must be a string');
    return credentials(subject, issuer === undefined ? { type } : { type, issuer }).length > 0;
  },
});

// ---------------------------------------------------------------- ctx and randomness
let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
// Seeds come from SHA-256 (uniform), so sfc32 needs no warm-up rounds. The seed is 32 hex
// digits, so its parsing costs the same gas whatever the hash.
const _parseInt = parseInt;
function seed(hex) {
  r0 = _parseInt(strSlice(hex, 0, 8), 16) | 0; r1 = _parseInt(strSlice(hex, 8, 16), 16) | 0;
  r2 = _parseInt(strSlice(hex, 16, 24), 16) | 0; r3 = _parseInt(strSlice(hex, 24, 32), 16) | 0;
}
function next32() { // sfc32
  const t = (((r0 + r1) | 0) + r3) | 0;
  r3 = (r3 + 1) | 0;
  r0 = r1 ^ (r1 >>> 9);
  r1 = (r2 + (r2 << 3)) | 0;
  r2 = (r2 << 21) | (r2 >>> 11);
  r2 = (r2 + t) | 0;
  return t >>> 0;
}
function random() {
  if (!seeded) { active('random'); seeded = true; seed(hostCall(OP.seed, 'null')); }
  return (next32() * 2097152 + (next32() >>> 11)) / 9007199254740992;
}
seed('6c65646765726c616200000000000000');
for (let i = 0; i < 12; i++) next32();
defineProperty(Math, 'random', { value: function random_() { return random(); }, writable: false, enumerable: false, configurable: false });

const ctx = freeze({
  get self() { return active('ctx.self').self; },
  get sender() { return active('ctx.sender').sender; },
  get origin() { return active('ctx.origin').origin; },
  get value() { return active('ctx.value').value; },
  get blockHeight() { return active('ctx.blockHeight').height; },
  get blockTime() { return active('ctx.blockTime').timeMs; },
  get chainId() { return active('ctx.chainId').chainId; },
  get txHash() { return active('ctx.txHash').txHash; },
  get isQuery() { return active('ctx.isQuery').readOnly; },
  get depth() { return active('ctx.depth').depth; },
  random() { active('ctx.random'); return random(); },
  randomInt(maxExclusive) {
    active('ctx.randomInt');
    if (!isSafeInteger(maxExclusive) || maxExclusive < 1) throw new _RangeError('ctx.randomInt: bound must be a positive safe integer');
    return Math.floor(random() * maxExclusive);
  },
});

// ---------------------------------------------------------------- console
function format(args) {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let s;
    if (typeof a === 'string') s = a;
    else if (a === undefined || typeof a === 'number' || typeof a === 'boolean' || typeof a === 'bigint' || a === null) s = _String(a);
    else if (typeof a === 'symbol' || typeof a === 'function') s = short(a);
    else if (a instanceof _Error) s = errorMessage(a) === '' ? _String(a.name) : _String(a.name) + ': ' + errorMessage(a);
    else { try { s = stringify(a); } catch (e) { s = '[unserializable ' + typeof a + ']'; } if (s === undefined) s = _String(s); }
    out += (i === 0 ? '' : ' ') + s;
    if (out.length > L.maxLogChars) break;
  }
  return out.length > L.maxLogChars ? strSlice(out, 0, L.maxLogChars) + '…' : out;
}
function logger(level) {
  return function () { hostCall(OP.log, stringify(level + format(arguments))); };
}
defineProperty(G, 'console', { value: freeze({ log: logger(''), info: logger(''), debug: logger(''), warn: logger('warn: '), error: logger('error: ') }), writable: false, enumerable: false, configurable: false });

// ---------------------------------------------------------------- the API object
const api = freeze({ storage, ctx, emit, call, transfer, balanceOf, assert, revert, identity, LedgerError, AssertionError, RevertError, CallError });
defineProperty(G, '${API_GLOBAL}', { value: api, writable: false, enumerable: false, configurable: false });

// ---------------------------------------------------------------- entry points for the host
function describe(e) {
  try {
    let name = '', message, stack = '', isError = false;
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      isError = e instanceof _Error;
      const n = e.name, m = e.message, s = e.stack;
      if (typeof n === 'string') name = n;
      message = typeof m === 'string' ? m : short(e);
      if (typeof s === 'string') stack = s;
    } else {
      message = short(e);
    }
    const status = e instanceof CallError ? e.status : undefined;
    return '{"name":' + stringify(strSlice(name, 0, 100)) + ',"message":' + stringify(strSlice(message, 0, L.maxErrorChars))
      + ',"stack":' + stringify(strSlice(stack, 0, 4000)) + ',"error":' + (isError ? 'true' : 'false')
      + (typeof status === 'string' ? ',"status":' + stringify(status) : '') + '}';
  } catch (inner) {
    return '{"name":"","message":"(unprintable thrown value)","stack":"","error":false}';
  }
}
function failure(e) {
  phase = 'done';
  return '{"ok":0,"err":' + describe(e) + '}';
}
function finish(value) {
  let t;
  try { t = value === undefined ? 'null' : stringify(value); }
  catch (e) { return failure(new _TypeError('return value is not JSON-serializable (' + errorMessage(e) + ')')); }
  if (t === undefined) t = 'null';
  if (t.length > L.maxReturnChars) return failure(new _RangeError('return value too large (' + t.length + ' characters of JSON, max ' + L.maxReturnChars + ')'));
  try { checkIntegers(t, 'return value'); } catch (e) { return failure(e); }
  let out;
  try { out = '{"ok":1,"r":' + t + ',"w":' + writesText() + ',"e":' + eventsText() + '}'; }
  catch (e) { return failure(e); }
  phase = 'done';
  return out;
}
function isPromise(v) {
  if (v === null || typeof v !== 'object') return false;
  try { return v instanceof _Promise; } catch (e) { return false; }
}
function invoke(ns, frame, method, argsText) {
  frameText = frame; F = null; seeded = false;
  phase = 'call';
  let result;
  try {
    const fn = ns[method];
    if (typeof fn !== 'function') {
      phase = 'done';
      return '{"ok":0,"err":{"name":"NoSuchMethod","message":' + stringify('contract has no exported method "' + method + '"') + ',"stack":"","error":true}}';
    }
    result = argsText === undefined ? fn() : fn(parse(argsText));
  } catch (e) {
    return failure(e);
  }
  if (isPromise(result)) {
    if (active('invoke').depth > 0) return failure(new LedgerError('method "' + method + '" returned a Promise: methods called by other contracts must be synchronous'));
    return apply(promiseThen, result, [finish, failure]);
  }
  return finish(result);
}
return [invoke, describe];
})`;
