/**
 * Building a partition by hand: the user puts nodes into group A (shift-click in the graph, or
 * the checkboxes); every other node forms group B. Plain functions, tested in Node.
 */

/** Add the node to group A, or take it out if it is there. Keeps the ids sorted. */
export function toggleMember(groupA: readonly number[], node: number): number[] {
  return groupA.includes(node) ? groupA.filter((n) => n !== node) : [...groupA, node].sort((a, b) => a - b);
}

/** The groups to split the network into, or why it cannot be split that way. */
export function splitGroups(groupA: readonly number[], nodeCount: number): { ok: true; groups: number[][] } | { ok: false; why: string } {
  const a = [...new Set(groupA)].filter((n) => Number.isInteger(n) && n >= 0 && n < nodeCount).sort((x, y) => x - y);
  if (a.length === 0) return { ok: false, why: 'Put at least one node in group A (shift-click it in the graph, or tick it in the list).' };
  if (a.length === nodeCount) return { ok: false, why: 'Leave at least one node out of group A: it forms group B.' };
  const b = Array.from({ length: nodeCount }, (_, i) => i).filter((n) => !a.includes(n));
  return { ok: true, groups: [a, b] };
}

/** "0, 1, 2" or "none". */
export function listNodes(nodes: readonly number[]): string {
  return nodes.length === 0 ? 'none' : nodes.join(', ');
}
