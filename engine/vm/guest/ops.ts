/** Operation codes of the single guest -> host function (payloads are JSON text). */
export const HostOp = {
  /** payload: key -> stored JSON text, or undefined when absent */
  get: 1,
  /** payload: {p: prefix, a?: after, l: limit} -> JSON [[key, value], ...] in key order */
  scan: 2,
  /** payload: {w: [[key, value?], ...], e: [[name, data], ...]} -> "" (buffered writes/events) */
  flush: 3,
  /** payload: [to, amount] -> "" */
  transfer: 4,
  /** payload: address -> decimal balance */
  balance: 5,
  /** payload: {to, m: method, v: value, u: argsUndefined, a: args} -> JSON return value */
  call: 6,
  /** payload: address -> Identity JSON, or undefined */
  identity: 7,
  /** payload: subject address -> JSON Credential[] */
  credentials: 8,
  /** payload: JSON string (one log line) -> undefined */
  log: 9,
  /** payload: null -> 32 hex digits seeding this frame's random generator (asked on first use) */
  seed: 10,
} as const;

export type HostOpCode = (typeof HostOp)[keyof typeof HostOp];
