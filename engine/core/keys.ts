/**
 * Keys, signatures and addresses.
 *
 * ed25519 through a {@link CryptoProvider}: @noble/curves is the portable reference; where the
 * platform has a fast native ed25519 (node:crypto), engine/node installs it. Both give identical
 * signatures (ed25519 signing is deterministic), which the tests check.
 *
 * Signature checks go through {@link verifyOnce}: the result is memoised by (message, signature,
 * key), so a transaction verified by one in-process node is not verified again by the others.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** "0x" + 40 lower-case hex digits: the first 20 bytes of sha256(public key). */
export type Address = string;

export interface KeyPair {
  /** 32-byte secret seed, hex. Never leaves the engine. */
  secretKey: string;
  /** 32-byte public key, hex. */
  publicKey: string;
  address: Address;
}

export interface CryptoProvider {
  readonly name: string;
  publicKey(secretKey: Uint8Array): Uint8Array;
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export const nobleCrypto: CryptoProvider = {
  name: '@noble/curves',
  publicKey: (secretKey) => ed25519.getPublicKey(secretKey),
  sign: (message, secretKey) => ed25519.sign(message, secretKey),
  verify: (signature, message, publicKey) => {
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false; // malformed points or lengths are simply invalid signatures
    }
  },
};

let provider: CryptoProvider = nobleCrypto;

/** Install a faster, equivalent provider (engine/node does this with node:crypto). */
export function setCryptoProvider(next: CryptoProvider): void {
  provider = next;
  verified.clear();
}

export function cryptoProvider(): CryptoProvider {
  return provider;
}

/** Deterministic key pair for an actor or node, from (seed, name): every run is reproducible. */
export function deriveKeyPair(seed: number | string, name: string): KeyPair {
  const secret = sha256(utf8ToBytes(`ledgerlab/key/v1\n${seed}\n${name}`));
  return keyPairFromSecret(secret);
}

const keyPairCache = new Map<string, KeyPair>();

export function keyPairFromSecret(secret: Uint8Array): KeyPair {
  const secretKey = bytesToHex(secret);
  const cached = keyPairCache.get(secretKey);
  if (cached) return cached;
  const publicKey = bytesToHex(provider.publicKey(secret));
  const pair = { secretKey, publicKey, address: addressOf(publicKey) };
  if (keyPairCache.size > 100_000) keyPairCache.clear();
  keyPairCache.set(secretKey, pair);
  return pair;
}

export function addressOf(publicKeyHex: string): Address {
  return '0x' + bytesToHex(sha256(hexToBytes(publicKeyHex))).slice(0, 40);
}

export function isAddress(value: unknown): value is Address {
  return typeof value === 'string' && /^0x[0-9a-f]{40}$/.test(value);
}

/** Sign a 32-byte hex digest. */
export function signDigest(digestHex: string, secretKeyHex: string): string {
  return bytesToHex(provider.sign(hexToBytes(digestHex), hexToBytes(secretKeyHex)));
}

/** Verify without memoisation (the reference path used by tests). */
export function verifyDigest(signatureHex: string, digestHex: string, publicKeyHex: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(signatureHex) || !/^[0-9a-f]{64}$/.test(publicKeyHex) || !/^[0-9a-f]{64}$/.test(digestHex)) return false;
  return provider.verify(hexToBytes(signatureHex), hexToBytes(digestHex), hexToBytes(publicKeyHex));
}

const VERIFIED_MAX = 200_000;
const verified = new Map<string, boolean>();
let verifications = 0;

/**
 * Verify a signature over a digest once per (digest, signature, key) in this process.
 * Safe to share between nodes: the inputs fully determine the answer.
 */
export function verifyOnce(signatureHex: string, digestHex: string, publicKeyHex: string): boolean {
  const key = digestHex + signatureHex + publicKeyHex;
  const known = verified.get(key);
  if (known !== undefined) return known;
  verifications++;
  const ok = verifyDigest(signatureHex, digestHex, publicKeyHex);
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(key, ok);
  return ok;
}

/**
 * Record a verdict obtained elsewhere (for example from the platform's asynchronous WebCrypto
 * ed25519 in a browser worker, see engine/api/webcrypto.ts), so the synchronous simulator finds it.
 */
export function rememberVerification(signatureHex: string, digestHex: string, publicKeyHex: string, ok: boolean): void {
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verifications++;
  verified.set(digestHex + signatureHex + publicKeyHex, ok);
}

export function isVerificationKnown(signatureHex: string, digestHex: string, publicKeyHex: string): boolean {
  return verified.has(digestHex + signatureHex + publicKeyHex);
}

/** How many signatures were actually checked (not answered from the memo), for benches and tests. */
export function signatureVerifications(): number {
  return verifications;
}
