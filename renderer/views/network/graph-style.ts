/**
 * How the network view draws things, as data: node roles → shape, colour and words; message
 * types → colour and glyph. Colour is never the only signal: every role has its own shape and a
 * text label, every message family its own glyph. Colours are the Okabe–Ito variables of
 * styles.css (named here, resolved by the view), safe for colour-blind viewers.
 */
import type { ProtocolName } from '../../../engine/api/types.ts';

/** Cytoscape node shapes we use. */
export type NodeShape = 'star' | 'diamond' | 'ellipse' | 'round-rectangle' | 'hexagon' | 'octagon' | 'triangle';

/** CSS custom properties of the palette (styles.css). */
export type PaletteVar = '--c-orange' | '--c-sky' | '--c-green' | '--c-yellow' | '--c-blue' | '--c-vermillion' | '--c-purple' | '--c-grey';

export interface RoleStyle {
  shape: NodeShape;
  colour: PaletteVar;
  /** What the legend and screen readers call it. */
  label: string;
  /** One line saying what the role does. */
  does: string;
}

const ROLE_STYLES: Record<string, RoleStyle> = {
  leader: { shape: 'star', colour: '--c-orange', label: 'leader', does: 'orders the log and sends heartbeats' },
  candidate: { shape: 'diamond', colour: '--c-yellow', label: 'candidate', does: 'asks the others for votes' },
  follower: { shape: 'ellipse', colour: '--c-sky', label: 'follower', does: 'replicates the leader’s log' },
  proposer: { shape: 'star', colour: '--c-orange', label: 'proposer', does: 'proposes the block of this round' },
  validator: { shape: 'ellipse', colour: '--c-sky', label: 'validator', does: 'votes on proposals' },
  authority: { shape: 'round-rectangle', colour: '--c-purple', label: 'authority', does: 'seals a block in its own slots' },
  miner: { shape: 'hexagon', colour: '--c-green', label: 'miner', does: 'searches for proof of work' },
  'full-node': { shape: 'ellipse', colour: '--c-grey', label: 'full node', does: 'checks and relays blocks, does not mine' },
  observer: { shape: 'ellipse', colour: '--c-grey', label: 'observer', does: 'follows the chain, takes no part' },
  crashed: { shape: 'octagon', colour: '--c-grey', label: 'crashed', does: 'is down; its disk survives' },
};

const UNKNOWN_ROLE: RoleStyle = { shape: 'ellipse', colour: '--c-grey', label: 'node', does: '' };

export function roleStyle(role: string): RoleStyle {
  return ROLE_STYLES[role] ?? { ...UNKNOWN_ROLE, label: role };
}

/** Roles each protocol's nodes can take (plus crashed), for the legend. */
export const PROTOCOL_ROLES: Record<ProtocolName, readonly string[]> = {
  raft: ['leader', 'candidate', 'follower', 'crashed'],
  bft: ['proposer', 'validator', 'crashed'],
  poa: ['authority', 'crashed'],
  pow: ['miner', 'full-node', 'crashed'],
};

/** Glyphs drawn for messages on the canvas: replies are rings, blocks squares, votes triangles. */
export type MessageGlyph = 'dot' | 'ring' | 'square' | 'triangle';

export interface MessageKind {
  /** The `msg` field of msg.* trace events. */
  type: string;
  label: string;
  colour: PaletteVar;
  glyph: MessageGlyph;
}

const COMMON_KINDS: readonly MessageKind[] = [
  { type: 'tx', label: 'transaction', colour: '--c-grey', glyph: 'dot' },
  { type: 'block', label: 'block', colour: '--c-blue', glyph: 'square' },
  { type: 'sync.get', label: 'sync request', colour: '--c-purple', glyph: 'ring' },
  { type: 'sync.blocks', label: 'sync blocks', colour: '--c-purple', glyph: 'square' },
];

const PROTOCOL_KINDS: Record<ProtocolName, readonly MessageKind[]> = {
  raft: [
    { type: 'raft.vote', label: 'vote request', colour: '--c-orange', glyph: 'triangle' },
    { type: 'raft.vote-reply', label: 'vote reply', colour: '--c-orange', glyph: 'ring' },
    { type: 'raft.append', label: 'append entries', colour: '--c-sky', glyph: 'dot' },
    { type: 'raft.append-reply', label: 'append reply', colour: '--c-sky', glyph: 'ring' },
  ],
  bft: [
    { type: 'bft.proposal', label: 'proposal', colour: '--c-vermillion', glyph: 'square' },
    { type: 'bft.prevote', label: 'prevote', colour: '--c-yellow', glyph: 'triangle' },
    { type: 'bft.precommit', label: 'precommit', colour: '--c-green', glyph: 'triangle' },
  ],
  poa: [],
  pow: [],
};

const OTHER_KIND: MessageKind = { type: '*', label: 'other', colour: '--c-grey', glyph: 'ring' };

/** The message kinds a protocol's network sends, protocol-specific first. */
export function messageKinds(protocol: ProtocolName): readonly MessageKind[] {
  return [...PROTOCOL_KINDS[protocol], ...COMMON_KINDS];
}

const KIND_BY_TYPE = new Map<string, MessageKind>([...COMMON_KINDS, ...Object.values(PROTOCOL_KINDS).flat()].map((k) => [k.type, k]));

export function messageKind(type: string): MessageKind {
  return KIND_BY_TYPE.get(type) ?? { ...OTHER_KIND, label: type };
}

/** The text a node carries in the graph: its id, and its role while the graph has room. */
export function nodeLabel(node: { id: number; role: string; alive: boolean; byzantine?: string }, roomy: boolean): string {
  const marks = `${node.alive ? '' : ' ✕'}${node.byzantine !== undefined ? ' ⚠' : ''}`;
  if (!roomy) return `${node.id}${marks}`;
  const role = node.alive ? roleStyle(node.role).label : 'crashed';
  const byz = node.byzantine !== undefined ? `\n⚠ byzantine: ${node.byzantine}` : '';
  return `${node.id} · ${role}${node.alive ? '' : ' ✕'}${byz}`;
}

/** What a screen reader hears for a node: "Node 2: leader, term 3, byzantine (silent)". */
export function nodeDescription(node: { id: number; role: string; alive: boolean; byzantine?: string; epoch?: number }, epochLabel: string | undefined): string {
  const parts = [node.alive ? roleStyle(node.role).label : 'crashed'];
  if (node.alive && node.epoch !== undefined && epochLabel) parts.push(`${epochLabel} ${node.epoch}`);
  if (node.byzantine !== undefined) parts.push(`byzantine (${node.byzantine})`);
  return `Node ${node.id}: ${parts.join(', ')}`;
}

/** An SVG path for a node shape inside a `size`×`size` box at the origin (legend and node list). */
export function shapePath(shape: NodeShape, size: number): string {
  const c = size / 2;
  const r = size / 2 - 1;
  const polygon = (points: Array<[number, number]>) => `M${points.map(([x, y]) => `${(c + x * r).toFixed(1)},${(c + y * r).toFixed(1)}`).join('L')}Z`;
  const regular = (sides: number, turn: number) =>
    polygon(Array.from({ length: sides }, (_, k) => [Math.cos(turn + (2 * Math.PI * k) / sides), Math.sin(turn + (2 * Math.PI * k) / sides)] as [number, number]));
  switch (shape) {
    case 'star':
      return polygon(Array.from({ length: 10 }, (_, k) => {
        const a = -Math.PI / 2 + (Math.PI * k) / 5;
        const m = k % 2 === 0 ? 1 : 0.45;
        return [m * Math.cos(a), m * Math.sin(a)] as [number, number];
      }));
    case 'diamond':
      return polygon([[0, -1], [1, 0], [0, 1], [-1, 0]]);
    case 'triangle':
      return polygon([[0, -1], [1, 0.8], [-1, 0.8]]);
    case 'hexagon':
      return regular(6, 0);
    case 'octagon':
      return regular(8, Math.PI / 8);
    case 'round-rectangle': {
      const k = r * 0.35;
      const lo = c - r;
      const hi = c + r;
      return `M${lo + k},${lo}H${hi - k}Q${hi},${lo} ${hi},${lo + k}V${hi - k}Q${hi},${hi} ${hi - k},${hi}H${lo + k}Q${lo},${hi} ${lo},${hi - k}V${lo + k}Q${lo},${lo} ${lo + k},${lo}Z`;
    }
    default:
      return `M${c - r},${c}A${r},${r} 0 1 0 ${c + r},${c}A${r},${r} 0 1 0 ${c - r},${c}Z`;
  }
}
