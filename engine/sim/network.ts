/**
 * The network model: per-link latency (base + seeded jitter), loss, duplication, and partitions
 * (groups or single directed links). Pure data plus decisions; the simulator asks it what
 * happens to each message.
 */
import { invariant } from '../core/assert.ts';
import type { NodeId } from './events.ts';

export interface LinkSpec {
  /** One-way base latency. */
  latencyMs: number;
  /** Extra latency drawn uniformly from [0, jitterMs] per message. */
  jitterMs: number;
  /** Probability in [0, 1] that a message is lost. */
  dropRate: number;
  /** Probability in [0, 1] that a message is delivered twice. */
  duplicateRate: number;
}

export const DEFAULT_LINK: LinkSpec = { latencyMs: 20, jitterMs: 30, dropRate: 0, duplicateRate: 0 };

export function validateLinkSpec(spec: LinkSpec, where: string): void {
  invariant(Number.isSafeInteger(spec.latencyMs) && spec.latencyMs >= 0, `${where}: latencyMs must be a non-negative integer`);
  invariant(Number.isSafeInteger(spec.jitterMs) && spec.jitterMs >= 0, `${where}: jitterMs must be a non-negative integer`);
  invariant(spec.dropRate >= 0 && spec.dropRate <= 1, `${where}: dropRate must be in [0, 1]`);
  invariant(spec.duplicateRate >= 0 && spec.duplicateRate <= 1, `${where}: duplicateRate must be in [0, 1]`);
}

export class NetworkModel {
  private defaultLink: LinkSpec;
  private readonly overrides = new Map<number, LinkSpec>();
  private readonly blocked = new Set<number>();

  constructor(
    readonly nodeCount: number,
    defaultLink: LinkSpec = DEFAULT_LINK,
  ) {
    validateLinkSpec(defaultLink, 'default link');
    this.defaultLink = { ...defaultLink };
  }

  private key(from: NodeId, to: NodeId): number {
    return from * this.nodeCount + to;
  }

  link(from: NodeId, to: NodeId): LinkSpec {
    return this.overrides.get(this.key(from, to)) ?? this.defaultLink;
  }

  /** Change every link (and forget per-link overrides). */
  setDefaultLink(spec: Partial<LinkSpec>): void {
    const next = { ...this.defaultLink, ...spec };
    validateLinkSpec(next, 'default link');
    this.defaultLink = next;
    this.overrides.clear();
  }

  setLink(from: NodeId, to: NodeId, spec: Partial<LinkSpec>, bothWays = true): void {
    this.checkNode(from);
    this.checkNode(to);
    const next = { ...this.link(from, to), ...spec };
    validateLinkSpec(next, `link ${from}->${to}`);
    this.overrides.set(this.key(from, to), next);
    if (bothWays) this.overrides.set(this.key(to, from), { ...this.link(to, from), ...spec });
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(this.key(from, to));
  }

  /**
   * Split the network into groups that cannot reach each other. Nodes not listed form one more
   * group together. Replaces any earlier partition.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const groupOf = new Array<number>(this.nodeCount).fill(-1);
    groups.forEach((group, g) => {
      for (const node of group) {
        this.checkNode(node);
        invariant(groupOf[node] === -1, `node ${node} is listed in two partition groups`);
        groupOf[node] = g;
      }
    });
    this.blocked.clear();
    for (let a = 0; a < this.nodeCount; a++) {
      for (let b = 0; b < this.nodeCount; b++) {
        if (a !== b && groupOf[a] !== groupOf[b]) this.blocked.add(this.key(a, b));
      }
    }
  }

  /** Cut one link; with oneWay only messages from `from` to `to` are lost. */
  cut(from: NodeId, to: NodeId, oneWay = false): void {
    this.checkNode(from);
    this.checkNode(to);
    this.blocked.add(this.key(from, to));
    if (!oneWay) this.blocked.add(this.key(to, from));
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Directed links currently cut, as [from, to] pairs in order. */
  cutLinks(): Array<[NodeId, NodeId]> {
    return [...this.blocked].sort((a, b) => a - b).map((k) => [Math.floor(k / this.nodeCount), k % this.nodeCount]);
  }

  private checkNode(node: NodeId): void {
    invariant(Number.isInteger(node) && node >= 0 && node < this.nodeCount, `no node ${node}: nodes are numbered 0 to ${this.nodeCount - 1}`);
  }
}
