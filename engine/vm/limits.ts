/**
 * Limits and the gas schedule. Every number here is part of consensus: two nodes with
 * different values compute different results. Units last in names.
 */

/** Hard limits enforced per transaction (host-side, authoritative) or per call frame. */
export interface VmLimits {
  /** Largest gasLimit a request may carry (at most 2^30). */
  gasLimitMax: number;
  /** Contract source size at deploy, in UTF-8 bytes. */
  sourceBytesMax: number;
  /** Storage key length in UTF-16 code units (also checked in the guest). */
  keyCharsMax: number;
  /** Stored value size, in UTF-8 bytes of canonical JSON. */
  valueBytesMax: number;
  /** Nesting depth of stored values, event data, arguments and return values. */
  jsonDepthMax: number;
  /** Distinct keys written per transaction (all frames). */
  writesPerTxMax: number;
  /** Distinct keys written per call frame (fails fast in the guest). */
  writesPerFrameMax: number;
  /** Events per transaction. */
  eventsPerTxMax: number;
  /** Event data size in UTF-8 bytes of canonical JSON. */
  eventBytesMax: number;
  /** Event name length in UTF-16 code units. */
  eventNameCharsMax: number;
  /** Arguments of a call (request or cross-contract), UTF-8 bytes of JSON. */
  argsBytesMax: number;
  /** Return value, UTF-8 bytes of JSON. */
  returnBytesMax: number;
  /** Call frames on the stack, the transaction's own frame included. */
  callDepthMax: number;
  /** Rows per storage scan. */
  scanLimitMax: number;
  /** Rows per storage scan when the contract does not say. */
  scanLimitDefault: number;
  /** Log lines kept per transaction (later lines are counted, not kept). */
  logLinesMax: number;
  /** Characters per log line. */
  logLineCharsMax: number;
  /** Characters of an error message. */
  errorCharsMax: number;
}

export const DEFAULT_LIMITS: VmLimits = Object.freeze({
  gasLimitMax: 1_000_000_000,
  sourceBytesMax: 256 * 1024,
  keyCharsMax: 256,
  valueBytesMax: 64 * 1024,
  jsonDepthMax: 64,
  writesPerTxMax: 1024,
  writesPerFrameMax: 1024,
  eventsPerTxMax: 256,
  eventBytesMax: 16 * 1024,
  eventNameCharsMax: 64,
  argsBytesMax: 64 * 1024,
  returnBytesMax: 64 * 1024,
  callDepthMax: 8,
  scanLimitMax: 1000,
  scanLimitDefault: 100,
  logLinesMax: 200,
  logLineCharsMax: 1000,
  errorCharsMax: 1000,
});

/**
 * Gas. The bulk of it is metered inside the interpreter: one unit per wasm function entry
 * and per loop iteration of QuickJS itself (and 1 + bytes/16 per bulk memory copy/fill),
 * which is roughly 1.5–4 ns of work per unit on a 2020s x86 core. Host operations add the
 * costs below, which also price what the ledger must store (bytes written, events).
 */
export interface GasSchedule {
  /** Reading one storage key (cache miss), plus perByte for key and value. */
  storageRead: number;
  storageReadPerByte: number;
  /** Writing one key (set or delete) at the end of a successful frame, plus perByte of key+value. */
  storageWrite: number;
  storageWritePerByte: number;
  /** One scan, plus perByte of the keys and values returned. */
  storageScan: number;
  storageScanPerByte: number;
  /** One event, plus perByte of name and data. */
  event: number;
  eventPerByte: number;
  /** One log line, plus perByte. */
  log: number;
  logPerByte: number;
  transfer: number;
  balance: number;
  /** Identity or credential lookup, plus perByte returned. */
  identity: number;
  identityPerByte: number;
  /** A cross-contract call (context creation), plus perByte of arguments and result. */
  call: number;
  callPerByte: number;
  /** Deploy: per byte of source stored. */
  deployPerByte: number;
  /** Per byte of the method's arguments and return value (top frame). */
  ioPerByte: number;
}

export const DEFAULT_GAS_SCHEDULE: GasSchedule = Object.freeze({
  storageRead: 2_000,
  storageReadPerByte: 2,
  storageWrite: 20_000,
  storageWritePerByte: 50,
  storageScan: 5_000,
  storageScanPerByte: 2,
  event: 2_000,
  eventPerByte: 10,
  log: 500,
  logPerByte: 2,
  transfer: 10_000,
  balance: 1_000,
  identity: 2_000,
  identityPerByte: 2,
  call: 100_000,
  callPerByte: 2,
  deployPerByte: 100,
  ioPerByte: 2,
});

/** VM-wide configuration, fixed at ContractVM.create. */
export interface VmConfig {
  /** Total wasm linear memory per VM instance (fixed; never grows). */
  memoryBytes: number;
  /**
   * QuickJS stack limit (shadow stack bytes): deep recursion fails inside the guest with a
   * catchable "stack overflow" error long before the host's stack is at risk. 64 KiB allows
   * about 330 nested JS calls or 4 000 levels of JSON.
   */
  stackBytes: number;
  /** Contracts whose evaluated module is cached (0 disables; results are identical either way). */
  moduleCacheEntries: number;
}

export const DEFAULT_VM_CONFIG: VmConfig = Object.freeze({
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 64 * 1024,
  moduleCacheEntries: 32,
});
