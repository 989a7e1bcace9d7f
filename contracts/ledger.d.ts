/**
 * The Ledgerlab contract API: `import { storage, ctx, emit, ... } from "ledger"`.
 *
 * A contract is an ES module run by QuickJS inside the ledger's sandboxed, metered,
 * deterministic VM (engine/vm). Its exported functions are its methods; each receives one
 * argument, the transaction's JSON `args`:
 *
 * ```js
 * import { storage, ctx, emit, assert } from "ledger";
 *
 * export function init({ supply }) {            // runs once, at deploy, with initArgs
 *   storage.set("balance:" + ctx.sender, supply);
 * }
 *
 * export function transfer({ to, amount }) {
 *   const balance = storage.get("balance:" + ctx.sender) ?? 0;
 *   assert(balance >= amount, "balance too low");  // -> "reverted: balance too low (token.js:10:3)"
 *   storage.set("balance:" + ctx.sender, balance - amount);
 *   storage.set("balance:" + to, (storage.get("balance:" + to) ?? 0) + amount);
 *   emit("Transfer", { from: ctx.sender, to, amount });
 * }
 * ```
 *
 * Rules worth knowing before you write one:
 * - **State lives only in `storage`.** Module-level variables start afresh on every call.
 * - **Top-level code is pure.** It runs each time the module is loaded, before any call, and
 *   cannot use this API (doing so throws); `Date.now()` is 0 there. Put deploy-time work in
 *   `init(args)`, which cannot be called again after the deploy.
 * - **Values are JSON with integer numbers.** Stored values, event data, arguments and return
 *   values may contain null, booleans, strings, safe integers (±(2^53-1)), arrays and plain
 *   objects. Use strings for decimals and big numbers. Objects are stored with their keys
 *   sorted.
 * - **Everything is all-or-nothing.** A throw that escapes your method (an `assert`, a
 *   `revert`, any error) reverts the whole transaction: no storage write, value transfer or
 *   event of any contract in the call survives. Log lines are kept, to help debugging.
 * - **Gas.** Every step of the interpreter costs gas, including work inside built-ins
 *   (sorting, regular expressions, BigInt, JSON) and memory copies; storage writes and events
 *   cost extra per byte. Running out stops the transaction with status `out_of_gas`.
 * - **Determinism.** `Date.now()`/`new Date()` give the block time, the time zone is UTC,
 *   `Math.random()` is seeded from the block and transaction, `eval`/`Function` are
 *   disabled, `WeakRef`/`FinalizationRegistry` do not exist. Methods should be synchronous;
 *   an `async` method is allowed only as the transaction's entry point.
 */
declare module 'ledger' {
  /** A JSON value the ledger can store and hash: numbers must be safe integers. */
  export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

  /** Lower-case hex address: "0x" followed by 40 hex digits. */
  export type Address = string;

  /** This contract's key-value storage. Keys are strings of 1..256 characters; values are JSON. */
  export interface Storage {
    /**
     * The value stored under `key`, or `undefined`. Returns a fresh copy on each call.
     * In TypeScript, say what you expect: `storage.get<number>("supply")`.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JS contracts get `any`
    get<T extends JsonValue = any>(key: string): T | undefined;
    /** True if `key` holds a value. */
    has(key: string): boolean;
    /**
     * Stores `value` (copied now; later changes to the object are not saved). Written when the
     * call succeeds, discarded if the transaction reverts. Not allowed in queries.
     * @throws TypeError if the value is not JSON; RangeError for floats, big numbers or > 64 KiB.
     */
    set(key: string, value: JsonValue): void;
    /** Removes `key`. Not allowed in queries. */
    delete(key: string): void;
    /**
     * Entries whose key starts with `prefix`, in ascending key order (UTF-16 code units),
     * including this transaction's own writes. Pages: pass the last key you got as `after`.
     * @param options.after return keys strictly greater than this one
     * @param options.limit at most this many rows (default 100, max 1000)
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JS contracts get `any`
    entries<T extends JsonValue = any>(prefix?: string, options?: { after?: string; limit?: number }): Array<[key: string, value: T]>;
    /** Like {@link entries} but keys only. */
    keys(prefix?: string, options?: { after?: string; limit?: number }): string[];
  }

  export const storage: Storage;

  /** Facts about the current call. Reading them in module top-level code throws. */
  export interface CallContext {
    /** This contract's address. */
    readonly self: Address;
    /** Who called this method: the transaction's signer, or the calling contract. */
    readonly sender: Address;
    /** The transaction's signer, whoever called this method. */
    readonly origin: Address;
    /** Value transferred to this contract with this call (already in its balance). */
    readonly value: number;
    /** Height of the block the transaction is in. */
    readonly blockHeight: number;
    /** Time of that block, in ms since the Unix epoch (also what `Date.now()` returns). */
    readonly blockTime: number;
    readonly chainId: string;
    /** Hash of the transaction; `null` in a read-only query. */
    readonly txHash: string | null;
    /** True in a read-only query (no writes, events or transfers allowed). */
    readonly isQuery: boolean;
    /** 0 for the transaction's own call, 1 for a contract it calls, and so on. */
    readonly depth: number;
    /**
     * Deterministic pseudo-random number in [0, 1), seeded from the chain, block, transaction
     * and call. Every node gets the same sequence, and so can anyone who knows the block: do
     * not use it where a participant could profit from predicting it. `Math.random()` is the
     * same generator.
     */
    random(): number;
    /** Deterministic integer in [0, maxExclusive). */
    randomInt(maxExclusive: number): number;
  }

  export const ctx: CallContext;

  /**
   * Records an event in the transaction receipt (dropped if the transaction reverts).
   * @param name 1..64 characters, e.g. "Transfer"
   * @param data JSON value (max 16 KiB)
   */
  export function emit(name: string, data?: JsonValue): void;

  /**
   * Calls a method of another contract and returns its result. The callee sees
   * `ctx.sender === ctx.self` of the caller. With `value`, that much is moved from this
   * contract's balance to the callee first.
   *
   * Rules: at most 8 nested calls; **re-entrancy is rejected** — calling a contract that is
   * already executing in this transaction (including yourself) throws a CallError, so a
   * callee can never observe or change your state half-way through a method. If the callee
   * fails, everything it did (writes, transfers, events, nested calls) is undone and a
   * CallError is thrown here; catch it to carry on. Out of gas anywhere ends the whole
   * transaction. Not usable in module top-level code.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JS contracts get `any`
  export function call<T extends JsonValue = any>(address: Address, method: string, args?: JsonValue, value?: number): T;

  /** Moves `amount` (positive integer) from this contract's balance to `to`. Throws if the balance is too low. */
  export function transfer(to: Address, amount: number): void;

  /** Current balance of any address, including transfers made earlier in this transaction. */
  export function balanceOf(address: Address): number;

  /** Throws an AssertionError (reverting the transaction) with `message` if `condition` is falsy. */
  export function assert(condition: unknown, message?: string): asserts condition;

  /** Reverts the transaction with `message`. */
  export function revert(message?: string): never;

  /** A registered identity (person, organisation or device). */
  export interface Identity {
    address: Address;
    name: string;
    kind: 'person' | 'organisation' | 'device';
    /** ed25519 public key, hex. */
    publicKey: string;
  }

  /** A credential issued by one identity about another. */
  export interface Credential {
    id: string;
    issuer: Address;
    subject: Address;
    /** e.g. "resident", "licensed-taxi" */
    type: string;
    claims: { [key: string]: JsonValue };
    issuedAtHeight: number;
    revoked: boolean;
  }

  export interface Identities {
    /** The identity registered at `address`, or null. */
    get(address: Address): Identity | null;
    /**
     * Credentials held by `subject`, optionally filtered. Revoked credentials are left out
     * unless `includeRevoked` is true.
     */
    credentials(subject: Address, filter?: { type?: string; issuer?: Address; includeRevoked?: boolean }): Credential[];
    /** True if `subject` holds a non-revoked credential of `type` (from `issuer`, if given). */
    hasCredential(subject: Address, type: string, issuer?: Address): boolean;
  }

  export const identity: Identities;

  /** Base class of errors thrown by this API (misuse, limits). */
  export class LedgerError extends Error {}
  /** Thrown by {@link assert}. */
  export class AssertionError extends LedgerError {}
  /** Thrown by {@link revert}. */
  export class RevertError extends LedgerError {}
  /** Thrown by {@link call} when the callee fails or the call is not allowed. */
  export class CallError extends LedgerError {
    /** How the callee ended: "reverted", "out_of_memory" or "invalid" (no such contract/method). */
    readonly status: 'reverted' | 'out_of_memory' | 'invalid';
    readonly address: Address;
    readonly method: string;
  }

  const api: {
    storage: Storage;
    ctx: CallContext;
    emit: typeof emit;
    call: typeof call;
    transfer: typeof transfer;
    balanceOf: typeof balanceOf;
    assert: typeof assert;
    revert: typeof revert;
    identity: Identities;
  };
  export default api;
}

/**
 * Console output goes to the transaction's `logs` (kept even when it reverts; at most 200
 * lines of 1000 characters per transaction, and each line costs gas). Objects are printed as
 * JSON. `warn` and `error` lines are prefixed with "warn: " / "error: ".
 */
declare const console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
