/**
 * Canonical encoding: the one byte form of every value that is hashed or signed.
 *
 * Rules: JSON text with object keys sorted by UTF-16 code units (as in RFC 8785), no whitespace,
 * numbers only as safe integers (no floats, no NaN, no -0), strings escaped by JSON.stringify,
 * `undefined` object members omitted, no other types. Two equal values always give equal bytes,
 * on every machine, so hashes and signatures are reproducible.
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvariantError } from './assert.ts';

export type Canonical = null | boolean | number | string | readonly Canonical[] | { readonly [key: string]: Canonical | undefined };

export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, '$');
  return parts.join('');
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalJson(value));
}

function write(value: unknown, out: string[], path: string): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new InvariantError(`canonical encoding allows only safe integers, got ${value} at ${path}`);
      }
      out.push(String(value));
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i], out, `${path}[${i}]`);
        }
        out.push(']');
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new InvariantError(`canonical encoding allows only plain objects, got ${proto?.constructor?.name ?? 'unknown'} at ${path}`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      out.push('{');
      keys.forEach((key, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(record[key], out, `${path}.${key}`);
      });
      out.push('}');
      return;
    }
    default:
      throw new InvariantError(`canonical encoding cannot encode a ${typeof value} at ${path}`);
  }
}

export { bytesToHex, hexToBytes, utf8ToBytes };

export function isHex(value: unknown, bytes?: number): value is string {
  if (typeof value !== 'string' || value.length % 2 !== 0) return false;
  if (bytes !== undefined && value.length !== bytes * 2) return false;
  return /^[0-9a-f]*$/.test(value);
}
