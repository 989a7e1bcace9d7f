import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../engine/core/encoding.ts';
import { hashCanonical, merkleRoot, sha256Hex, ZERO_HASH } from '../../engine/core/hash.ts';
import { addressOf, deriveKeyPair, nobleCrypto, setCryptoProvider, signDigest, signatureVerifications, verifyDigest, verifyOnce } from '../../engine/core/keys.ts';
import { Prng } from '../../engine/core/prng.ts';
import { nodeCrypto } from '../../engine/node/native-crypto.ts';

describe('canonical encoding', () => {
  it('sorts keys and drops undefined members, so equal values give equal bytes', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('refuses floats, NaN, -0, bigints and class instances in anything hashed', () => {
    for (const bad of [1.5, Number.NaN, -0, 2 ** 60, 10n, new Date(0), new Map(), () => 1]) {
      expect(() => canonicalJson({ amount: bad })).toThrow(/canonical encoding/);
    }
  });

  it('is independent of key insertion order for any object (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
        expect(JSON.parse(canonicalJson(record))).toEqual(record);
      }),
    );
  });
});

describe('hashing', () => {
  it('matches the sha256 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('separates domains, so a transaction can never hash like a block', () => {
    expect(hashCanonical('tx', { a: 1 })).not.toBe(hashCanonical('block', { a: 1 }));
  });

  it('gives distinct Merkle roots for distinct lists, including odd lengths and reorderings', () => {
    const h = (n: number) => sha256Hex(String(n));
    const roots = new Set([merkleRoot([h(1)]), merkleRoot([h(1), h(2)]), merkleRoot([h(2), h(1)]), merkleRoot([h(1), h(2), h(3)]), merkleRoot([h(1), h(2), h(3), h(3)])]);
    expect(roots.size).toBe(5);
    expect(merkleRoot([])).toBe(ZERO_HASH);
  });
});

describe('seeded randomness', () => {
  it('repeats exactly for the same seed and stream', () => {
    const a = Prng.stream(7, 'node/0/0');
    const b = Prng.stream(7, 'node/0/0');
    expect(Array.from({ length: 100 }, () => a.nextU32())).toEqual(Array.from({ length: 100 }, () => b.nextU32()));
  });

  it('gives independent streams per node and per seed', () => {
    const first = (seed: number, name: string) => Prng.stream(seed, name).nextU32();
    expect(first(7, 'node/0/0')).not.toBe(first(7, 'node/1/0'));
    expect(first(7, 'node/0/0')).not.toBe(first(8, 'node/0/0'));
  });

  it('draws integers in range without bias and floats in [0, 1)', () => {
    const random = Prng.stream(1, 'test');
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.nextInt(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 10_000; i++) {
      const x = random.nextFloat();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    const mean = Array.from({ length: 20_000 }, () => random.exponential(100)).reduce((s, x) => s + x, 0) / 20_000;
    expect(Math.abs(mean - 100)).toBeLessThan(5);
  });
});

describe('keys and signatures', () => {
  it('derives the same key pair from the same (seed, name), and different ones otherwise', () => {
    const alice = deriveKeyPair(7, 'actor:alice');
    expect(deriveKeyPair(7, 'actor:alice')).toEqual(alice);
    expect(deriveKeyPair(8, 'actor:alice').publicKey).not.toBe(alice.publicKey);
    expect(deriveKeyPair(7, 'actor:bob').publicKey).not.toBe(alice.publicKey);
    expect(alice.address).toBe(addressOf(alice.publicKey));
    expect(alice.address).toMatch(/^0x[0-9a-f]{40}$/);
  });

  it('native node:crypto and @noble/curves produce identical signatures and verdicts', () => {
    const key = deriveKeyPair(1, 'n');
    const digest = sha256Hex('message');
    try {
      setCryptoProvider(nobleCrypto);
      const reference = signDigest(digest, key.secretKey);
      setCryptoProvider(nodeCrypto);
      const native = signDigest(digest, key.secretKey);
      expect(native).toBe(reference);
      expect(verifyDigest(native, digest, key.publicKey)).toBe(true);
      const forged = (native[0] === 'a' ? 'b' : 'a') + native.slice(1);
      expect(verifyDigest(forged, digest, key.publicKey)).toBe(false);
      setCryptoProvider(nobleCrypto);
      expect(verifyDigest(forged, digest, key.publicKey)).toBe(false);
      expect(verifyDigest('zz', digest, key.publicKey)).toBe(false);
    } finally {
      setCryptoProvider(nobleCrypto);
    }
  });

  it('verifies a given signature once per content, however many times it is asked', () => {
    const key = deriveKeyPair(2, 'n');
    const digest = sha256Hex('once');
    const signature = signDigest(digest, key.secretKey);
    const before = signatureVerifications();
    for (let i = 0; i < 16; i++) expect(verifyOnce(signature, digest, key.publicKey)).toBe(true);
    expect(signatureVerifications() - before).toBe(1);
  });
});
