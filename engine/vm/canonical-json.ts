/**
 * Canonical JSON for everything a contract hands to the ledger (stored values, event data,
 * return values): the same rules as engine/core/encoding.ts — object keys sorted by UTF-16
 * code units, no whitespace, strings as JSON.stringify writes them, and numbers only as safe
 * integers (no fractions, no exponents beyond 2^53). Equal values have equal text, so the
 * state root does not depend on property insertion order inside a contract, and receipts
 * (which the ledger hashes canonically) can always be encoded.
 *
 * Input is untrusted text produced by a contract: depth is bounded before parsing and the
 * parse result is only read, never merged into host objects.
 */

export class JsonRejected extends Error {
  override name = 'JsonRejected';
}

/** True if `text` nests arrays/objects deeper than `max` (strings are skipped). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** Parses untrusted JSON text with a depth bound. */
export function parseJsonBounded(text: string, maxDepth: number): unknown {
  if (jsonDepthExceeds(text, maxDepth)) throw new JsonRejected(`JSON nests deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JsonRejected('malformed JSON');
  }
}

/** Canonical text of a parsed JSON value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new JsonRejected(`${JSON.stringify(value)} is not a safe integer; numbers must be integers within ±(2^53-1) (use a string for decimals or larger values)`);
    return String(value === 0 ? 0 : value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort(compareUtf16);
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      out += (i === 0 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(record[key]);
    }
    return out + '}';
  }
  throw new JsonRejected(`not a JSON value (${typeof value})`);
}

/** Canonical form of untrusted JSON text. */
export function canonicalizeJsonText(text: string, maxDepth: number): string {
  return canonicalJson(parseJsonBounded(text, maxDepth));
}

export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
