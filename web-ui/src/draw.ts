// Drawing one picture on a Canvas 2D, batched so that hundreds of services and thousands of moving
// dots stay fluid without a GPU: every edge of one colour is one path; dots are plain rectangles, one
// colour at a time, which Skia rasterises on its fast path for anti-aliased rectangles (one path of
// thousands of squares goes through its general scan converter, about 10 ms more per frame at
// commit on 2 cores, README "Performance"). Labels are drawn in screen space at a fixed size
// (legible at every zoom) and skipped where they would overlap.

import { Camera } from './camera';
import { Dots } from './dots';
import { EdgeGeometry, clamp, point, worldRadius } from './geometry';
import { Hit } from './hittest';
import { Point } from './layout';
import { DisplayEdge, DisplayGraph, DisplayNode, Health } from './lod';
import { formatMicros, formatPercent, formatRate, Selection } from './state';

export const COLOURS = {
  background: '#0d1421',
  normal: '#9fd0f5',
  warning: '#f7a531',
  danger: '#ff4d4f',
  nodeFill: '#172234',
  label: '#dbe6f3',
  muted: '#7d8ba0',
  island: 'rgba(120, 160, 210, 0.06)',
  islandEdge: 'rgba(140, 180, 230, 0.22)',
  selection: '#ffffff',
};
const HEALTH_COLOUR: Record<Health, string> = {
  normal: COLOURS.normal, warning: COLOURS.warning, danger: COLOURS.danger,
};

/** From this zoom on, labels carry a second line (rate, errors, p99). */
export const DETAIL_SCALE = 0.7;

/** The screen radius of a service never drops below this. */
const MIN_RADIUS_PX = 4;

export interface Island {
  label: string;
  members: string[];
}

/** What one picture shows. */
export interface Scene {
  graph: DisplayGraph;
  positions: Map<string, Point>;
  islands: Island[];
  geometry: EdgeGeometry[];
  nodeById: Map<string, DisplayNode>;
  selection: Selection;
  hover: Hit;
}

/** The selected or hovered element and its neighbours: drawn strong, the rest dimmed. */
export interface Focus {
  nodes: Set<string>;
  edges: Set<string>;
}

type Project = (v: number) => number;

export class Painter {
  private readonly labelWidths = new Map<string, number>();

  constructor(private readonly camera: Camera) {}

  /**
   * What the layer under the dots shows (islands, edges with their colour and emphasis), as a
   * signature: equal signatures draw the same pixels for the same camera and focus.
   */
  static underSignature(s: Scene, islands = Painter.islandsSignature(s)): string {
    const h = new Signature();
    h.text(islands);
    for (const g of s.geometry) {
      h.text(g.edge.id).text(g.edge.health).int(emphasised(s, g.edge) ? 1 : 0)
        .number(g.ax).number(g.ay).number(g.bx).number(g.by);
    }
    return h.value();
  }

  /** What the islands (the stacks' backgrounds, under the edges) show: their labels and members' places. */
  static islandsSignature(s: Scene): string {
    const h = new Signature();
    for (const island of s.islands) {
      h.text(island.label);
      for (const m of island.members) {
        const p = s.positions.get(m);
        if (p) h.text(m).number(p.x).number(p.y);
      }
    }
    h.int(-1);
    return h.value();
  }

  /** What the services over the dots show (their shapes, rings with shares to the percent, badges). */
  static nodesSignature(s: Scene): string {
    const h = new Signature();
    for (const n of s.graph.nodes) {
      const p = s.positions.get(n.id);
      if (!p) continue;
      const c = n.served;
      const total = c.ok + c.warning + c.error;
      const share = (v: number) => (total ? Math.round((100 * v) / total) : -1);
      let severity = -1;
      for (const k of n.notices) severity = Math.max(severity, k.severity);
      h.text(n.id).number(p.x).number(p.y).text(n.kind).int(n.emphasised ? 1 : 0).int(n.match ? 1 : 0)
        .int(share(c.warning)).int(share(c.error)).int(severity);
    }
    h.int(-1);
    for (const g of s.geometry) {
      if (g.edge.notices.length === 0) continue;
      let severity = -1;
      for (const k of g.edge.notices) severity = Math.max(severity, k.severity);
      h.text(g.edge.id).int(severity);
    }
    return h.value();
  }

  /**
   * What the labels show: names where they are, and the second line (rate, errors, p99) only at
   * {@code detail} zoom. Rates order which of two overlapping labels is drawn, but do not by
   * themselves redraw the labels: the names stay put while the numbers move.
   */
  static labelsSignature(s: Scene, detail: boolean): string {
    const h = new Signature();
    for (const n of s.graph.nodes) {
      const p = s.positions.get(n.id);
      if (!p) continue;
      h.text(n.id).number(p.x).number(p.y).text(n.label).text(n.kind).int(n.members.length)
        .int(n.replicas).int(n.emphasised ? 1 : 0).int(n.match ? 1 : 0).text(n.health)
        .text(detail && n.served.rate > 0 ? labelLine(n) : '');
    }
    return h.value();
  }

  radiusPx(n: DisplayNode): number {
    return Math.max(MIN_RADIUS_PX, worldRadius(n) * this.camera.scale);
  }

  /** Edges, one path per colour and emphasis. */
  drawEdges(ctx: CanvasRenderingContext2D, s: Scene, sx: Project, sy: Project,
    focus: { edges: Set<string> } | null): void {
    ctx.lineCap = 'round';
    for (const strong of [false, true]) {
      for (const h of ['normal', 'warning', 'danger'] as Health[]) {
        ctx.beginPath();
        let any = false;
        for (const g of s.geometry) {
          if (g.edge.health !== h) continue;
          const isStrong = focus ? focus.edges.has(g.edge.id) : emphasised(s, g.edge);
          if (isStrong !== strong) continue;
          ctx.moveTo(sx(g.ax), sy(g.ay));
          ctx.quadraticCurveTo(sx(g.cx), sy(g.cy), sx(g.bx), sy(g.by));
          any = true;
        }
        if (!any) continue;
        ctx.strokeStyle = HEALTH_COLOUR[h];
        ctx.globalAlpha = strong ? (focus ? 0.85 : 0.4) : 0.1;
        // 1 px or less is drawn as a hairline, many times faster to rasterise than 1.2 px (it looks
        // the same at these alphas); only the few focused edges are thicker.
        ctx.lineWidth = strong && focus ? 2 : 1;
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
  }

  /** Dots: squares, one colour at a time (Skia's anti-aliased rectangle, not a path). */
  drawDots(ctx: CanvasRenderingContext2D, s: Scene, dots: Dots, sx: Project, sy: Project,
    focus: { edges: Set<string> } | null): void {
    const size = clamp(5 * this.camera.scale, 2, 5.5);
    const half = size / 2;
    for (let kind = 0; kind < 3; kind++) {
      ctx.fillStyle = kind === 0 ? COLOURS.normal : kind === 1 ? COLOURS.warning : COLOURS.danger;
      for (let i = 0; i < dots.count; i++) {
        if (dots.kind[i] !== kind) continue;
        const g = s.geometry[dots.edge[i]];
        if (focus && !focus.edges.has(g.edge.id)) continue;
        const t = dots.t[i];
        const u = 1 - t;
        const x = sx(u * u * g.ax + 2 * u * t * g.cx + t * t * g.bx);
        const y = sy(u * u * g.ay + 2 * u * t * g.cy + t * t * g.by);
        if (x < -4 || y < -4 || x > this.camera.width + 4 || y > this.camera.height + 4) continue;
        ctx.fillRect(x - half, y - half, size, size);
      }
    }
  }

  drawIslands(ctx: CanvasRenderingContext2D, s: Scene, sx: Project, sy: Project): void {
    ctx.font = '600 11px system-ui, sans-serif';
    for (const island of s.islands) {
      const points = island.members.map((m) => s.positions.get(m)).filter((p): p is Point => !!p);
      if (points.length === 0) continue;
      const pad = Math.max(14, 48 * this.camera.scale);
      const x0 = sx(Math.min(...points.map((p) => p.x))) - pad;
      const x1 = sx(Math.max(...points.map((p) => p.x))) + pad;
      const y0 = sy(Math.min(...points.map((p) => p.y))) - pad - 8;
      const y1 = sy(Math.max(...points.map((p) => p.y))) + pad + 10;
      ctx.beginPath();
      ctx.roundRect(x0, y0, x1 - x0, y1 - y0, Math.min(18, pad));
      ctx.fillStyle = COLOURS.island;
      ctx.fill();
      ctx.strokeStyle = COLOURS.islandEdge;
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.fillStyle = COLOURS.muted;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(island.label.toUpperCase(), x0 + 8, y0 + 6);
    }
  }

  drawNodes(ctx: CanvasRenderingContext2D, s: Scene, sx: Project, sy: Project, focus: { nodes: Set<string> } | null): void {
    for (const n of s.graph.nodes) {
      const p = s.positions.get(n.id);
      if (!p) continue;
      const x = sx(p.x);
      const y = sy(p.y);
      const r = this.radiusPx(n);
      if (x < -r - 40 || y < -r - 40 || x > this.camera.width + r + 40 || y > this.camera.height + r + 40) continue;
      const dim = focus ? !focus.nodes.has(n.id) : !n.emphasised;
      ctx.globalAlpha = dim ? 0.25 : 1;
      ctx.beginPath();
      if (n.kind === 'stack') ctx.roundRect(x - r, y - r, 2 * r, 2 * r, r * 0.35);
      else ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fillStyle = COLOURS.nodeFill;
      ctx.fill();
      // The ring: the share of calls per outcome, clockwise from the top.
      const total = n.served.ok + n.served.warning + n.served.error;
      const width = Math.max(1.5, Math.min(4, r * 0.18));
      if (n.kind === 'external') ctx.setLineDash([Math.max(2, r * 0.25), Math.max(2, r * 0.18)]);
      ring(ctx, x, y, r, width, total === 0 ? [[1, COLOURS.normal]] : [
        [n.served.ok / total, COLOURS.normal],
        [n.served.warning / total, COLOURS.warning],
        [n.served.error / total, COLOURS.danger],
      ], total === 0 && n.kind !== 'internet');
      ctx.setLineDash([]);
      if (n.kind === 'internet' && r > 10) {
        ctx.strokeStyle = COLOURS.muted;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.ellipse(x, y, r * 0.45, r * 0.75, 0, 0, Math.PI * 2);
        ctx.moveTo(x - r * 0.75, y);
        ctx.lineTo(x + r * 0.75, y);
        ctx.stroke();
      }
      const selected = (s.selection?.kind === 'node' && s.selection.id === n.id)
        || (s.hover?.kind === 'node' && s.hover.id === n.id);
      if (selected || n.match) {
        ctx.beginPath();
        ctx.arc(x, y, r + width + 3, 0, Math.PI * 2);
        ctx.strokeStyle = n.match && !selected ? COLOURS.warning : COLOURS.selection;
        ctx.lineWidth = 2;
        ctx.stroke();
      }
      if (n.notices.length) badge(ctx, x + r * 0.8, y - r * 0.8, Math.max(...n.notices.map((k) => k.severity)));
    }
    for (const g of s.geometry) {
      if (g.edge.notices.length === 0) continue;
      const m = point(g, 0.5);
      badge(ctx, sx(m.x), sy(m.y), Math.max(...g.edge.notices.map((k) => k.severity)));
    }
    ctx.globalAlpha = 1;
  }

  drawLabels(ctx: CanvasRenderingContext2D, s: Scene, sx: Project, sy: Project, focus: { nodes: Set<string> } | null): void {
    const detail = this.camera.scale >= DETAIL_SCALE;
    const importance = (n: DisplayNode) => (focus?.nodes.has(n.id) ? 1e12 : 0) + (n.match ? 1e11 : 0)
      + (n.kind === 'internet' ? 1e10 : 0) + (n.health !== 'normal' ? 1e9 : 0) + n.served.rate;
    const order = [...s.graph.nodes].sort((a, b) => importance(b) - importance(a));
    const placed: [number, number, number, number][] = [];
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const n of order) {
      const p = s.positions.get(n.id);
      if (!p) continue;
      const x = sx(p.x);
      const r = this.radiusPx(n);
      const y = sy(p.y) + r + 5;
      if (x < -100 || x > this.camera.width + 100 || y < -40 || y > this.camera.height + 40) continue;
      const name = n.kind === 'stack' ? `${n.label} · ${n.members.length} services`
        : n.replicas > 1 ? `${n.label} ×${n.replicas}` : n.label;
      ctx.font = '500 12px system-ui, sans-serif';
      let w = this.labelWidths.get(name);
      if (w === undefined) {
        w = ctx.measureText(name).width;
        if (this.labelWidths.size > 5000) this.labelWidths.clear();
        this.labelWidths.set(name, w);
      }
      const lines = detail && n.served.rate > 0 ? 2 : 1;
      const box: [number, number, number, number] = [x - w / 2 - 3, y - 1, x + w / 2 + 3, y + lines * 15];
      if (placed.some((q) => box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1])) continue;
      placed.push(box);
      const dim = focus ? !focus.nodes.has(n.id) : !n.emphasised;
      ctx.globalAlpha = dim ? 0.35 : 1;
      ctx.fillStyle = 'rgba(13, 20, 33, 0.75)';
      ctx.fillRect(box[0], box[1], box[2] - box[0], 15);
      ctx.fillStyle = COLOURS.label;
      ctx.fillText(name, x, y);
      if (lines === 2) {
        const text = labelLine(n);
        ctx.font = '11px system-ui, sans-serif';
        ctx.fillStyle = n.health === 'normal' ? COLOURS.muted : HEALTH_COLOUR[n.health];
        ctx.fillText(text, x, y + 15);
      }
    }
    ctx.globalAlpha = 1;
  }
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/**
 * A 64-bit signature of what a layer shows, fed field by field (numbers by their bits, texts by
 * their characters and length) instead of built as a string: an update with 1,000 edges makes no
 * garbage and formats no number. Two different pictures share a signature with a chance of about
 * 1 in 2^64, so a layer misses a redraw about never; it is redrawn at the next change anyway.
 */
export class Signature {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;

  int(v: number): this {
    this.a = Math.imul(this.a ^ v, 0x01000193);
    this.b = Math.imul(this.b ^ (v + 0x7f4a7c15), 0x5bd1e995);
    this.b ^= this.b >>> 15;
    return this;
  }

  number(v: number): this {
    bits[0] = v;
    return this.int(words[0]).int(words[1]);
  }

  text(t: string): this {
    for (let i = 0; i < t.length; i++) this.int(t.charCodeAt(i));
    return this.int(t.length);
  }

  value(): string {
    return `${(this.a >>> 0).toString(36)}.${(this.b >>> 0).toString(36)}`;
  }
}

/** A service's second label line: rate, errors, p99. */
function labelLine(n: DisplayNode): string {
  const total = n.served.ok + n.served.warning + n.served.error;
  return `${formatRate(n.served.rate)} · ${formatPercent(total ? n.served.error / total : 0)} err · p99 ${formatMicros(n.served.p99Micros)}`;
}

function emphasised(s: Scene, e: DisplayEdge): boolean {
  return (s.nodeById.get(e.source)?.emphasised ?? true) && (s.nodeById.get(e.target)?.emphasised ?? true);
}

function ring(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, width: number,
  parts: [number, string][], quiet: boolean): void {
  let start = -Math.PI / 2;
  ctx.lineWidth = width;
  for (const [share, colour] of parts) {
    if (share <= 0) continue;
    const end = start + share * Math.PI * 2;
    ctx.beginPath();
    ctx.arc(x, y, r, start, end);
    ctx.strokeStyle = colour;
    ctx.globalAlpha *= quiet ? 0.45 : 1;
    ctx.stroke();
    if (quiet) ctx.globalAlpha /= 0.45;
    start = end;
  }
}

function badge(ctx: CanvasRenderingContext2D, x: number, y: number, severity: number): void {
  const size = 7;
  ctx.beginPath();
  ctx.moveTo(x, y - size);
  ctx.lineTo(x + size, y + size * 0.8);
  ctx.lineTo(x - size, y + size * 0.8);
  ctx.closePath();
  ctx.fillStyle = severity >= 2 ? COLOURS.danger : severity === 1 ? COLOURS.warning : COLOURS.normal;
  ctx.fill();
  ctx.fillStyle = COLOURS.background;
  ctx.font = 'bold 9px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('!', x, y + 1.5);
}
