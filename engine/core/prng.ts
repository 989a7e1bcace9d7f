/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), 32-bit integer arithmetic only,
 * so the sequence is identical on every JavaScript engine. Each named stream (a node's timers,
 * the network's jitter, the workload) is seeded independently from sha256(seed, stream name),
 * so adding draws to one stream never shifts another.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { invariant } from './assert.ts';

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: Uint32Array) {
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** An independent stream for (seed, stream name). */
  static stream(seed: number | string, name: string): Prng {
    const digest = sha256(utf8ToBytes(`ledgerlab/prng/v1\n${seed}\n${name}`));
    const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
    const state = new Uint32Array(4);
    for (let i = 0; i < 4; i++) state[i] = view.getUint32(i * 4, true);
    return new Prng(state);
  }

  /** A child stream derived from this one's next outputs (for per-run sub-streams). */
  fork(name: string): Prng {
    return Prng.stream(`${this.nextU32()}:${this.nextU32()}`, name);
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform float in [0, 1) with 53 bits of randomness. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, maxExclusive), without modulo bias. */
  nextInt(maxExclusive: number): number {
    invariant(Number.isSafeInteger(maxExclusive) && maxExclusive > 0, `nextInt bound must be a positive integer, got ${maxExclusive}`);
    if (maxExclusive <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % maxExclusive);
      for (;;) {
        const x = this.nextU32();
        if (x < limit) return x % maxExclusive;
      }
    }
    return Math.floor(this.nextFloat() * maxExclusive);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.nextInt(max - min + 1);
  }

  chance(probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return true;
    return this.nextFloat() < probability;
  }

  pick<T>(items: readonly T[]): T {
    invariant(items.length > 0, 'cannot pick from an empty list');
    return items[this.nextInt(items.length)]!;
  }

  /** Exponentially distributed sample with the given mean (for Poisson processes such as mining). */
  exponential(mean: number): number {
    return -Math.log(1 - this.nextFloat()) * mean;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
