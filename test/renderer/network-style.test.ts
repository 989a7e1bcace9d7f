import { describe, expect, it } from 'vitest';
import { messageKind, messageKinds, nodeDescription, nodeLabel, PROTOCOL_ROLES, roleStyle, shapePath } from '../../renderer/views/network/graph-style.ts';

describe('how the graph draws roles and messages', () => {
  it('never tells roles of one protocol apart by colour alone: each has its own shape', () => {
    for (const roles of Object.values(PROTOCOL_ROLES)) {
      const shapes = roles.map((r) => roleStyle(r).shape);
      expect(new Set(shapes).size).toBe(roles.length);
    }
  });

  it('never tells message kinds of one protocol apart by colour alone: colour and glyph differ together', () => {
    for (const protocol of ['poa', 'raft', 'bft', 'pow'] as const) {
      const kinds = messageKinds(protocol);
      const looks = kinds.map((k) => `${k.colour}/${k.glyph}`);
      expect(new Set(looks).size).toBe(kinds.length);
      expect(new Set(kinds.map((k) => k.label)).size).toBe(kinds.length);
    }
  });

  it('has a legend entry for every message type the engine sends', () => {
    for (const type of ['tx', 'block', 'sync.get', 'sync.blocks', 'raft.vote', 'raft.vote-reply', 'raft.append', 'raft.append-reply', 'bft.proposal', 'bft.prevote', 'bft.precommit']) {
      expect(messageKind(type).type).toBe(type);
    }
    expect(messageKind('gossip.new')).toMatchObject({ label: 'gossip.new', colour: '--c-grey' });
  });

  it('labels nodes in words when there is room, and marks crashed and Byzantine nodes either way', () => {
    expect(nodeLabel({ id: 2, role: 'leader', alive: true }, true)).toBe('2 · leader');
    expect(nodeLabel({ id: 2, role: 'leader', alive: false }, true)).toBe('2 · crashed ✕');
    expect(nodeLabel({ id: 4, role: 'validator', alive: true, byzantine: 'silent' }, true)).toBe('4 · validator\n⚠ byzantine: silent');
    expect(nodeLabel({ id: 7, role: 'follower', alive: false, byzantine: 'silent' }, false)).toBe('7 ✕ ⚠');
    expect(roleStyle('some-new-role')).toMatchObject({ label: 'some-new-role', shape: 'ellipse' });
  });

  it('describes a node in a sentence a screen reader (or a test) can use', () => {
    expect(nodeDescription({ id: 3, role: 'leader', alive: true, epoch: 4 }, 'term')).toBe('Node 3: leader, term 4');
    expect(nodeDescription({ id: 3, role: 'leader', alive: false, epoch: 4 }, 'term')).toBe('Node 3: crashed');
    expect(nodeDescription({ id: 1, role: 'authority', alive: true, byzantine: 'equivocate', epoch: 9 }, 'slot')).toBe('Node 1: authority, slot 9, byzantine (equivocate)');
  });

  it('draws every node shape as a closed SVG path inside its box', () => {
    for (const shape of ['star', 'diamond', 'ellipse', 'round-rectangle', 'hexagon', 'octagon', 'triangle'] as const) {
      const d = shapePath(shape, 18);
      expect(d).toMatch(/^M.*Z$/);
      const numbers = (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
      for (const n of numbers) expect(n).toBeGreaterThanOrEqual(0);
      for (const n of numbers) expect(n).toBeLessThanOrEqual(18);
    }
  });
});
