import { describe, expect, it } from 'vitest';
import type { TreeBlock } from '../../engine/api/explorer.ts';
import { DEFAULT_GEOMETRY, layoutTree, neighbour } from '../../renderer/views/chain/tree-layout.ts';

const g = DEFAULT_GEOMETRY;

function block(hash: string, height: number, parentHash: string, extra: Partial<TreeBlock> = {}): TreeBlock {
  const canonical = extra.canonical ?? true;
  return { hash, parentHash, height, proposer: 'node-0', timeMs: height * 1000, txCount: 1, canonical, finalized: false, orphaned: !canonical, linkBroken: false, ...extra };
}

/** g0 ← a1 ← a2 ← a3 ← a4 on the chain. */
function chain(): TreeBlock[] {
  return [block('g0', 0, ''), block('a1', 1, 'g0'), block('a2', 2, 'a1'), block('a3', 3, 'a2'), block('a4', 4, 'a3')];
}

describe('the fork tree layout', () => {
  it('puts the chain on the top lane, one column per height, newest at the right', () => {
    const layout = layoutTree(chain(), 0);
    expect(layout.lanes).toBe(1);
    expect(layout.blocks.map((p) => [p.block.hash, p.lane, p.x])).toEqual([0, 1, 2, 3, 4].map((h) => [h === 0 ? 'g0' : `a${h}`, 0, g.padX + h * g.columnWidth]));
    expect(layout.edges).toHaveLength(4);
    expect(layout.edges.every((e) => !e.broken && e.x1 > e.x2)).toBe(true);
    expect(layout.width).toBe(g.padX + 4 * g.columnWidth + g.blockWidth + g.padX);
  });

  it('draws a fork branch on a lower lane, continuing through its own children', () => {
    const blocks = [...chain(), block('b2', 2, 'a1', { canonical: false }), block('b3', 3, 'b2', { canonical: false })];
    const layout = layoutTree(blocks, 0);
    const lanes = Object.fromEntries(layout.blocks.map((p) => [p.block.hash, p.lane]));
    expect(lanes).toMatchObject({ a1: 0, a2: 0, b2: 1, b3: 1 });
    expect(layout.lanes).toBe(2);
    const fork = layout.edges.find((e) => e.child === 'b2')!;
    expect(fork.parent).toBe('a1');
    expect(fork.y1).toBeGreaterThan(fork.y2); // from the lower lane up to the chain
  });

  it('gives two sibling branches their own lanes, and reuses a lane once a branch has ended', () => {
    const blocks = [
      ...chain(),
      block('b2', 2, 'a1', { canonical: false }),
      block('c2', 2, 'a1', { canonical: false }),
      block('d4', 4, 'a3', { canonical: false }),
    ];
    const lanes = Object.fromEntries(layoutTree(blocks, 0).blocks.map((p) => [p.block.hash, p.lane]));
    expect(new Set([lanes.b2, lanes.c2])).toEqual(new Set([1, 2]));
    expect(lanes.d4).toBe(1); // b2's lane is free again two heights later
  });

  it('marks the link after an edited block, and a child whose parent hash leads nowhere, as broken', () => {
    const edited = chain().map((b) => (b.hash === 'a2' ? { ...b, problem: 'invalid-tx: the transaction was altered' } : b));
    const one = layoutTree(edited, 0);
    expect(one.edges.filter((e) => e.broken).map((e) => [e.child, e.parent])).toEqual([['a3', 'a2']]);
    expect(one.edges.find((e) => e.child === 'a3')!.why).toMatch(/block 2 was edited/);

    // Re-hashed: the chain now holds x2 at height 2, and a3 still points at the old a2.
    const rehashed = chain().map((b) => (b.hash === 'a2' ? { ...b, hash: 'x2' } : b.hash === 'a3' ? { ...b, linkBroken: true } : b));
    const two = layoutTree(rehashed, 0);
    const broken = two.edges.filter((e) => e.broken);
    expect(broken.map((e) => [e.child, e.parent])).toEqual([['a3', 'x2']]);
    expect(broken[0]!.why).toMatch(/no longer matches block 2/);
  });

  it('leaves out links to blocks below the window', () => {
    const layout = layoutTree(chain().slice(2), 2);
    expect(layout.blocks[0]!.x).toBe(g.padX);
    expect(layout.edges.map((e) => e.child)).toEqual(['a3', 'a4']);
    expect(layout.columns.map((c) => c.height)).toEqual([2, 3, 4]);
  });

  it('moves between blocks with the arrow keys', () => {
    const blocks = [...chain(), block('b2', 2, 'a1', { canonical: false })];
    const layout = layoutTree(blocks, 0);
    expect(neighbour(layout, 'a2', 'ArrowRight')).toBe('a3');
    expect(neighbour(layout, 'a2', 'ArrowLeft')).toBe('a1');
    expect(neighbour(layout, 'a2', 'ArrowDown')).toBe('b2');
    expect(neighbour(layout, 'b2', 'ArrowUp')).toBe('a2');
    expect(neighbour(layout, 'b2', 'ArrowRight')).toBe('a3');
    expect(neighbour(layout, 'a2', 'End')).toBe('a4');
    expect(neighbour(layout, 'a2', 'Home')).toBe('g0');
    expect(neighbour(layout, 'a4', 'ArrowRight')).toBeUndefined();
  });
});
