/**
 * A persistent Merkle crit-bit trie: the ledger's state.
 *
 * Keys are strings, ordered by UTF-16 code units (so prefix scans come out sorted, as
 * `storage` iteration promises). Values are strings (canonical JSON). Every update copies only
 * the path from the root to the changed leaf and leaves the old version intact, so:
 * - a state root per block costs O(keys changed × depth), not O(state size): node hashes are
 *   memoised on the immutable nodes and only new nodes are hashed;
 * - snapshots for time travel and crash recovery are free (keep the old root);
 * - nodes may share one version safely (immutable values, DESIGN.md).
 * The trie's shape depends only on the set of keys, never on insertion order, so equal states
 * have equal roots on every node.
 *
 * Depth is bounded by 17 × key length (each level is one distinguishing bit of a 17-bit code
 * unit), which the ledger bounds by capping key length.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ZERO_HASH, type Hash } from '../core/hash.ts';
import { registerImmutableClass } from '../core/clone.ts';

interface Leaf {
  readonly leaf: true;
  readonly key: string;
  readonly value: string;
  digest?: Uint8Array;
}

interface Branch {
  readonly leaf: false;
  /** Index of the code unit where the two sides first differ. */
  readonly index: number;
  /** The single distinguishing bit within that (17-bit) unit. */
  readonly mask: number;
  readonly left: TrieNode;
  readonly right: TrieNode;
  readonly size: number;
  digest?: Uint8Array;
}

type TrieNode = Leaf | Branch;

/** An immutable version of the state. `undefined` root = empty. */
export class Trie {
  static readonly EMPTY = new Trie(undefined);

  private constructor(private readonly root: TrieNode | undefined) {}

  get size(): number {
    return this.root === undefined ? 0 : this.root.leaf ? 1 : this.root.size;
  }

  get(key: string): string | undefined {
    let node = this.root;
    while (node && !node.leaf) node = direction(key, node.index, node.mask) ? node.right : node.left;
    return node && node.key === key ? node.value : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: string): Trie {
    const root = this.root;
    if (!root) return new Trie({ leaf: true, key, value });
    let best: TrieNode = root;
    while (!best.leaf) best = direction(key, best.index, best.mask) ? best.right : best.left;
    if (best.key === key) {
      if (best.value === value) return this;
      return new Trie(replaceLeaf(root, key, { leaf: true, key, value }));
    }
    const [index, mask] = critical(key, best.key);
    const goRight = direction(key, index, mask);
    const fresh: Leaf = { leaf: true, key, value };
    // Walk down while the existing branches distinguish earlier bits than the new one.
    const path: Branch[] = [];
    let node: TrieNode = root;
    while (!node.leaf && (node.index < index || (node.index === index && node.mask > mask))) {
      path.push(node);
      node = direction(key, node.index, node.mask) ? node.right : node.left;
    }
    let replacement: TrieNode = goRight
      ? { leaf: false, index, mask, left: node, right: fresh, size: sizeOf(node) + 1 }
      : { leaf: false, index, mask, left: fresh, right: node, size: sizeOf(node) + 1 };
    for (let i = path.length - 1; i >= 0; i--) {
      const parent = path[i]!;
      replacement = direction(key, parent.index, parent.mask)
        ? { leaf: false, index: parent.index, mask: parent.mask, left: parent.left, right: replacement, size: parent.size + 1 }
        : { leaf: false, index: parent.index, mask: parent.mask, left: replacement, right: parent.right, size: parent.size + 1 };
    }
    return new Trie(replacement);
  }

  delete(key: string): Trie {
    const root = this.root;
    if (!root) return this;
    if (root.leaf) return root.key === key ? Trie.EMPTY : this;
    const path: Branch[] = [];
    let node: TrieNode = root;
    while (!node.leaf) {
      path.push(node);
      node = direction(key, node.index, node.mask) ? node.right : node.left;
    }
    if (node.key !== key) return this;
    const parent = path.pop()!;
    let replacement: TrieNode = direction(key, parent.index, parent.mask) ? parent.left : parent.right;
    for (let i = path.length - 1; i >= 0; i--) {
      const p = path[i]!;
      replacement = direction(key, p.index, p.mask)
        ? { leaf: false, index: p.index, mask: p.mask, left: p.left, right: replacement, size: p.size - 1 }
        : { leaf: false, index: p.index, mask: p.mask, left: replacement, right: p.right, size: p.size - 1 };
    }
    return new Trie(replacement);
  }

  /** Merkle root: sha256 over leaves (key length, key, value) and branches (left, right). */
  rootHash(): Hash {
    return this.root ? bytesToHex(digestOf(this.root)) : ZERO_HASH;
  }

  /**
   * Entries whose key starts with `prefix`, in key order, strictly after `startAfter` if given,
   * at most `limit`.
   */
  scan(prefix: string, startAfter?: string, limit = Number.POSITIVE_INFINITY): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    let node = this.root;
    // Descend while the branch point lies inside the prefix: all matches are below.
    while (node && !node.leaf && node.index < prefix.length) node = direction(prefix, node.index, node.mask) ? node.right : node.left;
    if (!node) return out;
    const stack: TrieNode[] = [node];
    while (stack.length > 0 && out.length < limit) {
      const current = stack.pop()!;
      if (current.leaf) {
        if (current.key.startsWith(prefix) && (startAfter === undefined || current.key > startAfter)) out.push([current.key, current.value]);
      } else {
        stack.push(current.right, current.left);
      }
    }
    return out;
  }

  /** Every entry in key order. */
  entries(): Array<[string, string]> {
    return this.scan('');
  }

  /**
   * Keys that differ between two versions, in key order, skipping shared subtrees (cost grows
   * with the difference, not with the state).
   */
  static diff(before: Trie, after: Trie): Array<{ key: string; before?: string; after?: string }> {
    const a = new Map<string, string>();
    const b = new Map<string, string>();
    collectDifferent(before.root, after.root, a, b);
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
    const out: Array<{ key: string; before?: string; after?: string }> = [];
    for (const key of keys) {
      const x = a.get(key);
      const y = b.get(key);
      if (x !== y) out.push({ key, ...(x !== undefined ? { before: x } : {}), ...(y !== undefined ? { after: y } : {}) });
    }
    return out;
  }
}

/** Code unit i of a key as 17 bits: 0 past the end, code + 1 inside, so "a" sorts before "ab". */
function unit(key: string, i: number): number {
  return i < key.length ? key.charCodeAt(i) + 1 : 0;
}

function direction(key: string, index: number, mask: number): boolean {
  return (unit(key, index) & mask) !== 0;
}

function critical(a: string, b: string): [number, number] {
  const n = Math.max(a.length, b.length) + 1;
  for (let i = 0; i < n; i++) {
    const x = unit(a, i) ^ unit(b, i);
    if (x !== 0) return [i, 1 << (31 - Math.clz32(x))];
  }
  throw new Error('critical bit of equal keys');
}

function sizeOf(node: TrieNode): number {
  return node.leaf ? 1 : node.size;
}

function replaceLeaf(node: TrieNode, key: string, leaf: Leaf): TrieNode {
  if (node.leaf) return leaf;
  return direction(key, node.index, node.mask)
    ? { leaf: false, index: node.index, mask: node.mask, left: node.left, right: replaceLeaf(node.right, key, leaf), size: node.size }
    : { leaf: false, index: node.index, mask: node.mask, left: replaceLeaf(node.left, key, leaf), right: node.right, size: node.size };
}

function digestOf(node: TrieNode): Uint8Array {
  if (node.digest) return node.digest;
  // Iterative post-order so deep tries never exhaust the host stack.
  const stack: TrieNode[] = [node];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.digest) {
      stack.pop();
      continue;
    }
    if (top.leaf) {
      top.digest = leafDigest(top);
      stack.pop();
      continue;
    }
    if (!top.left.digest) stack.push(top.left);
    if (!top.right.digest) stack.push(top.right);
    if (top.left.digest && top.right.digest) {
      const buf = new Uint8Array(65);
      buf[0] = 1;
      buf.set(top.left.digest, 1);
      buf.set(top.right.digest, 33);
      top.digest = sha256(buf);
      stack.pop();
    }
  }
  return node.digest!;
}

function leafDigest(leaf: Leaf): Uint8Array {
  const key = utf8ToBytes(leaf.key);
  const value = utf8ToBytes(leaf.value);
  const buf = new Uint8Array(1 + 4 + key.length + value.length);
  buf[0] = 0;
  new DataView(buf.buffer).setUint32(1, key.length);
  buf.set(key, 5);
  buf.set(value, 5 + key.length);
  return sha256(buf);
}

function collectDifferent(x: TrieNode | undefined, y: TrieNode | undefined, a: Map<string, string>, b: Map<string, string>): void {
  if (x === y) return;
  if (x && y && x.digest && y.digest && equalBytes(x.digest, y.digest)) return;
  if (x && y && !x.leaf && !y.leaf && x.index === y.index && x.mask === y.mask) {
    collectDifferent(x.left, y.left, a, b);
    collectDifferent(x.right, y.right, a, b);
    return;
  }
  collectAll(x, a);
  collectAll(y, b);
}

function collectAll(node: TrieNode | undefined, into: Map<string, string>): void {
  if (!node) return;
  const stack: TrieNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.leaf) into.set(n.key, n.value);
    else stack.push(n.left, n.right);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// A version never changes (updates return a new one): snapshots and forked timelines share it.
registerImmutableClass(Trie);
