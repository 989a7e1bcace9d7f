/** sha256 (via @noble/hashes) over bytes, strings and canonical values, and Merkle roots of lists. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalBytes } from './encoding.ts';

/** Hex-encoded 32-byte digest. */
export type Hash = string;

export const ZERO_HASH: Hash = '0'.repeat(64);

export function sha256Bytes(data: Uint8Array): Uint8Array {
  return sha256(data);
}

export function sha256Hex(data: Uint8Array | string): Hash {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/** Hash of a value's canonical encoding, with a domain tag so different kinds never collide. */
export function hashCanonical(domain: string, value: unknown): Hash {
  const tag = utf8ToBytes(`ledgerlab/${domain}\n`);
  const body = canonicalBytes(value);
  const buf = new Uint8Array(tag.length + body.length);
  buf.set(tag, 0);
  buf.set(body, tag.length);
  return bytesToHex(sha256(buf));
}

const LEAF = 0x00;
const NODE = 0x01;

/**
 * Binary Merkle root of a list of hashes (RFC 6962 shape: leaves and inner nodes domain-separated,
 * an odd node is promoted, not duplicated, so no two lists share a root). Empty list → ZERO_HASH.
 */
export function merkleRoot(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return ZERO_HASH;
  let level: Uint8Array[] = leaves.map((h) => prefixed(LEAF, hexToBytes(h)));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      next.push(right ? pair(left, right) : left);
    }
    level = next;
  }
  return bytesToHex(level[0]!);
}

function prefixed(tag: number, bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.length + 1);
  buf[0] = tag;
  buf.set(bytes, 1);
  return sha256(buf);
}

function pair(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65);
  buf[0] = NODE;
  buf.set(left, 1);
  buf.set(right, 33);
  return sha256(buf);
}
