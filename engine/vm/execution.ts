/**
 * One execution: a deploy, call or query, with all its call frames, run synchronously
 * against the VM's QuickJS instance and a read-only state view.
 *
 * Flow: validate the request (status "invalid" before any guest code runs), restore the
 * memory snapshot, start metering, run the top frame (evaluate the module, invoke the
 * method), answer the guest's host operations through `callHost`, and turn the outcome into
 * an ExecutionResult. Cross-contract calls run nested frames from inside `callHost`.
 */
import { sha256Hex } from '../core/hash.ts';
import { canonicalJson, JsonRejected, parseJsonBounded } from './canonical-json.ts';
import { HostOp } from './guest/ops.ts';
import type {
  Address,
  BlockContext,
  ContractCode,
  ContractStateView,
  ExecutionRequest,
  ExecutionResult,
  ExecutionStatus,
} from './host-interface.ts';
import { Journal } from './journal.ts';
import type { ModuleCache } from './module-cache.ts';
import type { GasSchedule, VmLimits } from './limits.ts';
import { msg } from './messages.ts';
import { OutOfGasSignal, type QuickJsHostHooks, type QuickJsInstance, VmTrapSignal, WatchdogSignal } from './quickjs-instance.ts';
import { createRealm, EVAL_MODULE, freeRealm, moduleSource, type Realm, RealmSetupError } from './realm.ts';
import { isWellFormedUnicode, utf8Length } from './utf8.ts';
import { isWasmTrap } from './wasm-api.ts';

const ADDRESS = /^0x[0-9a-f]{40}$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;
const FILENAME_SAFE = /[^A-Za-z0-9_.-]/g;

/** Thrown by execute() when the caller's watchdog stopped the run. Not a consensus outcome. */
export class VmWatchdogError extends Error {
  override name = 'VmWatchdogError';
}

/** Thrown by execute() when the host itself failed (e.g. V8 stack overflow). Not a consensus outcome. */
export class VmHostFaultError extends Error {
  override name = 'VmHostFaultError';
}

/** What the VM shares with every execution. */
export interface ExecutionEnv {
  instance: QuickJsInstance;
  runtime: number;
  topRealm: Realm;
  limits: VmLimits;
  gas: GasSchedule;
  /** JSON of the guest-side limits (passed to the prelude of new realms). */
  guestLimitsJson: string;
  /** Memory state after top-level evaluation, per contract (undefined = disabled). */
  moduleCache: ModuleCache | undefined;
}

type FailureStatus = Exclude<ExecutionStatus, 'ok' | 'out_of_gas'>;

type FrameOutcome =
  | { ok: true; returnText: string }
  | { ok: false; status: FailureStatus; reason: string; noSuchMethod?: boolean };

interface Frame {
  index: number;
  contract: Address;
  filename: string;
  sender: Address;
  value: number;
  readOnly: boolean;
  depth: number;
  realm: Realm;
  /** Set when the host could not hand a value to the guest because the heap is full. */
  hostOutOfMemory: boolean;
  logPrefix: string;
}

interface GuestError {
  name: string;
  message: string;
  stack: string;
  error: boolean;
  status?: string;
}

export class Execution implements QuickJsHostHooks {
  private readonly q: QuickJsInstance;
  private readonly journal: Journal;
  private readonly frames: Frame[] = [];
  private readonly frameByCtx = new Map<number, Frame>();
  private readonly logs: string[] = [];
  private droppedLogs = 0;
  private frameCounter = 0;
  private readonly block: BlockContext;
  private readonly origin: Address;
  private readonly seedBase: string;

  constructor(
    private readonly env: ExecutionEnv,
    private readonly request: ExecutionRequest,
    private readonly view: ContractStateView,
  ) {
    this.q = env.instance;
    this.journal = new Journal(view);
    this.block = request.block;
    this.origin = request.sender;
    const txPart = request.kind === 'query' ? `query:${request.sender}` : `tx:${request.txHash}`;
    this.seedBase = `ledgerlab/vm/random/v1|${request.block.chainId}|${request.block.height}|${request.block.parentHash}|${txPart}`;
  }

  run(): ExecutionResult {
    const request = this.request;
    const invalid = this.validate();
    if (invalid !== undefined) return this.result('invalid', 0, null, `invalid: ${invalid}`);

    const q = this.q;
    q.restore();
    q.touch();
    q.setHooks(this);
    q.startMetering(request.gasLimit);
    try {
      return this.runTop();
    } catch (error) {
      // A trap while the counter is negative is the gas check firing (wherever it was: JS,
      // a built-in, malloc); host-side charges throw OutOfGasSignal.
      if (error instanceof OutOfGasSignal || (isWasmTrap(error) && q.outOfGas)) {
        return this.result('out_of_gas', request.gasLimit, null, msg.outOfGas(request.gasLimit));
      }
      if (error instanceof WatchdogSignal) throw new VmWatchdogError(msg.watchdog());
      if (error instanceof VmTrapSignal || isWasmTrap(error)) {
        return this.result('reverted', this.gasUsed(), null, msg.vmTrap(String((error as Error).message)));
      }
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new VmHostFaultError(msg.hostFault(detail));
    } finally {
      q.stopMetering();
      q.setHooks(undefined);
    }
  }

  private gasUsed(): number {
    return Math.min(this.request.gasLimit, this.request.gasLimit - this.q.gasRemaining());
  }

  // ---------------------------------------------------------------- request validation

  /** Why the request cannot run at all (status "invalid"), or undefined. */
  private validate(): string | undefined {
    const r = this.request;
    const L = this.env.limits;
    if (!Number.isSafeInteger(r.gasLimit) || r.gasLimit <= 0 || r.gasLimit > L.gasLimitMax) return msg.gasLimitRange(L.gasLimitMax);
    if (!ADDRESS.test(r.sender)) return msg.badAddress('sender');
    if (!ADDRESS.test(r.contract)) return msg.badAddress('contract');
    if (r.kind !== 'query') {
      if (!Number.isSafeInteger(r.value) || r.value < 0) return msg.badValue();
      const balance = this.view.balanceOf(r.sender);
      if (r.value > balance) return msg.valueTooHigh(balance, r.value);
    }
    if (r.kind === 'deploy') {
      const bytes = utf8Length(r.source);
      if (bytes > L.sourceBytesMax) return msg.sourceTooLarge(bytes, L.sourceBytesMax);
      if (this.view.codeOf(r.contract) !== undefined) return msg.alreadyDeployed(r.contract);
      return this.argsText(r.initArgs, 'initArgs').error;
    }
    if (this.view.codeOf(r.contract) === undefined) return msg.noContract(r.contract);
    if (!IDENTIFIER.test(r.method)) return msg.badMethod(r.method);
    if (r.method === 'init') return msg.initNotCallable();
    return this.argsText(r.args, 'args').error;
  }

  /** JSON text of request arguments (undefined = no argument), or why they are unusable. */
  private argsText(args: unknown, what: string): { text?: string; error?: string } {
    if (args === undefined) return {};
    let text: string | undefined;
    try {
      text = JSON.stringify(args);
      if (text !== undefined) text = canonicalJson(parseJsonBounded(text, this.env.limits.jsonDepthMax));
    } catch (error) {
      return { error: error instanceof JsonRejected ? msg.jsonRejected(what, error.message) : msg.argsNotJson(what) };
    }
    if (text === undefined) return { error: msg.argsNotJson(what) };
    const bytes = utf8Length(text);
    if (bytes > this.env.limits.argsBytesMax) return { error: msg.argsTooLarge(what, bytes, this.env.limits.argsBytesMax) };
    return { text };
  }

  // ---------------------------------------------------------------- top frame

  private runTop(): ExecutionResult {
    const r = this.request;
    const G = this.env.gas;
    const argsText = (r.kind === 'deploy' ? this.argsText(r.initArgs, 'initArgs') : this.argsText(r.args, 'args')).text;
    let source: string;
    let filename: string;
    let method: string;
    if (r.kind === 'deploy') {
      source = r.source;
      filename = contractFilename(r.name);
      method = 'init';
      this.q.charge(G.deployPerByte * utf8Length(source));
    } else {
      const code = this.view.codeOf(r.contract)!;
      source = code.source;
      filename = contractFilename(code.name);
      method = r.method;
    }
    if (argsText !== undefined) this.q.charge(G.ioPerByte * utf8Length(argsText));
    const value = r.kind === 'query' ? 0 : r.value;
    if (value > 0) this.journal.transfer(r.sender, r.contract, value); // affordability checked in validate()

    const frame = this.pushFrame(r.contract, filename, r.sender, value, r.kind === 'query', this.env.topRealm);
    const outcome = this.runFrame(frame, source, method, argsText);
    this.popFrame(frame);

    if (!outcome.ok) {
      if (r.kind === 'deploy' && outcome.noSuchMethod) return this.finishDeploy(null);
      if (outcome.noSuchMethod) return this.result('invalid', this.gasUsed(), null, `invalid: ${outcome.reason}`);
      const prefix = outcome.status === 'out_of_memory' ? 'out of memory' : outcome.status;
      return this.result(outcome.status, this.gasUsed(), null, `${prefix}: ${outcome.reason}`);
    }
    this.q.charge(G.ioPerByte * utf8Length(outcome.returnText));
    const returnValue = JSON.parse(outcome.returnText) as unknown;
    if (r.kind === 'deploy') return this.finishDeploy(returnValue);
    return this.result('ok', this.gasUsed(), returnValue);
  }

  private finishDeploy(returnValue: unknown): ExecutionResult {
    const r = this.request;
    if (r.kind !== 'deploy') throw new Error('not a deploy');
    const result = this.result('ok', this.gasUsed(), returnValue);
    const code: ContractCode = { address: r.contract, source: r.source, deployer: r.sender, deployedAtHeight: r.block.height };
    if (r.name !== undefined) code.name = r.name;
    result.delta.deployed.push(code);
    return result;
  }

  private result(status: ExecutionStatus, gasUsed: number, returnValue: unknown, error?: string): ExecutionResult {
    const logs = this.logs.slice();
    if (this.droppedLogs > 0) logs.push(msg.logsTruncated(this.droppedLogs));
    if (status !== 'ok') {
      const result: ExecutionResult = {
        status,
        gasUsed,
        returnValue: null,
        events: [],
        logs,
        delta: { storageWrites: [], transfers: [], deployed: [] },
      };
      if (error !== undefined) result.error = error.slice(0, this.env.limits.errorCharsMax + 200);
      return result;
    }
    return {
      status,
      gasUsed,
      returnValue: returnValue === undefined ? null : returnValue,
      events: this.journal.eventList(),
      logs,
      delta: this.journal.delta(),
    };
  }

  // ---------------------------------------------------------------- frames

  private pushFrame(contract: Address, filename: string, sender: Address, value: number, readOnly: boolean, realm: Realm): Frame {
    const depth = this.frames.length;
    const frame: Frame = {
      index: this.frameCounter++,
      contract,
      filename,
      sender,
      value,
      readOnly,
      depth,
      realm,
      hostOutOfMemory: false,
      logPrefix: depth === 0 ? '' : `[${filename} ${contract.slice(0, 8)}…] `,
    };
    this.frames.push(frame);
    this.frameByCtx.set(realm.ctx, frame);
    return frame;
  }

  private popFrame(frame: Frame): void {
    this.frames.pop();
    this.frameByCtx.delete(frame.realm.ctx);
  }

  /** Evaluates the module and invokes `method`; applies the frame's writes and events on success. */
  private runFrame(frame: Frame, source: string, method: string, argsText: string | undefined): FrameOutcome {
    const owned: number[] = [];
    const outcome = this.runFrameInner(frame, source, method, argsText, owned);
    // Only after a normal return: when an abort (out of gas, watchdog, host fault) unwinds
    // through here, QuickJS is mid-operation and must not run again before the restore.
    if (frame.depth > 0) for (const ptr of owned) if (ptr !== 0) this.q.qts.QTS_FreeValuePointer(frame.realm.ctx, ptr);
    return outcome;
  }

  private runFrameInner(frame: Frame, source: string, method: string, argsText: string | undefined, owned: number[]): FrameOutcome {
    const q = this.q;
    const f = q.qts;
    const { ctx } = frame.realm;
    // 1. Module top level: no ledger API, clock at the epoch (pure, cacheable).
    const evaluated = this.evaluateModule(frame, source, owned);
    if (typeof evaluated !== 'number') return evaluated;
    const ns = evaluated;

    // 2. The method, with the block clock.
    q.nowMs = this.block.timeMs;
    const frameText = JSON.stringify(this.frameConfig(frame));
    const argv = [ns, q.newString(ctx, frameText), q.newString(ctx, method)];
    if (argsText !== undefined) argv.push(q.newString(ctx, argsText));
    owned.push(...argv.slice(1));
    const argvPtr = q.pointerArray(argv);
    if (argv.includes(0) || argvPtr === 0) return this.oom();
    let result = f.QTS_Call(ctx, frame.realm.invoke, f.QTS_GetUndefined(), argv.length, argvPtr);
    f.free(argvPtr);
    owned.push(result);
    const callError = f.QTS_ResolveException(ctx, result);
    if (callError !== 0) return this.thrown(frame, callError, owned, false);
    if (f.QTS_PromiseState(ctx, result) >= 0) {
      const settled = this.settle(frame, result, owned);
      if (typeof settled !== 'number') return settled;
      result = settled;
    }
    const text = q.getString(ctx, result);
    if (text === undefined || frame.hostOutOfMemory) return this.oom();
    return this.applyFrameResult(frame, text);
  }

  /**
   * Runs the module's top-level code and returns its namespace (JSValue*). Top-level code
   * cannot reach the ledger API and sees Date.now() = 0, so its effect on memory is a pure
   * function of (source, filename): for the transaction's own frame the resulting memory
   * pages are cached per contract and replayed (with the same gas and log lines) instead of
   * compiling again. Results are identical with and without the cache.
   */
  private evaluateModule(frame: Frame, source: string, owned: number[]): number | FrameOutcome {
    const q = this.q;
    const f = q.qts;
    const { ctx } = frame.realm;
    q.nowMs = 0;
    const cache = frame.depth === 0 ? this.env.moduleCache : undefined;
    const hit = cache?.get(source, frame.filename);
    if (hit) {
      q.applyDiff(hit.diff);
      q.charge(hit.gas);
      for (const line of hit.logs) this.pushLog(line);
      return hit.namespace;
    }
    const gasBefore = q.gasRemaining();
    const logsBefore = this.logs.length + this.droppedLogs;
    const codePtr = q.cString(source);
    const filePtr = q.cString(frame.filename);
    if (codePtr === 0 || filePtr === 0) return this.oom();
    const ns = f.QTS_Eval(ctx, codePtr, utf8Length(source), filePtr, 0, EVAL_MODULE);
    f.free(codePtr);
    f.free(filePtr);
    owned.push(ns);
    const evalError = f.QTS_ResolveException(ctx, ns);
    if (evalError !== 0) return this.thrown(frame, evalError, owned, true);
    // Top-level await: settle it now (not cached; no host API is usable at top level anyway).
    if (f.QTS_PromiseState(ctx, ns) >= 0) return this.settle(frame, ns, owned);
    if (cache && !frame.hostOutOfMemory && this.droppedLogs === 0) {
      cache.set(source, {
        filename: frame.filename,
        diff: q.captureDiff(),
        gas: gasBefore - q.gasRemaining(),
        logs: this.logs.slice(logsBefore),
        namespace: ns,
      });
    }
    return ns;
  }

  private pushLog(line: string): void {
    if (this.logs.length < this.env.limits.logLinesMax) this.logs.push(line);
    else this.droppedLogs++;
  }

  /** Drains the job queue and returns the settled value of `promise` (an owned JSValue*). */
  private settle(frame: Frame, promise: number, owned: number[]): number | FrameOutcome {
    const f = this.q.qts;
    const { ctx } = frame.realm;
    const ctxOut = this.q.pointerArray([0]);
    if (ctxOut === 0) return this.oom();
    while (f.QTS_IsJobPending(this.env.runtime)) {
      const jobResult = f.QTS_ExecutePendingJob(this.env.runtime, 1, ctxOut);
      const jobCtx = this.q.readI32(ctxOut);
      const jobError = jobCtx === 0 ? 0 : f.QTS_ResolveException(jobCtx, jobResult);
      if (jobError !== 0) return this.thrown(frame, jobError, owned, false);
    }
    const state = f.QTS_PromiseState(ctx, promise);
    if (state === 0) {
      return { ok: false, status: 'reverted', reason: msg.promiseNeverSettled('module or method') };
    }
    const value = f.QTS_PromiseResult(ctx, promise);
    owned.push(value);
    if (state === 2) return this.thrown(frame, value, owned, false, true);
    return value;
  }

  private oom(): FrameOutcome {
    return { ok: false, status: 'out_of_memory', reason: msg.outOfMemory() };
  }

  /** Outcome for a guest exception (JSValue* `error`) that escaped module evaluation or invoke. */
  private thrown(frame: Frame, error: number, owned: number[], atTopLevel: boolean, isValue = false): FrameOutcome {
    const q = this.q;
    const f = q.qts;
    const { ctx } = frame.realm;
    if (!isValue) owned.push(error);
    const argv = q.pointerArray([error]);
    if (argv === 0) return this.oom();
    const described = f.QTS_Call(ctx, frame.realm.describe, f.QTS_GetUndefined(), 1, argv);
    f.free(argv);
    owned.push(described);
    if (f.QTS_ResolveException(ctx, described) !== 0) return this.oom();
    const text = q.getString(ctx, described);
    if (text === undefined) return this.oom();
    let parsed: GuestError;
    try {
      parsed = JSON.parse(text) as GuestError;
    } catch {
      return { ok: false, status: 'reverted', reason: msg.malformedFrame('error description') };
    }
    const outcome = this.failureFromGuest(frame, parsed);
    if (atTopLevel && parsed.name === 'SyntaxError' && this.request.kind === 'deploy' && frame.depth === 0) {
      return { ok: false, status: 'invalid', reason: msg.syntaxError(outcome.ok ? '' : outcome.reason) };
    }
    return outcome;
  }

  private failureFromGuest(frame: Frame, e: GuestError): FrameOutcome {
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (name === 'InternalError' && message === 'out of memory') return this.oom();
    if (name === 'NoSuchMethod') return { ok: false, status: 'invalid', reason: message, noSuchMethod: true };
    const location = firstLocation(typeof e.stack === 'string' ? e.stack : '', frame.filename);
    const plain = name === 'Error' || name === 'AssertionError' || name === 'RevertError' || name === 'LedgerError' || name === 'CallError';
    let text: string;
    if (!e.error) text = `uncaught ${name === '' ? 'value' : name} ${message}`;
    else text = plain ? message : `${name}: ${message}`;
    const reason = (text || name || 'error') + (location ? ` (${location})` : '');
    const status: FailureStatus = name === 'CallError' && (e.status === 'out_of_memory' || e.status === 'invalid') ? e.status : 'reverted';
    return { ok: false, status, reason: reason.slice(0, this.env.limits.errorCharsMax) };
  }

  /** Validates the guest's frame result and applies its writes and events to the journal. */
  private applyFrameResult(frame: Frame, text: string): FrameOutcome {
    let parsed: unknown;
    try {
      parsed = parseJsonBounded(text, this.env.limits.jsonDepthMax + 4);
    } catch (error) {
      return { ok: false, status: 'reverted', reason: msg.malformedFrame(error instanceof Error ? error.message : 'parse') };
    }
    if (!isRecord(parsed)) return { ok: false, status: 'reverted', reason: msg.malformedFrame('not an object') };
    if (parsed.ok !== 1) {
      if (!isRecord(parsed.err)) return { ok: false, status: 'reverted', reason: msg.malformedFrame('error') };
      return this.failureFromGuest(frame, parsed.err as unknown as GuestError);
    }
    let returnText: string;
    try {
      returnText = canonicalJson(parsed.r ?? null);
    } catch (error) {
      return { ok: false, status: 'reverted', reason: msg.jsonRejected('return value', error instanceof JsonRejected ? error.message : 'not JSON') };
    }
    if (utf8Length(returnText) > this.env.limits.returnBytesMax) {
      return { ok: false, status: 'reverted', reason: msg.argsTooLarge('return value', utf8Length(returnText), this.env.limits.returnBytesMax) };
    }
    const applied = this.applyWritesAndEvents(frame, parsed.w, parsed.e);
    if (applied !== undefined) return { ok: false, status: 'reverted', reason: applied };
    return { ok: true, returnText };
  }

  /**
   * Validates buffered writes and events, then applies all of them (or none): returns an
   * error message instead of throwing.
   */
  private applyWritesAndEvents(frame: Frame, writes: unknown, events: unknown): string | undefined {
    const L = this.env.limits;
    const G = this.env.gas;
    if (!Array.isArray(writes) || !Array.isArray(events)) return msg.malformedFrame('writes/events');
    if ((writes.length > 0 || events.length > 0) && frame.readOnly) return msg.readOnly('writing state');
    const checkedWrites: Array<{ key: string; value: string | null; gas: number }> = [];
    for (const w of writes) {
      if (!Array.isArray(w) || (w.length !== 1 && w.length !== 2) || typeof w[0] !== 'string') return msg.malformedFrame('write');
      const key = w[0];
      if (key.length === 0 || !isWellFormedUnicode(key)) return msg.keyInvalid();
      if (key.length > L.keyCharsMax) return msg.keyTooLong(L.keyCharsMax);
      let value: string | null = null;
      if (w.length === 2) {
        try {
          value = canonicalJson(w[1]);
        } catch (error) {
          return msg.jsonRejected(`storage value of ${JSON.stringify(key.slice(0, 40))}`, error instanceof JsonRejected ? error.message : 'not JSON');
        }
        const bytes = utf8Length(value);
        if (bytes > L.valueBytesMax) return msg.valueTooLarge(bytes, L.valueBytesMax);
      }
      checkedWrites.push({ key, value, gas: G.storageWrite + G.storageWritePerByte * (utf8Length(key) + (value === null ? 0 : utf8Length(value))) });
    }
    const checkedEvents: Array<{ name: string; data: string; gas: number }> = [];
    for (const e of events) {
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') return msg.malformedFrame('event');
      const name = e[0];
      if (name.length === 0 || name.length > L.eventNameCharsMax || !isWellFormedUnicode(name)) return msg.badEventName(L.eventNameCharsMax);
      let data: string;
      try {
        data = canonicalJson(e[1]);
      } catch (error) {
        return msg.jsonRejected(`data of event ${JSON.stringify(name)}`, error instanceof JsonRejected ? error.message : 'not JSON');
      }
      const bytes = utf8Length(data);
      if (bytes > L.eventBytesMax) return msg.eventTooLarge(bytes, L.eventBytesMax);
      checkedEvents.push({ name, data, gas: G.event + G.eventPerByte * (utf8Length(name) + bytes) });
    }
    if (this.journal.eventCount + checkedEvents.length > L.eventsPerTxMax) return msg.tooManyEvents(L.eventsPerTxMax);
    const savepoint = this.journal.savepoint();
    for (const w of checkedWrites) {
      this.journal.write(frame.contract, w.key, w.value);
      if (this.journal.distinctWrites > L.writesPerTxMax) {
        this.journal.rollback(savepoint);
        return msg.tooManyWrites(L.writesPerTxMax);
      }
    }
    for (const w of checkedWrites) this.q.charge(w.gas);
    for (const e of checkedEvents) {
      this.q.charge(e.gas);
      this.journal.emit({ contract: frame.contract, name: e.name, data: JSON.parse(e.data) as unknown });
    }
    return undefined;
  }

  /** 32 hex digits seeding the frame's random generator (computed only if the contract asks). */
  private frameSeed(frame: Frame): string {
    return sha256Hex(`${this.seedBase}|${frame.contract}|${frame.index}`).slice(0, 32);
  }

  private frameConfig(frame: Frame): Record<string, unknown> {
    return {
      self: frame.contract,
      sender: frame.sender,
      origin: this.origin,
      value: frame.value,
      height: this.block.height,
      timeMs: this.block.timeMs,
      chainId: this.block.chainId,
      txHash: this.request.kind === 'query' ? null : this.request.txHash,
      readOnly: frame.readOnly,
      depth: frame.depth,
    };
  }

  // ---------------------------------------------------------------- host operations

  callHost(ctx: number, _thisPtr: number, argc: number, argv: number): number {
    const q = this.q;
    const frame = this.frameByCtx.get(ctx);
    if (!frame) {
      // A promise job left behind by a callee that already returned: its frame is gone, so it
      // can no longer touch the ledger (console lines are dropped).
      return q.newString(ctx, `!ledger:${msg.frameFinished()}`);
    }
    if (argc < 1) return 0;
    const op = q.qts.QTS_GetFloat64(ctx, q.qts.QTS_ArgvGetJSValueConstPointer(argv, 0));
    const payload = argc > 1 ? q.getString(ctx, q.qts.QTS_ArgvGetJSValueConstPointer(argv, 1)) : '';
    if (payload === undefined) {
      frame.hostOutOfMemory = true;
      return 0;
    }
    const answer = this.hostOp(frame, op, payload);
    if (answer === undefined) return 0;
    const value = q.newString(ctx, answer);
    if (value === 0) frame.hostOutOfMemory = true;
    return value;
  }

  loadModule(_ctx: number, name: string): string | undefined {
    return moduleSource(name);
  }

  private hostOp(frame: Frame, op: number, payload: string): string | undefined {
    const G = this.env.gas;
    const L = this.env.limits;
    let input: unknown;
    try {
      input = parseJsonBounded(payload, L.jsonDepthMax + 4);
    } catch {
      return `!ledger:${msg.malformedFrame('host request')}`;
    }
    switch (op) {
      case HostOp.get: {
        if (typeof input !== 'string') return `!type:${msg.keyInvalid()}`;
        const value = this.journal.read(frame.contract, input);
        this.q.charge(G.storageRead + G.storageReadPerByte * (utf8Length(input) + (value === undefined ? 0 : utf8Length(value))));
        return value;
      }
      case HostOp.scan: {
        if (!isRecord(input) || typeof input.p !== 'string' || (input.a !== undefined && typeof input.a !== 'string')
          || !Number.isSafeInteger(input.l) || (input.l as number) < 1 || (input.l as number) > L.scanLimitMax) {
          return `!range:${msg.scanArgs()}`;
        }
        const rows = this.journal.scan(frame.contract, input.p, input.a as string | undefined, input.l as number);
        const text = JSON.stringify(rows);
        this.q.charge(G.storageScan + G.storageScanPerByte * utf8Length(text));
        return text;
      }
      case HostOp.flush: {
        if (!isRecord(input)) return `!ledger:${msg.malformedFrame('flush')}`;
        const error = this.applyWritesAndEvents(frame, input.w, input.e);
        return error === undefined ? '' : `!ledger:${error}`;
      }
      case HostOp.transfer: {
        if (frame.readOnly) return `!ledger:${msg.readOnly('transfer')}`;
        if (!Array.isArray(input) || typeof input[0] !== 'string' || !ADDRESS.test(input[0])
          || !Number.isSafeInteger(input[1]) || (input[1] as number) <= 0) return `!type:${msg.badAddress('transfer target')}`;
        this.q.charge(G.transfer);
        const amount = input[1] as number;
        if (!this.journal.transfer(frame.contract, input[0], amount)) {
          return `!ledger:${msg.insufficientBalance(frame.contract, this.journal.balanceOf(frame.contract), amount)}`;
        }
        return '';
      }
      case HostOp.balance: {
        if (typeof input !== 'string' || !ADDRESS.test(input)) return `!type:${msg.badAddress('balanceOf address')}`;
        this.q.charge(G.balance);
        return String(this.journal.balanceOf(input));
      }
      case HostOp.call:
        return this.crossContractCall(frame, input);
      case HostOp.identity: {
        if (typeof input !== 'string' || !ADDRESS.test(input)) return `!type:${msg.badAddress('identity address')}`;
        const identity = this.view.identityOf(input);
        const text = identity === undefined ? undefined : JSON.stringify(identity);
        this.q.charge(G.identity + G.identityPerByte * (text === undefined ? 0 : utf8Length(text)));
        return text;
      }
      case HostOp.credentials: {
        if (typeof input !== 'string' || !ADDRESS.test(input)) return `!type:${msg.badAddress('credential subject')}`;
        const text = JSON.stringify(this.view.credentialsOf(input));
        this.q.charge(G.identity + G.identityPerByte * utf8Length(text));
        return text;
      }
      case HostOp.seed:
        return this.frameSeed(frame);
      case HostOp.log: {
        if (typeof input !== 'string') return undefined;
        const line = (frame.logPrefix + input).slice(0, L.logLineCharsMax + frame.logPrefix.length);
        this.q.charge(G.log + G.logPerByte * utf8Length(line));
        this.pushLog(line);
        return undefined;
      }
      default:
        return `!ledger:${msg.malformedFrame(`unknown host operation ${op}`)}`;
    }
  }

  private crossContractCall(caller: Frame, input: unknown): string {
    const G = this.env.gas;
    const L = this.env.limits;
    if (!isRecord(input) || typeof input.to !== 'string' || !ADDRESS.test(input.to) || typeof input.m !== 'string'
      || !IDENTIFIER.test(input.m) || !Number.isSafeInteger(input.v) || (input.v as number) < 0) {
      return `!type:${msg.malformedFrame('call request')}`;
    }
    const to = input.to;
    const method = input.m;
    const value = input.v as number;
    const fail = (kind: string, status: FailureStatus, reason: string): string =>
      `!${kind}:${JSON.stringify({ message: msg.callFailed(to, method, reason), status, address: to, method })}`;
    if (this.frames.length >= L.callDepthMax) return fail('depth', 'reverted', msg.callDepth(L.callDepthMax));
    if (this.frames.some((f) => f.contract === to)) return fail('reentrancy', 'reverted', msg.reentrancy(to));
    const code = this.view.codeOf(to);
    if (code === undefined) return fail('invalid', 'invalid', msg.noContract(to));
    if (method === 'init') return fail('invalid', 'invalid', msg.initNotCallable());
    if (value > 0 && caller.readOnly) return `!ledger:${msg.readOnly('call with value')}`;
    let argsText: string | undefined;
    try {
      argsText = input.u === true ? undefined : canonicalJson(input.a ?? null);
    } catch (error) {
      return `!type:${msg.jsonRejected('call arguments', error instanceof JsonRejected ? error.message : 'not JSON')}`;
    }
    const argsBytes = argsText === undefined ? 0 : utf8Length(argsText);
    if (argsBytes > L.argsBytesMax) return `!range:${msg.argsTooLarge('call arguments', argsBytes, L.argsBytesMax)}`;
    this.q.charge(G.call + G.callPerByte * argsBytes);

    const savepoint = this.journal.savepoint();
    if (value > 0 && !this.journal.transfer(caller.contract, to, value)) {
      return fail('revert', 'reverted', msg.insufficientBalance(caller.contract, this.journal.balanceOf(caller.contract), value));
    }
    let realm: Realm;
    try {
      realm = this.q.unmetered(() => createRealm(this.q, this.env.runtime, this.env.guestLimitsJson));
    } catch (error) {
      if (!(error instanceof RealmSetupError)) throw error;
      this.journal.rollback(savepoint);
      return fail('out_of_memory', 'out_of_memory', msg.calleeSetupOom());
    }
    const frame = this.pushFrame(to, contractFilename(code.name), caller.contract, value, caller.readOnly, realm);
    const outcome = this.runFrame(frame, code.source, method, argsText);
    // Only reached when the frame ended normally (aborts unwind past us): safe to free.
    this.popFrame(frame);
    this.q.unmetered(() => freeRealm(this.q, realm));
    if (!outcome.ok) {
      this.journal.rollback(savepoint);
      const kind = outcome.status === 'reverted' ? 'revert' : outcome.status;
      return fail(kind, outcome.status, outcome.noSuchMethod ? msg.noSuchMethod(method) : outcome.reason);
    }
    this.q.charge(G.callPerByte * utf8Length(outcome.returnText));
    return outcome.returnText;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "token.js" for a contract named "token" (sanitised), "contract.js" when unnamed. */
export function contractFilename(name: string | undefined): string {
  const base = (name ?? 'contract').replace(/\.js$/, '').replace(FILENAME_SAFE, '_').slice(0, 64) || 'contract';
  return `${base}.js`;
}

/** "token.js:14:7" from the first stack line in `filename`. */
export function firstLocation(stack: string, filename: string): string | undefined {
  for (const line of stack.split('\n')) {
    const m = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m && m[1] === filename) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
