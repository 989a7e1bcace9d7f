import { describe, expect, it } from 'vitest';
import { clusterRadius, groupName, groupOf, layoutNodes, NODE_SPACING, ONE_CIRCLE_MAX, rings } from '../../renderer/views/network/layout.ts';
import { listNodes, splitGroups, toggleMember } from '../../renderer/views/network/partition.ts';

const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

function closestPair(points: ReadonlyArray<{ x: number; y: number }>): number {
  let min = Infinity;
  for (let i = 0; i < points.length; i++) for (let j = i + 1; j < points.length; j++) min = Math.min(min, distance(points[i]!, points[j]!));
  return min;
}

describe('the network layout', () => {
  it('puts a small network on one circle, node 0 at the top, clockwise', () => {
    const p = layoutNodes(4, null);
    const r = distance(p[0]!, { x: 0, y: 0 });
    for (const point of p) expect(distance(point, { x: 0, y: 0 })).toBeCloseTo(r, 6);
    expect(p[0]!.y).toBeLessThan(0); // top (screen y grows downwards)
    expect(p[0]!.x).toBeCloseTo(0, 6);
    expect(p[1]!.x).toBeGreaterThan(0); // clockwise: next one to the right
  });

  it('uses rings above one circle’s worth of nodes, every node placed once and none crowded', () => {
    for (const n of [ONE_CIRCLE_MAX + 1, 50, 120, 200]) {
      const layout = rings(n);
      expect(layout.length).toBeGreaterThan(1);
      expect(layout.reduce((sum, r) => sum + r.nodes, 0)).toBe(n);
      const points = layoutNodes(n, null);
      expect(new Set(points.map((q) => `${q.x.toFixed(3)},${q.y.toFixed(3)}`)).size).toBe(n);
      expect(closestPair(points)).toBeGreaterThan(NODE_SPACING * 0.55);
    }
  });

  it('stretches a lone cluster to the drawing area’s shape, within limits', () => {
    const wide = layoutNodes(8, null, 1.5);
    const square = layoutNodes(8, null, 1);
    expect(Math.max(...wide.map((q) => q.x))).toBeCloseTo(1.5 * Math.max(...square.map((q) => q.x)), 6);
    const extreme = layoutNodes(8, null, 10);
    expect(Math.max(...extreme.map((q) => q.x))).toBeCloseTo(1.6 * Math.max(...square.map((q) => q.x)), 6);
  });

  it('draws a partition as clusters side by side, group A on the left, with room between them', () => {
    const p = layoutNodes(5, [[0, 1], [2, 3, 4]]);
    const rightOfA = Math.max(p[0]!.x, p[1]!.x);
    const leftOfB = Math.min(p[2]!.x, p[3]!.x, p[4]!.x);
    expect(leftOfB - rightOfA).toBeGreaterThan(150);
  });

  it('puts nodes a partition does not name into the last group, as the engine does', () => {
    expect(groupOf(5, [[0, 1], [2]])).toEqual([0, 0, 1, 1, 1]);
    const p = layoutNodes(5, [[0, 1], [2]]);
    expect(Math.min(p[3]!.x, p[4]!.x)).toBeGreaterThan(Math.max(p[0]!.x, p[1]!.x));
    expect(groupOf(3, null)).toEqual([0, 0, 0]);
  });

  it('names groups A, B, C and sizes clusters by their node count', () => {
    expect([0, 1, 2].map(groupName)).toEqual(['A', 'B', 'C']);
    expect(clusterRadius(1)).toBe(0);
    expect(clusterRadius(50)).toBeGreaterThan(clusterRadius(10));
  });
});

describe('building a partition by hand', () => {
  it('toggles nodes in and out of group A, keeping it sorted', () => {
    expect(toggleMember([], 3)).toEqual([3]);
    expect(toggleMember([3], 1)).toEqual([1, 3]);
    expect(toggleMember([1, 3], 3)).toEqual([1]);
  });

  it('splits into group A and the rest', () => {
    expect(splitGroups([3, 1], 5)).toEqual({ ok: true, groups: [[1, 3], [0, 2, 4]] });
  });

  it('says what to do when group A is empty or holds every node', () => {
    expect(splitGroups([], 4)).toMatchObject({ ok: false, why: expect.stringMatching(/at least one node in group A/) });
    expect(splitGroups([0, 1, 2], 3)).toMatchObject({ ok: false, why: expect.stringMatching(/Leave at least one node out/) });
    expect(splitGroups([7], 3)).toMatchObject({ ok: false });
  });

  it('lists nodes for people', () => {
    expect(listNodes([])).toBe('none');
    expect(listNodes([0, 2])).toBe('0, 2');
  });
});
