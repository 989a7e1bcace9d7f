/**
 * ContractVM: the ledger's entry point to contract execution.
 *
 *   const vm = await ContractVM.create();          // async, once
 *   const result = vm.execute(request, view);       // synchronous, deterministic
 *
 * One VM owns one QuickJS wasm instance with a fixed-size memory. At creation it builds a
 * runtime and a ready realm (prelude + `ledger` module) and snapshots memory; every
 * execute() restores that snapshot first, so the result and the gas of a request depend only
 * on (request, view), never on what the VM ran before. A VM is not re-entrant: do not call
 * execute() from inside a state view callback.
 */
import { Execution, type ExecutionEnv } from './execution.ts';
import { ModuleCache } from './module-cache.ts';
import type { ContractStateView, ExecutionRequest, ExecutionResult } from './host-interface.ts';
import {
  DEFAULT_GAS_SCHEDULE,
  DEFAULT_LIMITS,
  DEFAULT_VM_CONFIG,
  type GasSchedule,
  type VmConfig,
  type VmLimits,
} from './limits.ts';
import { GAS_LIMIT_CEILING, QuickJsInstance } from './quickjs-instance.ts';
import { createRealm, moduleSource } from './realm.ts';
import type { WasmModule } from './wasm-api.ts';
import { compileQuickJsGasWasm } from './wasm-module.ts';

/** Shadow stack C code may use below QuickJS's own limit (restored with the snapshot). */
const STACK_SLACK_BYTES = 128 * 1024;

export interface ContractVMOptions {
  /** A compiled quickjs-gas module to share; default: the embedded artifact, compiled once per realm. */
  wasmModule?: WasmModule;
  config?: Partial<VmConfig>;
  limits?: Partial<VmLimits>;
  gas?: Partial<GasSchedule>;
  /**
   * Last-resort liveness hook, polled by QuickJS's interrupt handler (every 10 000 branches
   * or calls of interpreted code, well under a millisecond). Return true to abort: execute()
   * then throws VmWatchdogError. Gas, not this hook, bounds every transaction (including work
   * inside built-ins, which the interrupt handler does not see); a watchdog abort is a local
   * fault, never a consensus outcome.
   */
  watchdog?: () => boolean;
}

export interface VmMemoryStats {
  /** Linear memory reserved by this VM (fixed). */
  memoryBytes: number;
  /** Heap available to contracts (memory minus static data, stack and reserved gap). */
  heapBytes: number;
  /** Bytes copied back on each restore (snapshot size). */
  snapshotBytes: number;
  /** Heap the last execution allocated beyond the snapshot. */
  lastExecutionHeapBytes: number;
  /** Evaluated-module cache: entries and bytes held. */
  moduleCacheEntries: number;
  moduleCacheBytes: number;
}

export class ContractVM {
  readonly limits: VmLimits;
  readonly gasSchedule: GasSchedule;
  readonly config: VmConfig;
  private readonly env: ExecutionEnv;
  private running = false;
  private executions = 0;

  private constructor(env: ExecutionEnv, config: VmConfig) {
    this.env = env;
    this.limits = env.limits;
    this.gasSchedule = env.gas;
    this.config = config;
  }

  static async create(options: ContractVMOptions = {}): Promise<ContractVM> {
    const config: VmConfig = { ...DEFAULT_VM_CONFIG, ...options.config };
    const limits: VmLimits = Object.freeze({ ...DEFAULT_LIMITS, ...options.limits });
    const gas: GasSchedule = Object.freeze({ ...DEFAULT_GAS_SCHEDULE, ...options.gas });
    // Measured on Node's ~1 MB main-thread stack: at 64 KiB the most stack-hungry guest path
    // (JSON.parse of nested arrays, unoptimised wasm frames) uses ~60% of the host stack; at
    // 192 KiB it overflows the host outright. See README.md, "Stack".
    if (config.stackBytes < 16 * 1024 || config.stackBytes > 128 * 1024) {
      throw new Error('config.stackBytes must be between 16 KiB and 128 KiB (larger values risk host stack overflows)');
    }
    const module = options.wasmModule ?? (await compileQuickJsGasWasm());
    if (!(limits.gasLimitMax > 0 && limits.gasLimitMax <= GAS_LIMIT_CEILING)) {
      throw new Error(`limits.gasLimitMax must be between 1 and ${GAS_LIMIT_CEILING}`);
    }
    const instance = await QuickJsInstance.create(module, { memoryBytes: config.memoryBytes });
    instance.watchdog = options.watchdog;
    const guestLimitsJson = JSON.stringify({
      maxKeyChars: limits.keyCharsMax,
      maxValueChars: limits.valueBytesMax,
      maxWritesPerFrame: limits.writesPerFrameMax,
      maxEventsPerFrame: limits.eventsPerTxMax,
      maxEventChars: limits.eventBytesMax,
      maxEventNameChars: limits.eventNameCharsMax,
      maxReturnChars: limits.returnBytesMax,
      maxScanLimit: limits.scanLimitMax,
      defaultScanLimit: limits.scanLimitDefault,
      maxLogChars: limits.logLineCharsMax,
      maxErrorChars: limits.errorCharsMax,
    });
    // Build the pristine state every execution starts from.
    instance.setHooks({
      callHost: () => 0,
      loadModule: (_ctx, name) => moduleSource(name),
    });
    const { runtime, topRealm } = instance.unmetered(() => {
      const f = instance.qts;
      const rt = f.QTS_NewRuntime();
      f.QTS_RuntimeSetMaxStackSize(rt, config.stackBytes);
      // Single allocations above the heap size fail early; the total is capped by the memory itself.
      f.QTS_RuntimeSetMemoryLimit(rt, instance.heapBytesAvailable);
      f.QTS_RuntimeEnableModuleLoader(rt, 0);
      if (options.watchdog) f.QTS_RuntimeEnableInterruptHandler(rt);
      return { runtime: rt, topRealm: createRealm(instance, rt, guestLimitsJson) };
    });
    instance.setHooks(undefined);
    instance.snapshot(config.stackBytes + STACK_SLACK_BYTES);
    const moduleCache = config.moduleCacheEntries > 0 ? new ModuleCache(config.moduleCacheEntries) : undefined;
    return new ContractVM({ instance, runtime, topRealm, limits, gas, guestLimitsJson, moduleCache }, config);
  }

  /** Runs a deploy, call or query. Synchronous; never mutates `view`. */
  execute(request: ExecutionRequest, view: ContractStateView): ExecutionResult {
    if (this.running) throw new Error('ContractVM.execute is not re-entrant');
    this.running = true;
    try {
      this.executions++;
      return new Execution(this.env, request, view).run();
    } finally {
      this.running = false;
    }
  }

  memoryStats(): VmMemoryStats {
    const q = this.env.instance;
    return {
      memoryBytes: q.memoryBytes,
      heapBytes: q.heapBytesAvailable,
      snapshotBytes: q.snapshotBytes,
      lastExecutionHeapBytes: q.heapBytesSinceSnapshot(),
      moduleCacheEntries: this.env.moduleCache?.size ?? 0,
      moduleCacheBytes: this.env.moduleCache?.bytes ?? 0,
    };
  }

  get executionCount(): number {
    return this.executions;
  }
}
