/**
 * The graph's animation layer: a canvas over Cytoscape that draws the messages in flight (a
 * glyph per message family, coloured by type), lost messages (a red ✕) and the partition groups'
 * names. Drawn every animation frame; one path per message kind keeps 50 nodes and hundreds of
 * messages well inside a frame.
 */
import { messageKind, type MessageGlyph, type PaletteVar } from './graph-style.ts';
import type { DropMark, InFlight } from './messages.ts';
import type { Point } from './layout.ts';

export type Palette = Record<PaletteVar, string> & { text: string; panel: string; bad: string; focus: string };

const PALETTE_VARS: readonly PaletteVar[] = ['--c-orange', '--c-sky', '--c-green', '--c-yellow', '--c-blue', '--c-vermillion', '--c-purple', '--c-grey'];

/** Read the page's colours (they change with presentation mode and the colour scheme). */
export function readPalette(element: Element = document.documentElement): Palette {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const palette = { text: read('--text', '#1b1f24'), panel: read('--panel', '#ffffff'), bad: read('--bad', '#b3261e'), focus: read('--focus', '#f0a800') } as Palette;
  for (const name of PALETTE_VARS) palette[name] = read(name, '#999999');
  return palette;
}

export interface OverlayScene {
  /** CSS pixels. */
  width: number;
  height: number;
  dpr: number;
  /** Rendered (screen) position of a node, by id. */
  at: (node: number) => Point | undefined;
  messages: readonly InFlight[];
  drops: readonly DropMark[];
  /** Partition clusters to name: label and where (above the cluster). */
  groups: ReadonlyArray<{ label: string; x: number; y: number }>;
  palette: Palette;
  /** Glyph radius in CSS pixels. */
  glyphPx: number;
  /** Font size of the group names, CSS pixels. */
  labelPx: number;
}

/** Where a message is drawn: along its link, nudged sideways so the two directions don't overlap. */
function placeOnLink(a: Point, b: Point, progress: number, nudge: number): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  return { x: a.x + dx * progress + (-dy / length) * nudge, y: a.y + dy * progress + (dx / length) * nudge };
}

function addGlyph(path: Path2D, glyph: MessageGlyph, p: Point, r: number): void {
  switch (glyph) {
    case 'square':
      path.rect(p.x - r, p.y - r, 2 * r, 2 * r);
      break;
    case 'triangle':
      path.moveTo(p.x, p.y - r * 1.2);
      path.lineTo(p.x + r * 1.1, p.y + r * 0.8);
      path.lineTo(p.x - r * 1.1, p.y + r * 0.8);
      path.closePath();
      break;
    default:
      path.moveTo(p.x + r, p.y);
      path.arc(p.x, p.y, r, 0, 2 * Math.PI);
  }
}

export function drawOverlay(ctx: CanvasRenderingContext2D, scene: OverlayScene): void {
  const { width, height, dpr, palette, glyphPx: r } = scene;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);

  if (scene.groups.length > 0) {
    ctx.font = `700 ${scene.labelPx}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillStyle = palette.text;
    for (const g of scene.groups) ctx.fillText(g.label, g.x, g.y);
  }

  // One path per message type: fill (or stroke, for rings) once each.
  const paths = new Map<string, Path2D>();
  for (const { message, progress } of scene.messages) {
    const a = scene.at(message.from);
    const b = scene.at(message.to);
    if (!a || !b) continue;
    const kind = messageKind(message.msg);
    const p = placeOnLink(a, b, progress, message.from < message.to ? r * 0.9 : -r * 0.9);
    let path = paths.get(message.msg);
    if (!path) paths.set(message.msg, (path = new Path2D()));
    addGlyph(path, kind.glyph, p, kind.glyph === 'ring' ? r * 0.85 : r);
  }
  ctx.lineJoin = 'round';
  for (const [type, path] of paths) {
    const kind = messageKind(type);
    const colour = palette[kind.colour];
    if (kind.glyph === 'ring') {
      // A dark halo under the coloured ring, for contrast on any background.
      ctx.strokeStyle = palette.text;
      ctx.lineWidth = Math.max(3, r * 0.8);
      ctx.stroke(path);
      ctx.lineWidth = Math.max(2, r * 0.5);
      ctx.strokeStyle = colour;
      ctx.stroke(path);
    } else {
      ctx.fillStyle = colour;
      ctx.fill(path);
      // A thin dark edge keeps light colours (yellow, sky) visible on a light page.
      ctx.lineWidth = 1;
      ctx.strokeStyle = palette.text;
      ctx.stroke(path);
    }
  }

  if (scene.drops.length > 0) {
    const cross = new Path2D();
    const s = r * 1.3;
    for (const drop of scene.drops) {
      const a = scene.at(drop.from);
      const b = scene.at(drop.to);
      if (!a || !b) continue;
      const p = placeOnLink(a, b, drop.progress, drop.from < drop.to ? r * 0.9 : -r * 0.9);
      cross.moveTo(p.x - s, p.y - s);
      cross.lineTo(p.x + s, p.y + s);
      cross.moveTo(p.x + s, p.y - s);
      cross.lineTo(p.x - s, p.y + s);
    }
    ctx.lineCap = 'round';
    ctx.strokeStyle = palette.panel;
    ctx.lineWidth = Math.max(5, r);
    ctx.stroke(cross);
    ctx.strokeStyle = palette['--c-vermillion'];
    ctx.lineWidth = Math.max(2.5, r * 0.55);
    ctx.stroke(cross);
  }
}
