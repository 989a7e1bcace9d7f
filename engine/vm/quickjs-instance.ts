/**
 * One instance of the gas-metered QuickJS wasm, driven directly through its C exports.
 *
 * We do not use the emscripten JavaScript glue or quickjs-emscripten's object layer at run
 * time: every import the wasm can call is implemented here, so nothing the guest does can
 * reach a host clock, time zone, environment variable, timer or console. The facts needed
 * to do that (which minified import is localtime, where the brk pointer lives, ...) were
 * extracted at build time by scripts/build-quickjs-gas.mjs into QUICKJS_GAS_META.
 *
 * Determinism: `snapshot()` copies the parts of linear memory that can change (static data
 * plus the shadow stack, and the heap up to the current brk); `restore()` puts them back,
 * zeroes whatever the last execution allocated beyond the snapshot's brk and resets the
 * stack pointer. Every execution therefore starts from bit-identical memory, whatever ran
 * before and however it ended (returned, trapped, ran out of gas or memory), which makes gas
 * and allocation failures independent of instance history.
 */
import { QUICKJS_GAS_META } from './wasm/quickjs-gas.ts';
import { readUtf8, utf8Length, writeUtf8 } from './utf8.ts';
import { webAssembly, type WasmGlobal, type WasmImports, type WasmModule } from './wasm-api.ts';

const PAGE = 65536;
const DIFF_PAGE_BYTES = 4096;

/** Memory pages that differ from the snapshot (see QuickJsInstance.captureDiff). */
export interface MemoryDiff {
  offsets: number[];
  pages: Uint8Array[];
  bytes: number;
}

/** Raised (from inside wasm) when the execution's gas budget is exhausted. */
export class OutOfGasSignal extends Error {
  override name = 'OutOfGasSignal';
}

/** Raised when the caller's watchdog asks to stop. Never a consensus outcome. */
export class WatchdogSignal extends Error {
  override name = 'WatchdogSignal';
}

/** Raised when QuickJS reaches abort/exit/assert or another import it must never call. */
export class VmTrapSignal extends Error {
  override name = 'VmTrapSignal';
}

export interface QuickJsHostHooks {
  /** The guest called a host function; return an owned JSValue* (or 0 for undefined). */
  callHost(ctx: number, thisPtr: number, argc: number, argv: number, hostRefId: number): number;
  /** Source of an imported module, or undefined to refuse the import. */
  loadModule(ctx: number, name: string): string | undefined;
}

type Fn = (...args: number[]) => number;

/** Typed view of the QTS_* exports we use (argument and result types are all i32/f64). */
export interface QtsExports {
  malloc: (size: number) => number;
  free: (ptr: number) => void;
  QTS_NewRuntime: () => number;
  QTS_RuntimeSetMaxStackSize: (rt: number, bytes: number) => void;
  QTS_RuntimeSetMemoryLimit: (rt: number, bytes: number) => void;
  QTS_RuntimeEnableModuleLoader: (rt: number, useCustomNormalize: number) => void;
  QTS_NewContext: (rt: number, intrinsics: number) => number;
  QTS_FreeContext: (ctx: number) => void;
  QTS_NewFunction: (ctx: number, namePtr: number, argLength: number, isConstructor: number, hostRefId: number) => number;
  QTS_Eval: (ctx: number, code: number, codeLength: number, filename: number, detectModule: number, flags: number) => number;
  QTS_Call: (ctx: number, fn: number, thisObj: number, argc: number, argvPtrs: number) => number;
  QTS_ResolveException: (ctx: number, maybeException: number) => number;
  QTS_GetString: (ctx: number, value: number) => number;
  QTS_FreeCString: (ctx: number, str: number) => void;
  QTS_NewString: (ctx: number, str: number) => number;
  QTS_GetFloat64: (ctx: number, value: number) => number;
  QTS_FreeValuePointer: (ctx: number, value: number) => void;
  QTS_ArgvGetJSValueConstPointer: (argv: number, index: number) => number;
  QTS_GetPropNumber: (ctx: number, obj: number, index: number) => number;
  QTS_PromiseState: (ctx: number, value: number) => number;
  QTS_PromiseResult: (ctx: number, value: number) => number;
  QTS_ExecutePendingJob: (rt: number, maxJobs: number, lastJobContextPtr: number) => number;
  QTS_IsJobPending: (rt: number) => number;
  QTS_GetUndefined: () => number;
  QTS_RuntimeEnableInterruptHandler: (rt: number) => void;
  QTS_NewError: (ctx: number) => number;
  QTS_SetProp: (ctx: number, obj: number, name: number, value: number) => void;
  QTS_Throw: (ctx: number, error: number) => number;
}

const EXPORTS_USED: Array<keyof QtsExports> = [
  'malloc', 'free', 'QTS_NewRuntime', 'QTS_RuntimeSetMaxStackSize', 'QTS_RuntimeSetMemoryLimit',
  'QTS_RuntimeEnableModuleLoader', 'QTS_NewContext', 'QTS_FreeContext', 'QTS_NewFunction', 'QTS_Eval',
  'QTS_Call', 'QTS_ResolveException', 'QTS_GetString', 'QTS_FreeCString', 'QTS_NewString',
  'QTS_GetFloat64', 'QTS_FreeValuePointer', 'QTS_ArgvGetJSValueConstPointer', 'QTS_GetPropNumber',
  'QTS_PromiseState', 'QTS_PromiseResult', 'QTS_ExecutePendingJob', 'QTS_IsJobPending', 'QTS_GetUndefined',
  'QTS_NewError', 'QTS_SetProp', 'QTS_Throw', 'QTS_RuntimeEnableInterruptHandler',
];

export interface QuickJsInstanceOptions {
  /** Total linear memory in bytes (fixed: the memory never grows). */
  memoryBytes: number;
}

/** Gas the wasm counter can hold (i32) with room for the largest single charge. */
export const GAS_LIMIT_CEILING = 2 ** 30;

export class QuickJsInstance {
  readonly qts: QtsExports;
  readonly heap: Uint8Array;
  readonly memoryBytes: number;
  /** Guest-visible wall clock (Date.now()), in ms; the VM pins it per execution. */
  nowMs = 0;
  /** Polled by QuickJS's interrupt handler during execution; true aborts (liveness only). */
  watchdog: (() => boolean) | undefined;

  private readonly i32: Int32Array;
  private readonly u32: Uint32Array;
  private readonly gas: WasmGlobal;
  private readonly stackPointer: WasmGlobal;
  private readonly hooksRef: { hooks: QuickJsHostHooks | undefined };
  private metered = false;
  private exhausted = false;
  private readonly heapBase: number;
  private snapshotLow: Uint8Array | undefined;
  private snapshotHeap: Uint8Array | undefined;
  private snapshotBrk = 0;
  private restoreLowStart = 0;
  private dirty = false;

  private constructor(
    qts: QtsExports,
    heap: Uint8Array,
    gas: WasmGlobal,
    stackPointer: WasmGlobal,
    hooksRef: { hooks: QuickJsHostHooks | undefined },
    options: QuickJsInstanceOptions,
    heapBase: number,
  ) {
    this.qts = qts;
    this.heap = heap;
    this.i32 = new Int32Array(heap.buffer);
    this.u32 = new Uint32Array(heap.buffer);
    this.gas = gas;
    this.stackPointer = stackPointer;
    this.hooksRef = hooksRef;
    this.memoryBytes = options.memoryBytes;
    this.heapBase = heapBase;
  }

  static async create(module: WasmModule, options: QuickJsInstanceOptions): Promise<QuickJsInstance> {
    const meta = QUICKJS_GAS_META;
    const WA = webAssembly();
    const pages = options.memoryBytes / PAGE;
    if (!Number.isInteger(pages) || pages < meta.layout.memoryInitialPages || pages > meta.layout.memoryMaximumPages) {
      throw new Error(`memoryBytes must be a multiple of 64 KiB between ${meta.layout.memoryInitialPages * 64} KiB and ${meta.layout.memoryMaximumPages / 16} MiB`);
    }
    // initial === maximum: the memory can never grow, so running out of it is decided by
    // the allocator alone (deterministic), never by the host's ability to grow a buffer.
    const memory = new WA.Memory({ initial: pages, maximum: pages });
    const heap = new Uint8Array(memory.buffer);
    const i32 = new Int32Array(memory.buffer);
    const hooksRef: { hooks: QuickJsHostHooks | undefined } = { hooks: undefined };
    // The imports are built before the instance exists; they reach it through this box.
    const box: { self?: QuickJsInstance; malloc?: Fn } = {};

    const a: Record<string, unknown> = {};
    for (const [letter, role] of Object.entries(meta.imports)) {
      a[letter] = importFor(role, letter);
    }
    function importFor(role: string, letter: string): unknown {
      switch (role) {
        case 'memory':
          return memory;
        case 'callFunction':
          return (ctx: number, thisPtr: number, argc: number, argv: number, id: number) =>
            requireHooks().callHost(ctx, thisPtr, argc, argv, id);
        case 'loadModuleSource':
          return (_rt: number, ctx: number, namePtr: number) => {
            const name = readUtf8(heap, namePtr, 4096);
            const source = requireHooks().loadModule(ctx, name);
            if (source === undefined) {
              // A SyntaxError, like QuickJS's own link errors: the module cannot be loaded at all.
              box.self?.throwError(ctx, `contracts can only import "ledger" (requested ${JSON.stringify(name.slice(0, 100))})`, 'SyntaxError');
              return 0;
            }
            return writeCString(source); // freed by QuickJS after compiling
          };
        case 'shouldInterrupt':
          // Only enabled when the VM has a watchdog: QuickJS polls it every 10 000 branches.
          return () => (box.self ? box.self.pollWatchdog() : 0);
        case 'freeHostRef':
          return () => undefined;
        case 'dateNow':
          return () => (box.self ? box.self.nowMs : 0);
        case 'localtime':
          // Time zone is always UTC: fill struct tm from the UTC fields.
          return (time: bigint, tm: number) => writeUtcTm(i32, time, tm);
        case 'tzset':
          return (timezone: number, daylight: number, stdName: number, dstName: number) => {
            i32[timezone >> 2] = 0;
            i32[daylight >> 2] = 0;
            writeUtf8(heap, stdName, 'UTC');
            writeUtf8(heap, dstName, 'UTC');
          };
        case 'environSizesGet':
          return (countPtr: number, sizePtr: number) => {
            i32[countPtr >> 2] = 0;
            i32[sizePtr >> 2] = 0;
            return 0;
          };
        case 'environGet':
          return () => 0;
        case 'fdWrite':
          // stdout/stderr of QuickJS internals are discarded: report everything written.
          return (_fd: number, iov: number, iovcnt: number, pnum: number) => {
            let total = 0;
            for (let i = 0; i < iovcnt; i++) total += i32[(iov + i * 8 + 4) >> 2]!;
            i32[pnum >> 2] = total;
            return 0;
          };
        case 'resizeHeap':
          return () => 0; // fixed-size memory: growth always fails (-> malloc returns NULL)
        case 'timer':
          return () => 0; // no host timers, ever
        case 'normalizeModule':
        case 'trap':
        default:
          return () => {
            throw new VmTrapSignal(`QuickJS called import a.${letter} (${role}), which contracts must never reach`);
          };
      }
    }
    function requireHooks(): QuickJsHostHooks {
      const hooks = hooksRef.hooks;
      if (!hooks) throw new VmTrapSignal('host callback with no execution attached');
      return hooks;
    }
    function writeCString(text: string): number {
      if (!box.malloc) throw new VmTrapSignal('malloc not ready');
      const ptr = box.malloc(utf8Length(text) + 1);
      if (ptr === 0) return 0;
      writeUtf8(heap, ptr, text);
      return ptr;
    }

    const imports: WasmImports = { a };
    const instance = await WA.instantiate(module, imports);
    const ex = instance.exports;
    const qts = {} as Record<string, unknown>;
    for (const name of EXPORTS_USED) {
      const letter = (meta.exports as Record<string, string>)[name];
      const fn = letter === undefined ? undefined : ex[letter];
      if (typeof fn !== 'function') throw new Error(`quickjs-gas wasm has no export for ${name}`);
      qts[name] = fn;
    }
    box.malloc = qts.malloc as Fn;
    const gas = ex[meta.gas.global] as WasmGlobal | undefined;
    const sp = ex[meta.stackPointerExport] as WasmGlobal | undefined;
    const ctors = ex[meta.exports.wasmCallCtors];
    if (!gas || !sp || typeof ctors !== 'function') throw new Error('quickjs-gas wasm lacks gas/stack exports');

    const u32 = new Uint32Array(memory.buffer);
    const heapBase = u32[meta.layout.sbrkPointer >> 2]!;
    if (heapBase !== meta.layout.originalStackTop) {
      throw new Error(`unexpected initial brk ${heapBase} (expected ${meta.layout.originalStackTop}); rebuild the artifact`);
    }
    const created = new QuickJsInstance(qts as unknown as QtsExports, heap, gas, sp, hooksRef, options, heapBase);
    box.self = created;
    created.unmetered(() => (ctors as () => void)());
    return created;
  }

  /** Attaches the callbacks of the execution that is about to run (or detaches them). */
  setHooks(hooks: QuickJsHostHooks | undefined): void {
    this.hooksRef.hooks = hooks;
  }

  // ---------------------------------------------------------------- gas
  //
  // The wasm counter `ll_gas` holds the units left; every function entry and loop iteration
  // of QuickJS subtracts and traps (`unreachable`) below zero. Host work is charged here.

  /** Starts metering with `limit` units (at most GAS_LIMIT_CEILING). */
  startMetering(limit: number): void {
    if (!(limit >= 0 && limit <= GAS_LIMIT_CEILING)) throw new RangeError(`gas limit ${limit} outside 0..${GAS_LIMIT_CEILING}`);
    this.metered = true;
    this.exhausted = false;
    this.gas.value = limit;
  }

  stopMetering(): void {
    this.metered = false;
  }

  /** Units left; never negative. */
  gasRemaining(): number {
    return Math.max(0, this.gas.value);
  }

  /** True once the budget is gone (a trap that happens then is an out-of-gas stop). */
  get outOfGas(): boolean {
    return this.metered && (this.exhausted || this.gas.value < 0);
  }

  /** Charges host-side work. Throws OutOfGasSignal (to unwind everything) when the budget is gone. */
  charge(units: number): void {
    if (!this.metered || units <= 0) return;
    const left = this.gas.value - units;
    if (left < 0 || this.exhausted) {
      this.exhausted = true;
      this.gas.value = -1;
      throw new OutOfGasSignal('out of gas');
    }
    this.gas.value = left;
  }

  /** Runs `fn` without charging the execution (fixed-cost setup work). */
  unmetered<T>(fn: () => T): T {
    const saved = { metered: this.metered, gas: this.gas.value, exhausted: this.exhausted };
    this.metered = false;
    this.gas.value = GAS_LIMIT_CEILING;
    try {
      return fn();
    } finally {
      this.metered = saved.metered;
      this.gas.value = saved.gas;
      this.exhausted = saved.exhausted;
    }
  }

  /** Interrupt-handler callback: throws WatchdogSignal when the watchdog says stop. */
  pollWatchdog(): number {
    if (this.metered && this.watchdog?.()) throw new WatchdogSignal('watchdog stopped the execution');
    return 0;
  }

  // ---------------------------------------------------------------- memory snapshot

  /**
   * Records the current memory as the state every execution starts from.
   * `stackWindowBytes` is how far below the stack top an execution can write: QuickJS stops
   * JS recursion at its stack limit, and C code between two checks uses far less than the
   * margin the VM adds, so only that window of the 420 KiB stack region is restored.
   */
  snapshot(stackWindowBytes: number): void {
    const brk = this.brk();
    const { stackTop, staticEnd } = QUICKJS_GAS_META.layout;
    this.restoreLowStart = Math.max(staticEnd, stackTop - stackWindowBytes) & ~(DIFF_PAGE_BYTES - 1);
    this.snapshotLow = this.heap.slice(0, stackTop);
    this.snapshotHeap = this.heap.slice(this.heapBase, brk);
    this.snapshotBrk = brk;
    this.dirty = false;
  }

  /** Marks the memory as modified since the snapshot. */
  touch(): void {
    this.dirty = true;
  }

  /** Puts memory, stack pointer and gas back to the snapshot (cheap if nothing ran). */
  restore(): void {
    if (!this.dirty) return;
    if (!this.snapshotLow || !this.snapshotHeap) throw new Error('no snapshot to restore');
    const brk = this.brk();
    const { staticEnd } = QUICKJS_GAS_META.layout;
    const low = this.snapshotLow;
    this.heap.set(low.subarray(0, staticEnd), 0);
    this.heap.set(low.subarray(this.restoreLowStart), this.restoreLowStart);
    this.heap.set(this.snapshotHeap, this.heapBase);
    if (brk > this.snapshotBrk) this.heap.fill(0, this.snapshotBrk, Math.min(brk, this.heap.length));
    this.stackPointer.value = QUICKJS_GAS_META.layout.stackTop;
    this.gas.value = 0;
    this.metered = false;
    this.exhausted = false;
    this.dirty = false;
  }

  /**
   * Pages that differ from the snapshot right now (memory must have been restored before the
   * work that produced them). Used to cache the state after a module's top-level code ran.
   */
  captureDiff(): MemoryDiff {
    if (!this.snapshotLow || !this.snapshotHeap) throw new Error('no snapshot');
    const diff: MemoryDiff = { offsets: [], pages: [], bytes: 0 };
    const page = DIFF_PAGE_BYTES;
    const words = page >> 2;
    const low = new Int32Array(this.snapshotLow.buffer, this.snapshotLow.byteOffset, this.snapshotLow.length >> 2);
    const heapSnap = new Int32Array(this.snapshotHeap.buffer, this.snapshotHeap.byteOffset, this.snapshotHeap.length >> 2);
    const mem = this.i32;
    const addPage = (offset: number, length: number): void => {
      diff.offsets.push(offset);
      diff.pages.push(this.heap.slice(offset, offset + length));
      diff.bytes += length;
    };
    for (let offset = 0; offset < this.snapshotLow.length; offset += page) {
      const w0 = offset >> 2;
      const w1 = Math.min(low.length, w0 + words);
      for (let w = w0; w < w1; w++) {
        if (mem[w] !== low[w]) {
          addPage(offset, (w1 - w0) << 2);
          break;
        }
      }
    }
    const end = Math.max(this.brk(), this.snapshotBrk);
    for (let offset = this.heapBase; offset < end; offset += page) {
      const length = Math.min(page, end - offset);
      const w0 = offset >> 2;
      const s0 = (offset - this.heapBase) >> 2;
      const n = length >> 2;
      for (let i = 0; i < n; i++) {
        const before = s0 + i < heapSnap.length ? heapSnap[s0 + i]! : 0;
        if (mem[w0 + i] !== before) {
          addPage(offset, length);
          break;
        }
      }
    }
    return diff;
  }

  /** Writes a captured diff over the (restored) snapshot state. */
  applyDiff(diff: MemoryDiff): void {
    for (let i = 0; i < diff.offsets.length; i++) this.heap.set(diff.pages[i]!, diff.offsets[i]!);
  }

  /** Current end of the malloc heap (the sbrk pointer). */
  brk(): number {
    return this.u32[QUICKJS_GAS_META.layout.sbrkPointer >> 2]!;
  }

  /** Bytes of heap in use above the snapshot (what the last execution allocated). */
  heapBytesSinceSnapshot(): number {
    return Math.max(0, this.brk() - this.snapshotBrk);
  }

  /** Bytes copied back by each restore. */
  get snapshotBytes(): number {
    if (!this.snapshotLow || !this.snapshotHeap) return 0;
    const { staticEnd, stackTop } = QUICKJS_GAS_META.layout;
    return staticEnd + (stackTop - this.restoreLowStart) + this.snapshotHeap.length;
  }

  get heapBytesAvailable(): number {
    return this.memoryBytes - this.heapBase;
  }

  // ---------------------------------------------------------------- strings and values

  /** malloc'd NUL-terminated UTF-8 copy of `text` (0 if the heap is exhausted). */
  cString(text: string): number {
    const ptr = this.qts.malloc(utf8Length(text) + 1);
    if (ptr !== 0) writeUtf8(this.heap, ptr, text);
    return ptr;
  }

  /** New guest string value (owned JSValue*), or 0 if allocation failed. */
  newString(ctx: number, text: string): number {
    const str = this.cString(text);
    if (str === 0) return 0;
    const value = this.qts.QTS_NewString(ctx, str);
    this.qts.free(str);
    return value;
  }

  /** Guest value converted with ToString (may run guest code), or undefined on failure. */
  getString(ctx: number, value: number): string | undefined {
    const str = this.qts.QTS_GetString(ctx, value);
    if (str === 0) return undefined;
    const text = readUtf8(this.heap, str);
    this.qts.QTS_FreeCString(ctx, str);
    return text;
  }

  /** Sets a pending `Error(message)` exception in `ctx` (for C callbacks that return failure). */
  throwError(ctx: number, message: string, name = 'Error'): void {
    const f = this.qts;
    const error = f.QTS_NewError(ctx);
    const props = [this.newString(ctx, 'message'), this.newString(ctx, message), this.newString(ctx, 'name'), this.newString(ctx, name)];
    if (error === 0 || props.includes(0)) return;
    f.QTS_SetProp(ctx, error, props[0]!, props[1]!);
    f.QTS_SetProp(ctx, error, props[2]!, props[3]!);
    f.QTS_FreeValuePointer(ctx, f.QTS_Throw(ctx, error));
    for (const ptr of [error, ...props]) f.QTS_FreeValuePointer(ctx, ptr);
  }

  /** malloc'd array of JSValue* for QTS_Call. */
  pointerArray(pointers: number[]): number {
    const ptr = this.qts.malloc(Math.max(4, pointers.length * 4));
    if (ptr === 0) return 0;
    for (let i = 0; i < pointers.length; i++) this.i32[(ptr >> 2) + i] = pointers[i]!;
    return ptr;
  }

  readI32(ptr: number): number {
    return this.i32[ptr >> 2]!;
  }
}

const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTH_START_LEAP = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

/**
 * struct tm for `time` (seconds since the epoch) in UTC, as emscripten's localtime import
 * would fill it with a zero offset. Pure arithmetic (no host Date), proleptic Gregorian.
 */
function writeUtcTm(i32: Int32Array, time: bigint, tm: number): void {
  const base = tm >> 2;
  const limit = 8_640_000_000_000n; // the ECMAScript time range, in seconds
  if (time < -limit || time > limit) {
    for (let i = 0; i < 10; i++) i32[base + i] = 0;
    return;
  }
  const seconds = Number(time);
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  // days -> civil date (H. Hinnant's algorithm)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 2 : mp - 10; // 0-based
  const year = yoe + era * 400 + (month <= 1 ? 1 : 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  i32[base] = secondOfDay % 60;
  i32[base + 1] = Math.floor(secondOfDay / 60) % 60;
  i32[base + 2] = Math.floor(secondOfDay / 3600);
  i32[base + 3] = day;
  i32[base + 4] = month;
  i32[base + 5] = year - 1900;
  i32[base + 6] = (((days + 4) % 7) + 7) % 7;
  i32[base + 7] = (leap ? MONTH_START_LEAP : MONTH_START)[month]! + day - 1;
  i32[base + 8] = 0; // tm_isdst
  i32[base + 9] = 0; // tm_gmtoff
}
