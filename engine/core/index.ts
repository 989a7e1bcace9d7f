export * from './assert.ts';
export * from './encoding.ts';
export * from './hash.ts';
export * from './keys.ts';
export * from './prng.ts';
