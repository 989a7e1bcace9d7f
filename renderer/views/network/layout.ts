/**
 * Where the network view puts its nodes (model coordinates; the graph scales them to fit).
 * Small networks sit on one circle, node 0 at the top, clockwise. Larger ones use concentric
 * rings with room for each node, so 50+ nodes stay readable. A partition puts each group in its
 * own cluster, side by side, so the cut links run between clusters.
 */

export interface Point {
  x: number;
  y: number;
}

/** Model distance between neighbouring nodes on a ring. */
export const NODE_SPACING = 90;
/** Above this many nodes one circle gets too wide; use rings. */
export const ONE_CIRCLE_MAX = 16;
const MIN_RADIUS = 140;
const RING_GAP = 110;
const CLUSTER_GAP = 200;

/** Radii of the rings that hold `count` nodes, and how many nodes go on each (outer rings hold more). */
export function rings(count: number): Array<{ radius: number; nodes: number }> {
  if (count <= 0) return [];
  if (count === 1) return [{ radius: 0, nodes: 1 }];
  if (count <= ONE_CIRCLE_MAX) return [{ radius: Math.max(MIN_RADIUS, (count * NODE_SPACING) / (2 * Math.PI)), nodes: count }];
  // Add rings from the inside out until their capacity (circumference / spacing) holds everyone.
  const radii: number[] = [];
  let capacity = 0;
  for (let r = MIN_RADIUS; capacity < count; r += RING_GAP) {
    radii.push(r);
    capacity += Math.floor((2 * Math.PI * r) / NODE_SPACING);
  }
  // Share the nodes in proportion to each ring's radius, so spacing is even across rings.
  const total = radii.reduce((a, b) => a + b, 0);
  const shares = radii.map((r) => Math.floor((count * r) / total));
  let left = count - shares.reduce((a, b) => a + b, 0);
  for (let i = shares.length - 1; left > 0; i = (i - 1 + shares.length) % shares.length, left--) shares[i]!++;
  return radii.map((radius, i) => ({ radius, nodes: shares[i]! }));
}

/** Positions for `ids` around (cx, cy): rings from the outside in, first id at the top, clockwise. */
function cluster(ids: readonly number[], cx: number, cy: number, stretch: number): Map<number, Point> {
  const out = new Map<number, Point>();
  const layout = rings(ids.length).reverse();
  let next = 0;
  for (const ring of layout) {
    // Offset inner rings by half a step so nodes do not line up along radii.
    const offset = ring === layout[0] ? 0 : Math.PI / Math.max(1, ring.nodes);
    for (let k = 0; k < ring.nodes; k++) {
      const angle = -Math.PI / 2 + offset + (2 * Math.PI * k) / ring.nodes;
      out.set(ids[next++]!, { x: cx + ring.radius * stretch * Math.cos(angle), y: cy + ring.radius * Math.sin(angle) });
    }
  }
  return out;
}

/** Outer radius of a cluster of `count` nodes. */
export function clusterRadius(count: number): number {
  return rings(count).reduce((max, r) => Math.max(max, r.radius), 0);
}

/**
 * Positions for nodes 0..count-1. `groups` is the partition (null when whole); `aspect` is the
 * drawing area's width / height, used to stretch a lone cluster into an ellipse (1 to 1.6).
 */
export function layoutNodes(count: number, groups: readonly (readonly number[])[] | null, aspect = 1): Point[] {
  const positions: Point[] = Array.from({ length: count }, () => ({ x: 0, y: 0 }));
  const all = Array.from({ length: count }, (_, i) => i);
  if (!groups || groups.length < 2) {
    const stretch = Math.min(1.6, Math.max(1, aspect));
    for (const [id, p] of cluster(all, 0, 0, stretch)) positions[id] = p;
    return positions;
  }
  // Any node the partition does not name joins the last group (as the engine does).
  const named = new Set(groups.flat());
  const full = groups.map((g) => [...g].filter((id) => id >= 0 && id < count).sort((a, b) => a - b));
  const rest = all.filter((id) => !named.has(id));
  if (rest.length > 0) full[full.length - 1]!.push(...rest);
  let x = 0;
  for (const group of full) {
    if (group.length === 0) continue;
    const radius = clusterRadius(group.length);
    x += radius;
    for (const [id, p] of cluster(group, x, 0, 1)) positions[id] = p;
    x += radius + CLUSTER_GAP;
  }
  return positions;
}

/** Which group each node is in (index into `groups`), or all 0 when the network is whole. */
export function groupOf(count: number, groups: readonly (readonly number[])[] | null): number[] {
  const out = Array.from({ length: count }, () => (groups && groups.length > 0 ? groups.length - 1 : 0));
  groups?.forEach((group, index) => {
    for (const id of group) if (id >= 0 && id < count) out[id] = index;
  });
  return out;
}

/** Name of a partition group for people: A, B, C... */
export function groupName(index: number): string {
  return String.fromCharCode(65 + (index % 26));
}
