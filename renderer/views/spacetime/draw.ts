/**
 * Paints the space-time diagram on a 2D canvas from what layout.ts computes: lanes, time grid,
 * downtime, message arrows (batched per type: one path per colour), lane marks and the "now"
 * line. Colours come from the page's CSS variables, so light, dark and presentation mode apply.
 */
import type { NodeView } from '../../../engine/api/session.ts';
import { arrowSegment, formatTime, laneY, startMs, timeTicks, timeToX, type LaneMark, type MessageArrow, type SpaceTimeModel, type Viewport } from './layout.ts';
import { messageKind } from './message-kinds.ts';

export interface Palette {
  text: string;
  muted: string;
  border: string;
  accent: string;
  /** The panel colour behind the diagram (fills open arrowheads). */
  background: string;
  bad: string;
  good: string;
  /** The value of a colour variable such as '--c-blue'. */
  colour: (varName: string) => string;
}

export function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const cache = new Map<string, string>();
  return {
    text: read('--text', '#1b1f24'),
    muted: read('--muted', '#4d5561'),
    border: read('--border', '#d8dde3'),
    accent: read('--accent', '#1f5fbf'),
    background: read('--panel', '#ffffff'),
    bad: read('--bad', '#b3261e'),
    good: read('--good', '#146c2e'),
    colour: (varName) => {
      let value = cache.get(varName);
      if (value === undefined) {
        value = read(varName, '#999999');
        cache.set(varName, value);
      }
      return value;
    },
  };
}

export interface Scene {
  vp: Viewport;
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  nowMs: number;
  arrows: readonly MessageArrow[];
  model: SpaceTimeModel;
  nodes: readonly NodeView[];
  selectedNode: number | null;
  selectedArrow: MessageArrow | null;
  presenting: boolean;
  font: number;
  fontFamily: string;
  palette: Palette;
}

export interface Drawn {
  delivered: number;
  inFlight: number;
  dropped: number;
}

export function drawScene(ctx: CanvasRenderingContext2D, scene: Scene): Drawn {
  const { vp, palette, font, fontFamily } = scene;
  ctx.clearRect(0, 0, scene.width, scene.height);
  drawLanes(ctx, scene);
  const t0 = startMs(vp);
  const plotBottom = vp.top + vp.lanes * vp.laneHeight;

  const { step, ticks } = timeTicks(t0, vp.endMs, Math.max(2, Math.floor(vp.width / (font * 9))));
  ctx.font = `${font}px ${fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.lineWidth = 1;
  for (const tick of ticks) {
    const x = timeToX(vp, tick);
    ctx.strokeStyle = palette.border;
    ctx.beginPath();
    ctx.moveTo(x, vp.top);
    ctx.lineTo(x, plotBottom + 4);
    ctx.stroke();
    ctx.fillStyle = palette.muted;
    const label = formatTime(tick, step);
    const half = ctx.measureText(label).width / 2;
    ctx.fillText(label, Math.min(x, scene.width - half - 2), plotBottom + 6);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(vp.left, 0, vp.width, scene.height);
  ctx.clip();
  drawDowntime(ctx, scene);
  const drawn = drawArrows(ctx, scene);
  drawMarks(ctx, scene, scene.model.marksIn(t0, vp.endMs, scene.nowMs));
  const xNow = timeToX(vp, scene.nowMs);
  if (xNow >= vp.left && xNow <= vp.left + vp.width) {
    ctx.strokeStyle = palette.accent;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(xNow, vp.top);
    ctx.lineTo(xNow, plotBottom);
    ctx.stroke();
  }
  ctx.restore();
  return drawn;
}

/** Alternate shading, the selected node's lane highlighted, names and roles in the gutter. */
function drawLanes(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { vp, palette, font, fontFamily } = scene;
  for (let lane = 0; lane < vp.lanes; lane++) {
    const y = vp.top + lane * vp.laneHeight;
    const selected = lane === scene.selectedNode;
    if (selected) {
      ctx.fillStyle = palette.accent;
      ctx.globalAlpha = 0.18;
      ctx.fillRect(0, y, scene.width, vp.laneHeight);
      ctx.globalAlpha = 1;
    } else if (lane % 2 === 1) {
      ctx.fillStyle = palette.border;
      ctx.globalAlpha = 0.35;
      ctx.fillRect(vp.left, y, vp.width, vp.laneHeight);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = palette.border;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(vp.left, y + vp.laneHeight / 2);
    ctx.lineTo(vp.left + vp.width, y + vp.laneHeight / 2);
    ctx.stroke();

    const view = scene.nodes[lane];
    const down = view !== undefined && !view.alive;
    ctx.fillStyle = down ? palette.bad : selected ? palette.accent : palette.text;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const room = vp.left - 10;
    if (vp.laneHeight >= 30 && view) {
      ctx.font = `${selected ? 700 : 600} ${font}px ${fontFamily}`;
      ctx.fillText(`node ${lane}`, 6, y + vp.laneHeight * 0.3, room);
      ctx.font = `${Math.round(font * 0.85)}px ${fontFamily}`;
      ctx.fillStyle = down ? palette.bad : palette.muted;
      ctx.fillText(down ? 'down' : view.byzantine ? 'byzantine' : view.role, 6, y + vp.laneHeight * 0.72, room);
    } else if (vp.laneHeight >= 14) {
      ctx.font = `${selected ? 700 : 400} ${Math.min(font, vp.laneHeight - 1)}px ${fontFamily}`;
      ctx.fillText(`node ${lane}${down ? ' (down)' : ''}`, 6, y + vp.laneHeight / 2, room);
    } else {
      // Thin lanes: number every few lanes (and the selected or crashed ones), at a readable size.
      const every = Math.ceil(12 / vp.laneHeight);
      if (lane % every === 0 || selected || down) {
        ctx.font = `${selected ? 700 : 400} ${Math.min(font, 11)}px ${fontFamily}`;
        ctx.fillText(`node ${lane}${down ? ' ✕' : ''}`, 6, y + vp.laneHeight / 2, room);
      }
    }
  }
}

/** A hatched band on a lane from crash to restart. */
function drawDowntime(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { vp, palette } = scene;
  for (const down of scene.model.downtime(startMs(vp), vp.endMs, scene.nowMs)) {
    if (down.node >= vp.lanes) continue;
    const x1 = Math.max(vp.left, timeToX(vp, down.from));
    const x2 = Math.min(vp.left + vp.width, timeToX(vp, down.to));
    if (x2 <= x1) continue;
    const h = vp.laneHeight - 4;
    const y = vp.top + down.node * vp.laneHeight + 2;
    ctx.fillStyle = palette.bad;
    ctx.globalAlpha = 0.12;
    ctx.fillRect(x1, y, x2 - x1, h);
    ctx.globalAlpha = 0.45;
    ctx.strokeStyle = palette.bad;
    ctx.lineWidth = 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x1, y, x2 - x1, h);
    ctx.clip();
    ctx.beginPath();
    for (let x = x1 - h; x < x2; x += 8) {
      ctx.moveTo(x, y + h);
      ctx.lineTo(x + h, y);
    }
    ctx.stroke();
    ctx.restore();
    ctx.globalAlpha = 1;
  }
}

function drawArrows(ctx: CanvasRenderingContext2D, scene: Scene): Drawn {
  const { vp, palette, nowMs } = scene;
  const byType = new Map<string, MessageArrow[]>();
  for (const arrow of scene.arrows) {
    const list = byType.get(arrow.msg);
    if (list) list.push(arrow);
    else byType.set(arrow.msg, [arrow]);
  }
  const baseWidth = scene.presenting ? 2.2 : 1.4;
  const head = scene.presenting ? 9 : 6;
  // Time runs left to right, so a line's direction is plain without a head; heads on a thousand
  // arrows in thin lanes cost more to paint than they tell.
  const withHeads = vp.laneHeight >= 14 || scene.arrows.length < 400;
  const drawn: Drawn = { delivered: 0, inFlight: 0, dropped: 0 };
  for (const [type, list] of byType) {
    const kind = messageKind(type);
    const colour = palette.colour(kind.colourVar);
    const solid = new Path2D();
    const heads = new Path2D();
    const dashed = new Path2D();
    const crosses = new Path2D();
    for (const arrow of list) {
      const s = arrowSegment(vp, arrow, nowMs);
      if (!s) continue;
      if (arrow.status === 'dropped' && s.ended) {
        drawn.dropped++;
        dashed.moveTo(s.x1, s.y1);
        dashed.lineTo(s.x2, s.y2);
        const c = head * 0.6;
        crosses.moveTo(s.x2 - c, s.y2 - c);
        crosses.lineTo(s.x2 + c, s.y2 + c);
        crosses.moveTo(s.x2 - c, s.y2 + c);
        crosses.lineTo(s.x2 + c, s.y2 - c);
        continue;
      }
      solid.moveTo(s.x1, s.y1);
      solid.lineTo(s.x2, s.y2);
      if (s.ended) {
        drawn.delivered++;
        if (!withHeads) continue;
        const angle = Math.atan2(s.y2 - s.y1, s.x2 - s.x1);
        heads.moveTo(s.x2, s.y2);
        heads.lineTo(s.x2 - head * Math.cos(angle - 0.4), s.y2 - head * Math.sin(angle - 0.4));
        heads.lineTo(s.x2 - head * Math.cos(angle + 0.4), s.y2 - head * Math.sin(angle + 0.4));
        heads.closePath();
      } else {
        // In flight: a dot (a ring for replies) at the tip, like the token on the network graph.
        drawn.inFlight++;
        if (!withHeads) continue;
        heads.moveTo(s.x2 + head / 2, s.y2);
        heads.arc(s.x2, s.y2, head / 2, 0, Math.PI * 2);
      }
    }
    const width = type === 'tx' ? baseWidth * 0.75 : baseWidth;
    if (kind.light) {
      // A pale colour (yellow) gets a dark casing so it reads on a light page too.
      ctx.strokeStyle = palette.text;
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = width + 2;
      ctx.stroke(solid);
      ctx.stroke(heads);
      ctx.setLineDash([5, 4]);
      ctx.stroke(dashed);
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = width;
    ctx.setLineDash([]);
    ctx.stroke(solid);
    if (kind.reply) {
      ctx.fillStyle = palette.background;
      ctx.fill(heads);
      ctx.lineWidth = Math.max(1.2, width);
      ctx.stroke(heads);
    } else ctx.fill(heads);
    ctx.lineWidth = width;
    ctx.setLineDash([5, 4]);
    ctx.stroke(dashed);
    ctx.setLineDash([]);
    ctx.lineWidth = baseWidth + 0.6;
    ctx.stroke(crosses);
  }

  const selected = scene.selectedArrow;
  const s = selected ? arrowSegment(vp, selected, nowMs) : null;
  if (selected && s) {
    ctx.strokeStyle = palette.text;
    ctx.lineWidth = baseWidth + 5;
    ctx.globalAlpha = 0.35;
    ctx.beginPath();
    ctx.moveTo(s.x1, s.y1);
    ctx.lineTo(s.x2, s.y2);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = palette.colour(messageKind(selected.msg).colourVar);
    ctx.lineWidth = baseWidth + 1.5;
    if (selected.status === 'dropped') ctx.setLineDash([5, 4]);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  return drawn;
}

/** Shapes per kind (diamond: proposed, square: final, triangle: orphan or reorg, cross: crash, ring: restart, tick: role). */
function drawMarks(ctx: CanvasRenderingContext2D, scene: Scene, marks: readonly LaneMark[]): void {
  const { vp, palette, font, fontFamily } = scene;
  const size = Math.max(3, Math.min(vp.laneHeight * 0.22, scene.presenting ? 9 : 7));
  const labels = vp.laneHeight >= 24;
  const labelEnd = new Map<number, number>();
  ctx.font = `${Math.round(font * 0.85)}px ${fontFamily}`;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  for (const mark of marks) {
    if (mark.node >= vp.lanes) continue;
    const x = timeToX(vp, mark.t);
    const y = laneY(vp, mark.node);
    ctx.lineWidth = 1.5;
    switch (mark.kind) {
      case 'propose':
        ctx.fillStyle = palette.text;
        ctx.beginPath();
        ctx.moveTo(x, y - size);
        ctx.lineTo(x + size, y);
        ctx.lineTo(x, y + size);
        ctx.lineTo(x - size, y);
        ctx.closePath();
        ctx.fill();
        break;
      case 'finalize':
        ctx.fillStyle = palette.good;
        ctx.fillRect(x - size * 0.7, y - size * 0.7, size * 1.4, size * 1.4);
        break;
      case 'orphan':
      case 'reorg':
        ctx.strokeStyle = palette.bad;
        ctx.beginPath();
        ctx.moveTo(x, y - size);
        ctx.lineTo(x + size, y + size);
        ctx.lineTo(x - size, y + size);
        ctx.closePath();
        ctx.stroke();
        break;
      case 'crash':
        ctx.strokeStyle = palette.bad;
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.moveTo(x - size, y - size);
        ctx.lineTo(x + size, y + size);
        ctx.moveTo(x - size, y + size);
        ctx.lineTo(x + size, y - size);
        ctx.stroke();
        break;
      case 'restart':
        ctx.strokeStyle = palette.good;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, size, 0, Math.PI * 2);
        ctx.stroke();
        break;
      case 'role':
        ctx.strokeStyle = palette.muted;
        ctx.beginPath();
        ctx.moveTo(x, y - vp.laneHeight * 0.45);
        ctx.lineTo(x, y + vp.laneHeight * 0.45);
        ctx.stroke();
        break;
    }
    if (!labels || mark.kind === 'finalize' || mark.kind === 'orphan') continue;
    const lx = x + size + 2;
    if (lx < (labelEnd.get(mark.node) ?? Number.NEGATIVE_INFINITY)) continue;
    ctx.fillStyle = mark.kind === 'crash' || mark.kind === 'reorg' ? palette.bad : mark.kind === 'role' ? palette.text : palette.muted;
    ctx.fillText(mark.label, lx, y - 1);
    labelEnd.set(mark.node, lx + ctx.measureText(mark.label).width + 6);
  }
}
