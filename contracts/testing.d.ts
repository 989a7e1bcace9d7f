/**
 * The contract test harness of `npx ledgerlab test`: globals a `*.test.js` file can use.
 * Add `/// <reference path="./testing.d.ts" />` at the top of a test file for autocomplete.
 *
 * Test files run in Node (outside the VM); the contracts they deploy run inside it. Each test
 * builds its own fresh network with `lab()`, so tests never share state:
 *
 * ```js
 * describe("civic credits", () => {
 *   it("the council mints credits to a resident", async () => {
 *     const net = await lab({ actors: ["council", "amira"] });
 *     const credits = await net.deploy("token.js", {}, { from: "council" });
 *     expect(net.call(credits, "mint", { to: net.address("amira"), amount: 50 }, { from: "council" })).toSucceed();
 *     expect(net.query(credits, "balanceOf", { owner: net.address("amira") })).toBe(50);
 *   });
 * });
 * ```
 *
 * Implemented by engine/api/lab.ts (the network) and engine/api/contract-tests.ts (the rest).
 */

/** Lower-case hex address: "0x" followed by 40 hex digits. */
type LabAddress = string;

/** An actor: a name, or a name with a kind and an opening balance (default 1 000 000). */
type LabActor = string | { name: string; kind?: 'person' | 'organisation' | 'device'; balance?: number };

interface LabOptions {
  /** People, organisations and devices, each with a registered identity. Default: alice, bob, carol. */
  actors?: LabActor[];
  /** Opening balance of actors that do not give one (default 1 000 000). */
  balance?: number;
  /** Ledger nodes (default 1). */
  nodes?: number;
  seed?: number;
  /** Block period (default 1000 ms): each transaction lands in the next block. */
  blockPeriodMs?: number;
}

interface LabTxOptions {
  /** Actor name or address of the signer (default: the first actor). */
  from?: string;
  /** Value sent with the call or deploy, from the signer's balance. */
  value?: number;
  gasLimit?: number;
  /** Paid to the block's proposer (default 0). */
  fee?: number;
}

interface LabEvent {
  /** The contract that emitted it. */
  contract: LabAddress;
  name: string;
  data: unknown;
}

/** What a transaction left on the ledger, and where and when it landed. */
interface LabReceipt {
  txHash: string;
  status: 'ok' | 'reverted' | 'out_of_gas' | 'out_of_memory' | 'invalid';
  gasUsed: number;
  fee: number;
  /** What the method returned (null if it failed). */
  returnValue: unknown;
  /** Why it failed, e.g. "reverted: balance too low (token.js:14:7)". */
  error?: string;
  /** Events of a successful transaction (a failed one keeps none). */
  events: LabEvent[];
  /** console output of the contract, kept even when it fails. */
  logs: string[];
  /** Address of the contract a deploy created. */
  contract?: LabAddress;
  height: number;
  blockTimeMs: number;
}

interface DeployedContract {
  readonly address: LabAddress;
  readonly name: string;
  readonly receipt: LabReceipt;
}

/** A contract: what `deploy` returned, or an address. */
type LabContract = DeployedContract | LabAddress;

interface Lab {
  /** Address of an actor. */
  address(actor: string): LabAddress;
  /** Native balance of an actor, a contract or an address. */
  balanceOf(who: LabContract | string): number;
  /** Time of the newest block (ms): what the last transaction saw as ctx.blockTime. */
  time(): number;
  /** Height of the newest block. */
  height(): number;
  /** Deploy a contract file (path relative to the test file). Rejects if the deploy fails. */
  deploy(file: string, initArgs?: unknown, options?: LabTxOptions): Promise<DeployedContract>;
  /** Deploy a contract from source text; `name` is how errors refer to it ("name.js:3:5"). */
  deploySource(source: string, initArgs?: unknown, options?: LabTxOptions & { name?: string }): DeployedContract;
  /** Call a method in a transaction; returns its receipt once in a block. Throws only if the ledger refuses the transaction. */
  call(contract: LabContract, method: string, args?: unknown, options?: LabTxOptions): LabReceipt;
  /** Run a method read-only, without a transaction, and return its value. Throws if it fails. */
  query(contract: LabContract, method: string, args?: unknown, options?: { from?: string; gasLimit?: number }): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JS tests get `any`
  /** Move native value between actors, or to a contract. */
  transfer(from: string, to: LabContract | string, amount: number, options?: { gasLimit?: number; fee?: number }): LabReceipt;
  /** `issuer` issues a credential about `subject` (e.g. "resident"); returns its id. */
  issueCredential(issuer: string, subject: string, type: string, claims?: Record<string, unknown>): string;
  /** The issuer revokes a credential. */
  revokeCredential(issuer: string, credentialId: string): LabReceipt;
  /** Let time pass (ms); the next block, made right away, is that much later. */
  advance(ms: number): void;
  /** Raw value a contract stores under `key`, or undefined. */
  storage(contract: LabContract, key: string): unknown;
}

interface Matchers {
  /** The opposite of the matcher that follows. */
  readonly not: Matchers;
  /** Same value (Object.is). */
  toBe(expected: unknown): void;
  /** Same structure, recursively. */
  toEqual(expected: unknown): void;
  /** Has at least these properties, recursively. */
  toMatchObject(expected: object): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  /** An array holding an equal element, or a string containing the text. */
  toContain(item: unknown): void;
  toHaveLength(length: number): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThan(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  /** The function throws, with a message containing the text or matching the pattern. */
  toThrow(expected?: string | RegExp): void;
  /** The receipt's status is "ok". */
  toSucceed(): void;
  /** The receipt's status is "reverted", with an error containing the text or matching the pattern. */
  toRevert(expected?: string | RegExp): void;
  /** The receipt has an event of this name (with at least this data). */
  toEmit(name: string, data?: unknown): void;
}

declare function expect(actual: unknown): Matchers & {
  /** `await expect(promise).rejects.toThrow("...")`. */
  rejects: { toThrow(expected?: string | RegExp): Promise<void> };
};

declare const describe: ((name: string, body: () => void) => void) & { skip(name: string, body: () => void): void };
declare const it: ((name: string, fn: () => unknown) => void) & { skip(name: string, fn?: () => unknown): void };
declare const test: typeof it;

/** A fresh network with the contract VM, for one test. */
declare function lab(options?: LabOptions): Promise<Lab>;
