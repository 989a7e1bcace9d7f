/**
 * Where each block of the fork tree goes: one column per height (newest at the right), the
 * canonical chain on the top lane, each fork branch on the first lower lane free over its span.
 * Edges run from a block back to its parent; a link is broken when the child's parent hash no
 * longer leads to the stored block below it, or when that parent's content no longer matches its
 * hash (it was edited). Pure data in, data out: unit-tested without a DOM.
 */
import type { TreeBlock } from '../../../engine/api/explorer.ts';

export interface TreeGeometry {
  /** Distance between the left edges of two height columns. */
  columnWidth: number;
  blockWidth: number;
  blockHeight: number;
  /** Distance between the tops of two lanes. */
  laneHeight: number;
  padX: number;
  /** Room above the first lane for the height ruler. */
  padTop: number;
  padBottom: number;
}

export const DEFAULT_GEOMETRY: TreeGeometry = {
  columnWidth: 160,
  blockWidth: 118,
  blockHeight: 74,
  laneHeight: 104,
  padX: 16,
  padTop: 34,
  /** Room under the last lane for a "link broken" label. */
  padBottom: 30,
};

/** The same tree drawn bigger (presentation mode's larger type needs larger tiles). */
export function scaleGeometry(geometry: TreeGeometry, factor: number): TreeGeometry {
  return Object.fromEntries(Object.entries(geometry).map(([key, value]) => [key, Math.round(value * factor)])) as unknown as TreeGeometry;
}

export interface PlacedBlock {
  block: TreeBlock;
  lane: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  /** Child and parent hashes (the parent is the block the link should reach). */
  child: string;
  parent: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  broken: boolean;
  /** Why it is broken, in words, for the label's title and screen readers. */
  why?: string;
}

export interface TreeLayout {
  blocks: PlacedBlock[];
  edges: PlacedEdge[];
  lanes: number;
  width: number;
  height: number;
  /** Heights shown, lowest first, with their column's x. */
  columns: Array<{ height: number; x: number }>;
}

function byHash(a: TreeBlock, b: TreeBlock): number {
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

export function layoutTree(blocks: readonly TreeBlock[], fromHeight: number, geometry: TreeGeometry = DEFAULT_GEOMETRY): TreeLayout {
  const g = geometry;
  const hashes = new Map(blocks.map((b) => [b.hash, b]));
  const children = new Map<string, TreeBlock[]>();
  for (const block of blocks) {
    const list = children.get(block.parentHash) ?? [];
    list.push(block);
    children.set(block.parentHash, list);
  }
  for (const list of children.values()) list.sort(byHash);

  const lane = new Map<string, number>();
  for (const block of blocks) if (block.canonical) lane.set(block.hash, 0);

  // Branches: a side block whose parent is on the chain (or not shown) starts one; it continues
  // through its first side child, and any other side child starts a branch of its own.
  const starts = blocks.filter((b) => !b.canonical && !(hashes.get(b.parentHash) && !hashes.get(b.parentHash)!.canonical)).sort((a, b) => a.height - b.height || byHash(a, b));
  const queue = [...starts];
  const laneEnds: number[] = [Number.POSITIVE_INFINITY]; // lane 0 is the chain
  while (queue.length > 0) {
    queue.sort((a, b) => a.height - b.height || byHash(a, b));
    const start = queue.shift()!;
    if (lane.has(start.hash)) continue;
    const branch: TreeBlock[] = [start];
    let cursor = start;
    for (;;) {
      const next = (children.get(cursor.hash) ?? []).filter((c) => !c.canonical && !lane.has(c.hash));
      if (next.length === 0) break;
      const [first, ...others] = next;
      queue.push(...others);
      branch.push(first!);
      cursor = first!;
    }
    const from = start.height;
    const to = cursor.height;
    // Leave a column free between two branches on one lane, so they do not read as one.
    let chosen = laneEnds.findIndex((end, i) => i > 0 && end < from - 1);
    if (chosen < 0) {
      chosen = laneEnds.length;
      laneEnds.push(to);
    } else laneEnds[chosen] = to;
    for (const block of branch) lane.set(block.hash, chosen);
  }

  const xOf = (height: number) => g.padX + (height - fromHeight) * g.columnWidth;
  const yOf = (l: number) => g.padTop + l * g.laneHeight;
  const placed: PlacedBlock[] = blocks.map((block) => {
    const l = lane.get(block.hash) ?? 0;
    return { block, lane: l, x: xOf(block.height), y: yOf(l) };
  });
  const at = new Map(placed.map((p) => [p.block.hash, p]));
  const canonicalAt = new Map(placed.filter((p) => p.block.canonical).map((p) => [p.block.height, p]));

  const edges: PlacedEdge[] = [];
  for (const child of placed) {
    if (child.block.height <= fromHeight) continue;
    // A broken link is drawn to the block it should reach: the stored one below it on the chain.
    const parent = at.get(child.block.parentHash) ?? (child.block.linkBroken ? canonicalAt.get(child.block.height - 1) : undefined);
    if (!parent) continue;
    let why: string | undefined;
    if (child.block.linkBroken) why = `block ${child.block.height} points to a parent hash that no longer matches block ${parent.block.height}`;
    else if (parent.block.problem) why = `block ${parent.block.height} was edited: its content no longer matches the hash block ${child.block.height} points to`;
    const edge: PlacedEdge = {
      child: child.block.hash,
      parent: parent.block.hash,
      x1: child.x,
      y1: child.y + g.blockHeight / 2,
      x2: parent.x + g.blockWidth,
      y2: parent.y + g.blockHeight / 2,
      broken: why !== undefined,
    };
    if (why) edge.why = why;
    edges.push(edge);
  }

  const lanes = Math.max(1, ...placed.map((p) => p.lane + 1));
  const heights = [...new Set(blocks.map((b) => b.height))].sort((a, b) => a - b);
  const maxHeight = heights.length > 0 ? heights[heights.length - 1]! : fromHeight;
  return {
    blocks: placed,
    edges,
    lanes,
    width: xOf(maxHeight) + g.blockWidth + g.padX,
    height: yOf(lanes - 1) + g.blockHeight + g.padBottom,
    columns: heights.map((height) => ({ height, x: xOf(height) })),
  };
}

/**
 * The block to move to from `current` with an arrow key: left/right along the same lane (or the
 * nearest lane with a block there), up/down to the neighbouring lane near the same height.
 */
export function neighbour(layout: TreeLayout, current: string, key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End'): string | undefined {
  const here = layout.blocks.find((p) => p.block.hash === current);
  if (!here) return layout.blocks[layout.blocks.length - 1]?.block.hash;
  const sameLane = layout.blocks.filter((p) => p.lane === here.lane).sort((a, b) => a.x - b.x);
  const distance = (p: PlacedBlock) => Math.abs(p.x - here.x) + Math.abs(p.y - here.y) * 0.5;
  switch (key) {
    case 'Home':
      return sameLane[0]?.block.hash;
    case 'End':
      return sameLane[sameLane.length - 1]?.block.hash;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const step = key === 'ArrowLeft' ? -1 : 1;
      const index = sameLane.indexOf(here);
      const next = sameLane[index + step];
      if (next) return next.block.hash;
      // The branch ends: continue on the chain (or any lane) in that direction.
      const beyond = layout.blocks.filter((p) => (step < 0 ? p.x < here.x : p.x > here.x)).sort((a, b) => distance(a) - distance(b));
      return beyond[0]?.block.hash;
    }
    case 'ArrowUp':
    case 'ArrowDown': {
      const target = here.lane + (key === 'ArrowUp' ? -1 : 1);
      const candidates = layout.blocks.filter((p) => p.lane === target).sort((a, b) => Math.abs(a.x - here.x) - Math.abs(b.x - here.x));
      return candidates[0]?.block.hash;
    }
  }
}
