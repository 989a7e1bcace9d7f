/**
 * State the network view's parts share (graph, fault toolbar, inspector) beyond the studio's:
 * the partition being built. Cleared when a new network starts.
 */
import { toggleMember } from './partition.ts';

export const networkUi = $state({
  /** Nodes the user has put in group A, for "Split network". */
  groupA: [] as number[],
});

let draftFor: object | null = null;

export function toggleGroupA(node: number): void {
  networkUi.groupA = toggleMember(networkUi.groupA, node);
}

/** Forget group A when the network it was chosen for is replaced by a new one. */
export function keepDraftFor(network: object | null): void {
  if (network === draftFor) return;
  draftFor = network;
  if (networkUi.groupA.length > 0) networkUi.groupA = [];
}
