// The graph drawn on a Canvas 2D, batched so that hundreds of services and thousands of moving dots
// stay fluid without a GPU: every edge of one colour is one path, every dot of one colour one fill.
// World coordinates come from the layout; the camera maps them to the screen. Labels are drawn in
// screen space at a fixed size (legible at every zoom) and skipped where they would overlap.

import { DisplayEdge, DisplayGraph, DisplayNode, Health } from './lod';
import { Point } from './layout';
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

/** Radius of a service in world units; the screen radius never drops below MIN_RADIUS_PX. */
const RADIUS = 20;
const MIN_RADIUS_PX = 4;
/** World units a dot travels per second; long edges are crossed in at most MAX_TRAVEL seconds. */
const DOT_SPEED = 170;
const MAX_TRAVEL = 3.5;
const MAX_DOTS = 30000;

export interface Island {
  label: string;
  members: string[];
}

export type Hit = { kind: 'node'; id: string } | { kind: 'edge'; id: string } | null;

interface EdgeGeometry {
  edge: DisplayEdge;
  ax: number; ay: number; cx: number; cy: number; bx: number; by: number;
  length: number;
  dotsPerSecond: number;
  pending: number;
  errorShare: number;
  warningShare: number;
}

export interface Camera {
  x: number;
  y: number;
  scale: number;
}

export class Renderer {
  readonly camera: Camera = { x: 0, y: 0, scale: 1 };
  private readonly ctx: CanvasRenderingContext2D;
  private graph: DisplayGraph = { nodes: [], edges: [], hiddenEdges: 0 };
  private positions = new Map<string, Point>();
  private islands: Island[] = [];
  private geometry: EdgeGeometry[] = [];
  private nodeById = new Map<string, DisplayNode>();
  // Dots: parallel arrays, swap-removed when they arrive.
  private dotEdge = new Int32Array(MAX_DOTS);
  private dotT = new Float32Array(MAX_DOTS);
  private dotStep = new Float32Array(MAX_DOTS);
  private dotKind = new Uint8Array(MAX_DOTS);
  private dots = 0;
  private width = 0;
  private height = 0;
  private dpr = 1;
  private last = 0;
  private frames: number[] = [];
  private readonly labelWidths = new Map<string, number>();
  private readonly layers: CanvasRenderingContext2D[] = [];
  private layersKey = '';
  private sceneVersion = 0;
  private sceneAt: number | null = null;
  selection: Selection = null;
  hover: Hit = null;
  /** Milliseconds from the arrival of the last update to the end of the frame that showed it. */
  lastUpdateToPaint: number | null = null;
  onPaint: ((updateToPaintMs: number) => void) | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.ctx = ctx;
  }

  /** A new picture: the dots of edges that stay keep flying. */
  /** @param receivedAt when the data behind it arrived (performance.now()), for update-to-paint */
  setScene(graph: DisplayGraph, positions: Map<string, Point>, islands: Island[], receivedAt = performance.now()): void {
    const previous = new Map(this.geometry.map((g, i) => [g.edge.id, i] as const));
    this.graph = graph;
    this.positions = positions;
    this.islands = islands;
    this.nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
    const remap = new Int32Array(this.geometry.length).fill(-1);
    const geometry: EdgeGeometry[] = [];
    for (const e of graph.edges) {
      const a = positions.get(e.source);
      const b = positions.get(e.target);
      if (!a || !b) continue;
      const g = curve(e, a, b);
      const old = previous.get(e.id);
      if (old !== undefined) {
        remap[old] = geometry.length;
        g.pending = this.geometry[old].pending;
      }
      geometry.push(g);
    }
    let kept = 0;
    for (let i = 0; i < this.dots; i++) {
      const to = this.dotEdge[i] < remap.length ? remap[this.dotEdge[i]] : -1;
      if (to < 0) continue;
      this.dotEdge[kept] = to;
      this.dotT[kept] = this.dotT[i];
      this.dotStep[kept] = step(geometry[to].length);
      this.dotKind[kept] = this.dotKind[i];
      kept++;
    }
    this.dots = kept;
    this.geometry = geometry;
    this.sceneVersion++;
    this.sceneAt = Math.min(this.sceneAt ?? receivedAt, receivedAt);
  }

  resize(): void {
    this.dpr = window.devicePixelRatio || 1;
    this.width = this.canvas.clientWidth;
    this.height = this.canvas.clientHeight;
    this.canvas.width = Math.max(1, Math.round(this.width * this.dpr));
    this.canvas.height = Math.max(1, Math.round(this.height * this.dpr));
  }

  /** Frames per second over the last two seconds. */
  fps(): number {
    const now = performance.now();
    const recent = this.frames.filter((t) => now - t <= 2000);
    if (recent.length < 2) return 0;
    return ((recent.length - 1) * 1000) / (recent[recent.length - 1] - recent[0]);
  }

  dotCount(): number {
    return this.dots;
  }

  toScreen(p: Point): Point {
    return {
      x: (p.x - this.camera.x) * this.camera.scale + this.width / 2,
      y: (p.y - this.camera.y) * this.camera.scale + this.height / 2,
    };
  }

  toWorld(x: number, y: number): Point {
    return {
      x: (x - this.width / 2) / this.camera.scale + this.camera.x,
      y: (y - this.height / 2) / this.camera.scale + this.camera.y,
    };
  }

  /** Frames the visible nodes (or the given ones). */
  /** Screen pixels covered by overlays (the notices on the left, the panel on the right) that fit avoids. */
  insets = { left: 0, right: 0 };

  fit(ids?: string[]): void {
    const points = (ids ?? this.graph.nodes.map((n) => n.id)).map((id) => this.positions.get(id))
      .filter((p): p is Point => p !== undefined);
    if (points.length === 0 || this.width === 0) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const minX = Math.min(...xs) - 90;
    const maxX = Math.max(...xs) + 90;
    const minY = Math.min(...ys) - 70;
    const maxY = Math.max(...ys) + 70;
    const free = Math.max(200, this.width - this.insets.left - this.insets.right);
    this.camera.scale = clamp(Math.min(free / (maxX - minX), this.height / (maxY - minY)), 0.04, 1.6);
    // The middle of the free part of the screen is where the picture's middle goes.
    this.camera.x = (minX + maxX) / 2 - (this.insets.left - this.insets.right) / 2 / this.camera.scale;
    this.camera.y = (minY + maxY) / 2;
  }

  zoomAt(sx: number, sy: number, factor: number): void {
    const before = this.toWorld(sx, sy);
    this.camera.scale = clamp(this.camera.scale * factor, 0.03, 4);
    const after = this.toWorld(sx, sy);
    this.camera.x += before.x - after.x;
    this.camera.y += before.y - after.y;
  }

  radiusPx(n: DisplayNode): number {
    const r = n.kind === 'internet' ? RADIUS * 1.5 : n.kind === 'stack' ? RADIUS * 1.3 : RADIUS;
    return Math.max(MIN_RADIUS_PX, r * this.camera.scale);
  }

  /** The world point in the middle of a drawn edge's curve; undefined for an edge not drawn. */
  edgeMidpoint(id: string): Point | undefined {
    const g = this.geometry.find((k) => k.edge.id === id);
    return g && point(g, 0.5);
  }

  hitTest(sx: number, sy: number): Hit {
    let best: Hit = null;
    let bestDistance = Infinity;
    for (const n of this.graph.nodes) {
      const p = this.positions.get(n.id);
      if (!p) continue;
      const s = this.toScreen(p);
      const d = Math.hypot(s.x - sx, s.y - sy);
      if (d <= Math.max(this.radiusPx(n), 8) && d < bestDistance) {
        best = { kind: 'node', id: n.id };
        bestDistance = d;
      }
    }
    if (best) return best;
    for (const g of this.geometry) {
      let prev = this.toScreen({ x: g.ax, y: g.ay });
      for (let i = 1; i <= 16; i++) {
        const p = this.toScreen(point(g, i / 16));
        const d = segmentDistance(sx, sy, prev.x, prev.y, p.x, p.y);
        if (d <= 5 && d < bestDistance) {
          best = { kind: 'edge', id: g.edge.id };
          bestDistance = d;
        }
        prev = p;
      }
    }
    return best;
  }

  /** Advances the dots and draws one frame. */
  frame(now: number): void {
    const dt = this.last === 0 ? 0 : Math.min(0.1, (now - this.last) / 1000);
    this.last = now;
    this.frames.push(now);
    while (this.frames.length > 0 && now - this.frames[0] > 2500) this.frames.shift();
    this.advance(dt);
    this.draw();
    if (this.sceneAt !== null) {
      this.lastUpdateToPaint = performance.now() - this.sceneAt;
      this.sceneAt = null;
      this.onPaint?.(this.lastUpdateToPaint);
    }
  }

  private advance(dt: number): void {
    for (let i = 0; i < this.dots; ) {
      this.dotT[i] += this.dotStep[i] * dt;
      if (this.dotT[i] >= 1) {
        const last = --this.dots;
        this.dotEdge[i] = this.dotEdge[last];
        this.dotT[i] = this.dotT[last];
        this.dotStep[i] = this.dotStep[last];
        this.dotKind[i] = this.dotKind[last];
      } else {
        i++;
      }
    }
    for (let e = 0; e < this.geometry.length; e++) {
      const g = this.geometry[e];
      g.pending += g.dotsPerSecond * dt;
      while (g.pending >= 1 && this.dots < MAX_DOTS) {
        g.pending -= 1;
        const i = this.dots++;
        this.dotEdge[i] = e;
        this.dotStep[i] = step(g.length);
        this.dotT[i] = Math.random() * Math.min(1, this.dotStep[i] * dt); // spread within the frame
        const r = Math.random();
        this.dotKind[i] = r < g.errorShare ? 2 : r < g.errorShare + g.warningShare ? 1 : 0;
      }
      if (g.pending > 1) g.pending = 1;
    }
  }

  private focus(): { nodes: Set<string>; edges: Set<string> } | null {
    const target = this.selection ?? (this.hover ? hitToSelection(this.hover) : null);
    if (!target) return null;
    const nodes = new Set<string>();
    const edges = new Set<string>();
    if (target.kind === 'node') {
      nodes.add(target.id);
      for (const e of this.graph.edges) {
        if (e.source === target.id || e.target === target.id) {
          edges.add(e.id);
          nodes.add(e.source);
          nodes.add(e.target);
        }
      }
    } else {
      edges.add(`${target.source}>${target.target}`);
      nodes.add(target.source);
      nodes.add(target.target);
    }
    return { nodes, edges };
  }

  /**
   * One frame. Everything but the dots changes only with the scene, the camera, the hover or the
   * selection: it is drawn into two cached layers (under and over the dots), so that a frame costs two
   * copies and the dots, whatever the number of edges.
   */
  private draw(): void {
    const focus = this.focus();
    const s = this.camera.scale;
    const ox = this.width / 2 - this.camera.x * s;
    const oy = this.height / 2 - this.camera.y * s;
    const sx = (x: number) => x * s + ox;
    const sy = (y: number) => y * s + oy;
    const key = `${this.sceneVersion}|${this.canvas.width}x${this.canvas.height}|${this.camera.x}|${this.camera.y}|${s}|`
      + `${JSON.stringify(this.hover)}|${JSON.stringify(this.selection)}`;
    if (key !== this.layersKey) {
      this.layersKey = key;
      const under = this.layer(0);
      under.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      under.fillStyle = COLOURS.background;
      under.fillRect(0, 0, this.width, this.height);
      this.drawIslands(under, sx, sy);
      this.drawEdges(under, sx, sy, focus);
      const over = this.layer(1);
      over.setTransform(1, 0, 0, 1, 0, 0);
      over.clearRect(0, 0, this.canvas.width, this.canvas.height);
      over.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      this.drawNodes(over, sx, sy, focus);
      this.drawLabels(over, sx, sy, focus);
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.layers[0].canvas, 0, 0);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    this.drawDots(ctx, sx, sy, focus);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.layers[1].canvas, 0, 0);
  }

  private layer(i: number): CanvasRenderingContext2D {
    let layer = this.layers[i];
    if (!layer) {
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d', { alpha: i === 1 });
      if (!ctx) throw new Error('this browser cannot draw on a canvas');
      layer = ctx;
      this.layers[i] = ctx;
    }
    if (layer.canvas.width !== this.canvas.width || layer.canvas.height !== this.canvas.height) {
      layer.canvas.width = this.canvas.width;
      layer.canvas.height = this.canvas.height;
    }
    return layer;
  }

  /** Edges, one path per colour and emphasis. */
  private drawEdges(ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number,
    focus: { edges: Set<string> } | null): void {
    ctx.lineCap = 'round';
    for (const strong of [false, true]) {
      for (const h of ['normal', 'warning', 'danger'] as Health[]) {
        ctx.beginPath();
        let any = false;
        for (const g of this.geometry) {
          if (g.edge.health !== h) continue;
          const isStrong = focus ? focus.edges.has(g.edge.id) : this.emphasised(g.edge);
          if (isStrong !== strong) continue;
          ctx.moveTo(sx(g.ax), sy(g.ay));
          ctx.quadraticCurveTo(sx(g.cx), sy(g.cy), sx(g.bx), sy(g.by));
          any = true;
        }
        if (!any) continue;
        ctx.strokeStyle = HEALTH_COLOUR[h];
        ctx.globalAlpha = strong ? (focus ? 0.85 : 0.4) : 0.1;
        ctx.lineWidth = strong && focus ? 2 : 1.2;
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
  }

  /** Dots: three fills. */
  private drawDots(ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number,
    focus: { edges: Set<string> } | null): void {
    const size = clamp(5 * this.camera.scale, 2, 5.5);
    const half = size / 2;
    for (let kind = 0; kind < 3; kind++) {
      ctx.beginPath();
      for (let i = 0; i < this.dots; i++) {
        if (this.dotKind[i] !== kind) continue;
        const g = this.geometry[this.dotEdge[i]];
        if (focus && !focus.edges.has(g.edge.id)) continue;
        const t = this.dotT[i];
        const u = 1 - t;
        const x = sx(u * u * g.ax + 2 * u * t * g.cx + t * t * g.bx);
        const y = sy(u * u * g.ay + 2 * u * t * g.cy + t * t * g.by);
        if (x < -4 || y < -4 || x > this.width + 4 || y > this.height + 4) continue;
        ctx.rect(x - half, y - half, size, size);
      }
      ctx.fillStyle = kind === 0 ? COLOURS.normal : kind === 1 ? COLOURS.warning : COLOURS.danger;
      ctx.fill();
    }
  }

  private emphasised(e: DisplayEdge): boolean {
    return (this.nodeById.get(e.source)?.emphasised ?? true) && (this.nodeById.get(e.target)?.emphasised ?? true);
  }

  private drawIslands(ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number): void {
    ctx.font = '600 11px system-ui, sans-serif';
    for (const island of this.islands) {
      const points = island.members.map((m) => this.positions.get(m)).filter((p): p is Point => !!p);
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

  private drawNodes(ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number, focus: { nodes: Set<string> } | null): void {
    for (const n of this.graph.nodes) {
      const p = this.positions.get(n.id);
      if (!p) continue;
      const x = sx(p.x);
      const y = sy(p.y);
      const r = this.radiusPx(n);
      if (x < -r - 40 || y < -r - 40 || x > this.width + r + 40 || y > this.height + r + 40) continue;
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
      const selected = (this.selection?.kind === 'node' && this.selection.id === n.id)
        || (this.hover?.kind === 'node' && this.hover.id === n.id);
      if (selected || n.match) {
        ctx.beginPath();
        ctx.arc(x, y, r + width + 3, 0, Math.PI * 2);
        ctx.strokeStyle = n.match && !selected ? COLOURS.warning : COLOURS.selection;
        ctx.lineWidth = 2;
        ctx.stroke();
      }
      if (n.notices.length) badge(ctx, x + r * 0.8, y - r * 0.8, Math.max(...n.notices.map((k) => k.severity)));
    }
    for (const g of this.geometry) {
      if (g.edge.notices.length === 0) continue;
      const m = point(g, 0.5);
      badge(ctx, sx(m.x), sy(m.y), Math.max(...g.edge.notices.map((k) => k.severity)));
    }
    ctx.globalAlpha = 1;
  }

  private drawLabels(ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number, focus: { nodes: Set<string> } | null): void {
    const detail = this.camera.scale >= 0.7;
    const importance = (n: DisplayNode) => (focus?.nodes.has(n.id) ? 1e12 : 0) + (n.match ? 1e11 : 0)
      + (n.kind === 'internet' ? 1e10 : 0) + (n.health !== 'normal' ? 1e9 : 0) + n.served.rate;
    const order = [...this.graph.nodes].sort((a, b) => importance(b) - importance(a));
    const placed: [number, number, number, number][] = [];
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const n of order) {
      const p = this.positions.get(n.id);
      if (!p) continue;
      const x = sx(p.x);
      const r = this.radiusPx(n);
      const y = sy(p.y) + r + 5;
      if (x < -100 || x > this.width + 100 || y < -40 || y > this.height + 40) continue;
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
        const total = n.served.ok + n.served.warning + n.served.error;
        const text = `${formatRate(n.served.rate)} · ${formatPercent(total ? n.served.error / total : 0)} err · p99 ${formatMicros(n.served.p99Micros)}`;
        ctx.font = '11px system-ui, sans-serif';
        ctx.fillStyle = n.health === 'normal' ? COLOURS.muted : HEALTH_COLOUR[n.health];
        ctx.fillText(text, x, y + 15);
      }
    }
    ctx.globalAlpha = 1;
  }
}

function curve(e: DisplayEdge, a: Point, b: Point): EdgeGeometry {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.max(1, Math.hypot(dx, dy));
  const ux = dx / d;
  const uy = dy / d;
  // Start and end at the rims; bend to the left of the direction so that A->B and B->A part.
  const ra = e.source === 'INTERNET' ? RADIUS * 1.5 : RADIUS;
  const rb = e.target === 'INTERNET' ? RADIUS * 1.5 : RADIUS;
  const bend = Math.min(60, d * 0.12);
  const ax = a.x + ux * ra;
  const ay = a.y + uy * ra;
  const bx = b.x - ux * rb;
  const by = b.y - uy * rb;
  const total = e.calls.ok + e.calls.warning + e.calls.error;
  return {
    edge: e, ax, ay, bx, by,
    cx: (ax + bx) / 2 + uy * bend,
    cy: (ay + by) / 2 - ux * bend,
    length: Math.max(1, d - ra - rb),
    // Density follows the rate, compressed so that 1/s and 1000/s both read.
    dotsPerSecond: e.calls.rate <= 0 ? 0 : Math.min(30, 0.6 + 1.6 * Math.sqrt(e.calls.rate)),
    pending: Math.random(),
    errorShare: total ? e.calls.error / total : 0,
    warningShare: total ? e.calls.warning / total : 0,
  };
}

/** The share of an edge a dot travels per second. */
function step(length: number): number {
  return Math.max(DOT_SPEED / Math.max(1, length), 1 / MAX_TRAVEL);
}

function point(g: EdgeGeometry, t: number): Point {
  const u = 1 - t;
  return {
    x: u * u * g.ax + 2 * u * t * g.cx + t * t * g.bx,
    y: u * u * g.ay + 2 * u * t * g.cy + t * t * g.by,
  };
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

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : clamp(((px - ax) * dx + (py - ay) * dy) / len, 0, 1);
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

export function hitToSelection(hit: Hit): Selection {
  if (!hit) return null;
  if (hit.kind === 'node') return { kind: 'node', id: hit.id };
  const i = hit.id.indexOf('>');
  return { kind: 'edge', source: hit.id.slice(0, i), target: hit.id.slice(i + 1) };
}
