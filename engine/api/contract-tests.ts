/**
 * The small test harness behind `ledgerlab test`: describe / it / expect, and a runner.
 *
 * Contract tests are plain JavaScript run by the host (Node, or the studio's worker); the
 * contracts they deploy run in the VM. Each `it` builds its own network with `lab(...)`
 * (engine/api/lab.ts), so tests never share state. This module is pure: loading files and
 * printing live in engine/node/contract-cli.ts. The matchers are the few that contract tests
 * need (Jest's names and meanings), plus three about receipts: toSucceed, toRevert, toEmit.
 */
import { wallClockMs } from './clock.ts';

export type TestFn = () => unknown;

export interface TestCase {
  /** Names of the enclosing `describe` blocks, outermost first. */
  readonly suite: readonly string[];
  readonly name: string;
  readonly fn: TestFn;
  readonly skip: boolean;
}

export interface TestFailure {
  message: string;
  stack?: string;
}

export interface TestResult {
  readonly suite: readonly string[];
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number;
  readonly error?: TestFailure;
}

type Describe = ((name: string, body: () => void) => void) & { skip: (name: string, body: () => void) => void };
type It = ((name: string, fn: TestFn) => void) & { skip: (name: string, fn?: TestFn) => void };

/** What a test file sees as globals. */
export interface TestApi {
  describe: Describe;
  it: It;
  /** Same as `it`. */
  test: It;
  expect: typeof expect;
}

/** Collects the tests a file declares (its top-level code calls describe/it). */
export function createTestCollector(): { api: TestApi; tests: TestCase[] } {
  const tests: TestCase[] = [];
  const suite: string[] = [];
  let skipping = 0;
  const describeBlock = (name: string, body: () => void, skip: boolean) => {
    if (typeof body !== 'function') throw new TypeError(`describe("${name}") needs a function as its second argument`);
    suite.push(String(name));
    if (skip) skipping++;
    try {
      const returned = body() as unknown;
      if (isThenable(returned)) throw new TypeError(`describe("${name}") must not be async: declare tests inside it, and put awaits inside each it()`);
    } finally {
      suite.pop();
      if (skip) skipping--;
    }
  };
  const addTest = (name: string, fn: TestFn | undefined, skip: boolean) => {
    if (!skip && typeof fn !== 'function') throw new TypeError(`it("${name}") needs a function as its second argument`);
    tests.push({ suite: [...suite], name: String(name), fn: fn ?? (() => undefined), skip: skip || skipping > 0 });
  };
  const describe = Object.assign((name: string, body: () => void) => describeBlock(name, body, false), {
    skip: (name: string, body: () => void) => describeBlock(name, body, true),
  });
  const it = Object.assign((name: string, fn: TestFn) => addTest(name, fn, false), {
    skip: (name: string, fn?: TestFn) => addTest(name, fn, true),
  });
  return { api: { describe, it, test: it, expect }, tests };
}

/** Run tests one after another (each awaited), reporting each result as it comes. */
export async function runTests(tests: readonly TestCase[], onResult: (result: TestResult) => void = () => undefined): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of tests) {
    const started = wallClockMs();
    let result: TestResult;
    if (test.skip) {
      result = { suite: test.suite, name: test.name, status: 'skipped', durationMs: 0 };
    } else {
      try {
        await test.fn();
        result = { suite: test.suite, name: test.name, status: 'passed', durationMs: wallClockMs() - started };
      } catch (error) {
        result = { suite: test.suite, name: test.name, status: 'failed', durationMs: wallClockMs() - started, error: failureOf(error) };
      }
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

export function failureOf(error: unknown): TestFailure {
  if (error instanceof Error) return { message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}) };
  return { message: `a non-error was thrown: ${format(error)}` };
}

// ------------------------------------------------------------------------------- expect

/** A failed expectation (what `expect(...)` throws). */
export class ExpectationError extends Error {
  override name = 'ExpectationError';
}

export interface Matchers {
  /** The opposite of the matcher that follows: `expect(x).not.toBe(3)`. */
  readonly not: Matchers;
  /** Same value (`Object.is`): numbers, strings, booleans, the same object. */
  toBe(expected: unknown): void;
  /** Same structure, recursively (properties that are undefined are ignored). */
  toEqual(expected: unknown): void;
  /** Has at least these properties, recursively (arrays must match element by element). */
  toMatchObject(expected: object): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  /** An array holding an element equal to `item`, or a string containing it. */
  toContain(item: unknown): void;
  toHaveLength(length: number): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThan(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  /** `expect(() => ...)` throws, with a message containing the text or matching the pattern. */
  toThrow(expected?: string | RegExp): void;
  /** A receipt whose status is "ok" (on failure, shows the error and the contract's logs). */
  toSucceed(): void;
  /** A receipt whose status is "reverted", with an error containing the text or matching the pattern. */
  toRevert(expected?: string | RegExp): void;
  /** A receipt with an event of this name (and at least this data, as in toMatchObject). */
  toEmit(name: string, data?: unknown): void;
}

export interface PromiseMatchers {
  /** `await expect(promise).rejects.toThrow("...")`: the promise rejects with such an error. */
  toThrow(expected?: string | RegExp): Promise<void>;
}

export function expect(actual: unknown): Matchers & { rejects: PromiseMatchers } {
  return Object.assign(matchers(actual, false), { rejects: promiseMatchers(actual) });
}

function matchers(actual: unknown, negated: boolean): Matchers {
  /** Pass or throw; `says` completes "expected <actual> to ..." (with "not" inserted when negated). */
  const check = (pass: boolean, says: string, detail = '') => {
    if (pass !== negated) return;
    throw new ExpectationError(`expected ${format(actual)} ${negated ? 'not ' : ''}${says}${detail}`);
  };
  const number = (name: string, n: number): number => {
    if (typeof actual !== 'number' || typeof n !== 'number') throw new ExpectationError(`${name}() compares numbers, got ${format(actual)} and ${format(n)}`);
    return actual;
  };
  return {
    get not() {
      return matchers(actual, !negated);
    },
    toBe: (expected) => check(Object.is(actual, expected), `to be ${format(expected)}`, equals(actual, expected) && !Object.is(actual, expected) ? ' (equal, but not the same object: use toEqual)' : ''),
    toEqual: (expected) => check(equals(actual, expected), `to equal ${format(expected)}`),
    toMatchObject: (expected) => check(matchesObject(actual, expected), `to match ${format(expected)}`),
    toBeTruthy: () => check(Boolean(actual), 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toContain: (item) => {
      if (typeof actual === 'string') return check(typeof item === 'string' && actual.includes(item), `to contain ${format(item)}`);
      if (!Array.isArray(actual)) throw new ExpectationError(`toContain() needs an array or a string, got ${format(actual)}`);
      check(actual.some((x) => equals(x, item)), `to contain ${format(item)}`);
    },
    toHaveLength: (length) => {
      const size = (actual as { length?: unknown } | null | undefined)?.length;
      if (typeof size !== 'number') throw new ExpectationError(`toHaveLength() needs an array or a string, got ${format(actual)}`);
      check(size === length, `to have length ${length}`, ` (it has ${size})`);
    },
    toBeGreaterThan: (n) => check(number('toBeGreaterThan', n) > n, `to be greater than ${n}`),
    toBeGreaterThanOrEqual: (n) => check(number('toBeGreaterThanOrEqual', n) >= n, `to be at least ${n}`),
    toBeLessThan: (n) => check(number('toBeLessThan', n) < n, `to be less than ${n}`),
    toBeLessThanOrEqual: (n) => check(number('toBeLessThanOrEqual', n) <= n, `to be at most ${n}`),
    toThrow: (expected) => {
      if (typeof actual !== 'function') throw new ExpectationError(`toThrow() needs a function, e.g. expect(() => net.call(...)).toThrow(), got ${format(actual)}`);
      let thrown: { error: unknown } | undefined;
      try {
        const returned = (actual as () => unknown)();
        if (isThenable(returned)) throw new ExpectationError('toThrow() got a function returning a Promise: use await expect(promise).rejects.toThrow()');
      } catch (error) {
        if (error instanceof ExpectationError) throw error;
        thrown = { error };
      }
      throwCheck(thrown, expected, negated);
    },
    toSucceed: () => {
      const receipt = receiptOf(actual, 'toSucceed');
      if ((receipt.status === 'ok') === negated) {
        throw new ExpectationError(negated ? 'expected the transaction not to succeed, but it did' : `expected the transaction to succeed, but it ended "${receipt.status}": ${receipt.error ?? '(no error message)'}${logsOf(receipt)}`);
      }
    },
    toRevert: (expected) => {
      const receipt = receiptOf(actual, 'toRevert');
      const reverted = receipt.status === 'reverted';
      const fits = reverted && (expected === undefined || fitsMessage(receipt.error ?? '', expected));
      if (fits !== negated) return;
      const wanted = expected === undefined ? '' : ` with ${describeExpected(expected)}`;
      if (negated) throw new ExpectationError(`expected the transaction not to revert${wanted}, but it did: ${receipt.error}`);
      throw new ExpectationError(
        reverted
          ? `expected the transaction to revert${wanted}, but it reverted with: ${receipt.error}`
          : `expected the transaction to revert${wanted}, but it ended "${receipt.status}"${receipt.error ? `: ${receipt.error}` : ''}${logsOf(receipt)}`,
      );
    },
    toEmit: (name, data) => {
      const receipt = receiptOf(actual, 'toEmit');
      const found = receipt.events.some((e) => e.name === name && (data === undefined || matchesObject(e.data, data)));
      if (found !== negated) return;
      const wanted = `an event "${name}"${data === undefined ? '' : ` matching ${format(data)}`}`;
      const seen = receipt.events.length === 0 ? 'no events' : receipt.events.map((e) => `${e.name} ${format(e.data)}`).join('; ');
      const failedNote = receipt.status === 'ok' ? '' : ` (the transaction ended "${receipt.status}": ${receipt.error}; a failed transaction keeps no events)`;
      throw new ExpectationError(negated ? `expected no ${wanted}, but it was emitted` : `expected ${wanted}, got ${seen}${failedNote}`);
    },
  };
}

function promiseMatchers(actual: unknown): PromiseMatchers {
  return {
    toThrow: async (expected) => {
      if (!isThenable(actual)) throw new ExpectationError(`.rejects needs a Promise, e.g. expect(net.deploy(...)).rejects, got ${format(actual)}`);
      let thrown: { error: unknown } | undefined;
      try {
        await actual;
      } catch (error) {
        thrown = { error };
      }
      throwCheck(thrown, expected, false);
    },
  };
}

function throwCheck(thrown: { error: unknown } | undefined, expected: string | RegExp | undefined, negated: boolean): void {
  const message = thrown === undefined ? '' : thrown.error instanceof Error ? thrown.error.message : String(thrown.error);
  const fits = thrown !== undefined && (expected === undefined || fitsMessage(message, expected));
  if (fits !== negated) return;
  const wanted = expected === undefined ? 'an error' : `an error with ${describeExpected(expected)}`;
  if (negated) throw new ExpectationError(`expected no ${wanted}, but got: ${message}`);
  throw new ExpectationError(thrown === undefined ? `expected ${wanted}, but nothing was thrown` : `expected ${wanted}, but got: ${message}`);
}

interface ReceiptLike {
  status: string;
  error?: string;
  events: Array<{ name: string; data: unknown }>;
  logs?: string[];
}

function receiptOf(actual: unknown, matcher: string): ReceiptLike {
  const r = actual as Partial<ReceiptLike> | null;
  if (!r || typeof r !== 'object' || typeof r.status !== 'string' || !Array.isArray(r.events)) {
    throw new ExpectationError(`${matcher}() needs a receipt (what net.call() returns), got ${format(actual)}`);
  }
  return r as ReceiptLike;
}

function logsOf(receipt: ReceiptLike): string {
  return receipt.logs && receipt.logs.length > 0 ? `\n  contract logs:\n${receipt.logs.map((l) => `    ${l}`).join('\n')}` : '';
}

function fitsMessage(message: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? message.includes(expected) : expected.test(message);
}

function describeExpected(expected: string | RegExp): string {
  return typeof expected === 'string' ? `a message containing ${JSON.stringify(expected)}` : `a message matching ${String(expected)}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality, as Jest's toEqual (undefined properties ignored). */
export function equals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equals(x, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
  return keysA.length === keysB.length && keysB.every((k) => Object.hasOwn(a, k) && equals(a[k], b[k]));
}

/** `actual` has at least the properties of `expected`, recursively. */
export function matchesObject(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => matchesObject(actual[i], x));
  if (isPlainObject(expected)) return isPlainObject(actual) && Object.keys(expected).every((k) => matchesObject(actual[k], expected[k]));
  return equals(actual, expected);
}

const FORMAT_CHARS_MAX = 400;

/** A value as a test failure shows it: JSON-like, on one line, shortened. */
export function format(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  let text: string;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > FORMAT_CHARS_MAX ? `${text.slice(0, FORMAT_CHARS_MAX)}…` : text;
}
