import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ZERO_HASH } from '../../engine/core/hash.ts';
import { Trie } from '../../engine/ledger/trie.ts';

const keyArb = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a', 'ab', 'abc', 'b', '', 'store:x:1', 'store:x:10', 'store:x:2', 'é', '\u0000'));
const opArb = fc.oneof(
  fc.tuple(fc.constant('set' as const), keyArb, fc.string({ maxLength: 4 })),
  fc.tuple(fc.constant('delete' as const), keyArb, fc.constant('')),
);

function build(ops: Array<['set' | 'delete', string, string]>): { trie: Trie; model: Map<string, string> } {
  let trie = Trie.EMPTY;
  const model = new Map<string, string>();
  for (const [op, key, value] of ops) {
    if (op === 'set') {
      trie = trie.set(key, value);
      model.set(key, value);
    } else {
      trie = trie.delete(key);
      model.delete(key);
    }
  }
  return { trie, model };
}

describe('the Merkle state trie', () => {
  it('behaves like a sorted map under any sequence of writes and deletes (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { trie, model } = build(ops);
        const sorted = [...model.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expect(trie.entries()).toEqual(sorted);
        expect(trie.size).toBe(model.size);
        for (const [key, value] of model) expect(trie.get(key)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('has a root that depends only on the contents, never on the order of writes (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(keyArb, fc.string({ maxLength: 3 })), { selector: ([k]) => k, maxLength: 40 }), (entries) => {
        const forward = entries.reduce((t, [k, v]) => t.set(k, v), Trie.EMPTY);
        const backward = [...entries].reverse().reduce((t, [k, v]) => t.set(k, v), Trie.EMPTY);
        expect(forward.rootHash()).toBe(backward.rootHash());
        // adding then removing an extra key gives the same root back
        expect(forward.set('zz-extra', '1').delete('zz-extra').rootHash()).toBe(forward.rootHash());
      }),
      { numRuns: 200 },
    );
  });

  it('changes the root when any value changes, and is empty-rooted when empty', () => {
    const t = Trie.EMPTY.set('a', '1').set('b', '2');
    expect(t.set('a', '3').rootHash()).not.toBe(t.rootHash());
    expect(t.delete('a').delete('b').rootHash()).toBe(ZERO_HASH);
    expect(Trie.EMPTY.rootHash()).toBe(ZERO_HASH);
  });

  it('keeps old versions intact (persistent): snapshots cost nothing', () => {
    const v1 = Trie.EMPTY.set('k', '1');
    const v2 = v1.set('k', '2').set('j', '0');
    expect(v1.get('k')).toBe('1');
    expect(v1.get('j')).toBeUndefined();
    expect(v2.get('k')).toBe('2');
  });

  it('scans a prefix in key order with a cursor and a limit', () => {
    const t = ['store:c:b', 'store:c:a', 'store:c:aa', 'store:d:a', 'store:c', 'acct:x'].reduce((x, k) => x.set(k, k), Trie.EMPTY);
    expect(t.scan('store:c:').map(([k]) => k)).toEqual(['store:c:a', 'store:c:aa', 'store:c:b']);
    expect(t.scan('store:c:', 'store:c:a').map(([k]) => k)).toEqual(['store:c:aa', 'store:c:b']);
    expect(t.scan('store:c:', undefined, 2).map(([k]) => k)).toEqual(['store:c:a', 'store:c:aa']);
    expect(t.scan('nothing')).toEqual([]);
  });

  it('reports the difference between two versions', () => {
    const before = Trie.EMPTY.set('a', '1').set('b', '2').set('c', '3');
    const after = before.set('b', '20').delete('c').set('d', '4');
    expect(Trie.diff(before, after)).toEqual([
      { key: 'b', before: '2', after: '20' },
      { key: 'c', before: '3' },
      { key: 'd', after: '4' },
    ]);
  });

  it('hashes only the changed path: a write into a large state touches about log2(n) nodes', () => {
    let t = Trie.EMPTY;
    for (let i = 0; i < 20_000; i++) t = t.set(`acct:${i.toString(16).padStart(8, '0')}`, String(i));
    t.rootHash();
    const next = t.set('acct:00000042', 'changed');
    // Count nodes not yet hashed in the new version: exactly the new path.
    const unhashed = countUnhashed(next);
    expect(unhashed).toBeGreaterThan(5);
    expect(unhashed).toBeLessThan(60);
  });
});

function countUnhashed(trie: Trie): number {
  let count = 0;
  const stack: unknown[] = [(trie as unknown as { root: unknown }).root];
  while (stack.length > 0) {
    const node = stack.pop() as { leaf: boolean; digest?: Uint8Array; left?: unknown; right?: unknown } | undefined;
    if (!node || node.digest) continue;
    count++;
    if (!node.leaf) stack.push(node.left, node.right);
  }
  return count;
}
