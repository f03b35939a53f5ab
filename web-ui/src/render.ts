// The renderer: the picture on the canvases, frame after frame. It holds the scene (what is drawn and
// where) and puts its rooms together: the camera (camera.ts), the dot simulation (dots.ts), hit
// testing (hittest.ts) and drawing (draw.ts). Everything but the dots changes only with the scene,
// the camera, the hover or the selection, so the picture is three canvases stacked by the browser:
// the edges under the dots, the dots, and the services with their labels over them. A frame clears
// and draws the dots alone; the other two are redrawn only when what they show changed, and the
// browser's compositor lays the three on each other off the page's thread.

import { Camera } from './camera';
import { Dots } from './dots';
import { COLOURS, DETAIL_SCALE, Focus, Island, Painter, Scene } from './draw';
import { curve, EdgeGeometry, fitDotBudget, point } from './geometry';
import { Hit, hitTest, hitToSelection } from './hittest';
import { edgeId } from './ids';
import { Point } from './layout';
import { DisplayGraph, DisplayNode } from './lod';
import { Selection } from './state';

export { COLOURS } from './draw';
export type { Island } from './draw';
export type { Hit } from './hittest';
export { hitToSelection } from './hittest';

export class Renderer {
  readonly camera = new Camera();
  /** The edges (under the dots), the dots, the services and labels (over them). */
  private readonly under: CanvasRenderingContext2D;
  private readonly dotsCtx: CanvasRenderingContext2D;
  private readonly over: CanvasRenderingContext2D;
  private readonly painter = new Painter(this.camera);
  private readonly dots = new Dots();
  private scene: Scene = {
    graph: { nodes: [], edges: [], hiddenEdges: 0 }, positions: new Map(), islands: [], geometry: [],
    nodeById: new Map(), selection: null, hover: null,
  };
  private dpr = 1;
  private last = 0;
  private frames: number[] = [];
  /** The labels, drawn apart (text is slow to draw) on a canvas off the page, copied onto the services'. */
  private readonly labels: CanvasRenderingContext2D;
  /**
   * The background with the islands, drawn apart on a canvas off the page (large translucent shapes
   * are slow to fill), copied under the edges: an update that changes an edge leaves them alone.
   */
  private readonly islands: CanvasRenderingContext2D;
  private islandsKey = '';
  private islandsSignature = '';
  /** What each canvas was last drawn from; one is redrawn only when its key changes. */
  private underKey = '';
  private nodesKey = '';
  private labelsKey = '';
  /** The scene's signatures (see Painter), made once per scene. */
  private underSignature = '';
  private nodesSignature = '';
  private labelsSignatures: [string, string] = ['', ''];
  private sceneAt: number | null = null;
  /** Tells when a frame that showed an update has been committed (see frame). */
  private readonly afterFrame = new MessageChannel();
  /** Milliseconds from the arrival of the last update to the end of the frame that showed it. */
  lastUpdateToPaint: number | null = null;
  /**
   * Told, for each update, the milliseconds from its arrival to the end of the frame's drawing, the
   * frame's own part of that, and the milliseconds from its arrival to the frame's commit.
   */
  onPaint: ((updateToPaintMs: number, frameMs: number, updateToCommitMs: number) => void) | null = null;
  /** Told how long each redraw of the cached layers took, and of it each layer's (milliseconds). */
  onLayers: ((ms: number, underMs: number, labelsMs: number, nodesMs: number) => void) | null = null;

  /**
   * @param canvas the edges, and the canvas that takes the pointer
   * @param dots the dots, stacked over it
   * @param over the services and labels, stacked over the dots
   */
  constructor(private readonly canvas: HTMLCanvasElement, dots: HTMLCanvasElement, over: HTMLCanvasElement) {
    this.under = context(canvas, false);
    this.dotsCtx = context(dots, true);
    this.over = context(over, true);
    this.labels = context(document.createElement('canvas'), true);
    this.islands = context(document.createElement('canvas'), false);
  }

  get selection(): Selection {
    return this.scene.selection;
  }

  set selection(selection: Selection) {
    this.scene.selection = selection;
  }

  get hover(): Hit {
    return this.scene.hover;
  }

  set hover(hit: Hit) {
    this.scene.hover = hit;
  }

  /** Screen pixels covered by overlays (the notices on the left, the panel on the right) that fit avoids. */
  set insets(insets: () => { left: number; right: number }) {
    this.camera.insets = insets;
  }

  /**
   * A new picture: the dots of edges that stay keep flying.
   * @param receivedAt when the data behind it arrived (performance.now()), for update-to-paint
   */
  setScene(graph: DisplayGraph, positions: Map<string, Point>, islands: Island[], receivedAt = performance.now()): void {
    const before = this.scene.geometry;
    const previous = new Map(before.map((g, i) => [g.edge.id, i] as const));
    const remap = new Int32Array(before.length).fill(-1);
    const geometry: EdgeGeometry[] = [];
    for (const e of graph.edges) {
      const a = positions.get(e.source);
      const b = positions.get(e.target);
      if (!a || !b) continue;
      const g = curve(e, a, b);
      const old = previous.get(e.id);
      if (old !== undefined) {
        remap[old] = geometry.length;
        g.pending = before[old].pending;
      }
      geometry.push(g);
    }
    fitDotBudget(geometry);
    this.dots.remap(remap, geometry);
    this.scene = {
      ...this.scene, graph, positions, islands, geometry,
      nodeById: new Map(graph.nodes.map((n) => [n.id, n])),
    };
    this.islandsSignature = Painter.islandsSignature(this.scene);
    this.underSignature = Painter.underSignature(this.scene, this.islandsSignature);
    this.nodesSignature = Painter.nodesSignature(this.scene);
    this.labelsSignatures = [Painter.labelsSignature(this.scene, false), Painter.labelsSignature(this.scene, true)];
    this.sceneAt = Math.min(this.sceneAt ?? receivedAt, receivedAt);
  }

  resize(): void {
    this.dpr = window.devicePixelRatio || 1;
    this.camera.width = this.canvas.clientWidth;
    this.camera.height = this.canvas.clientHeight;
    const width = Math.max(1, Math.round(this.camera.width * this.dpr));
    const height = Math.max(1, Math.round(this.camera.height * this.dpr));
    for (const ctx of [this.under, this.dotsCtx, this.over, this.labels, this.islands]) {
      if (ctx.canvas.width !== width || ctx.canvas.height !== height) {
        ctx.canvas.width = width; // which clears it: the keys below hold the size, so it is redrawn
        ctx.canvas.height = height;
      }
    }
  }

  /** Frames per second over the last two seconds. */
  fps(): number {
    const now = performance.now();
    const recent = this.frames.filter((t) => now - t <= 2000);
    if (recent.length < 2) return 0;
    return ((recent.length - 1) * 1000) / (recent[recent.length - 1] - recent[0]);
  }

  dotCount(): number {
    return this.dots.count;
  }

  toScreen(p: Point): Point {
    return this.camera.toScreen(p);
  }

  toWorld(x: number, y: number): Point {
    return this.camera.toWorld(x, y);
  }

  /** Frames the visible nodes (or the given ones). */
  fit(ids?: string[]): void {
    const { graph, positions } = this.scene;
    this.camera.fit((ids ?? graph.nodes.map((n) => n.id)).map((id) => positions.get(id))
      .filter((p): p is Point => p !== undefined));
  }

  zoomAt(sx: number, sy: number, factor: number): void {
    this.camera.zoomAt(sx, sy, factor);
  }

  radiusPx(n: DisplayNode): number {
    return this.painter.radiusPx(n);
  }

  /** The world point in the middle of a drawn edge's curve; undefined for an edge not drawn. */
  edgeMidpoint(id: string): Point | undefined {
    const g = this.scene.geometry.find((k) => k.edge.id === id);
    return g && point(g, 0.5);
  }

  hitTest(sx: number, sy: number): Hit {
    const { graph, positions, geometry } = this.scene;
    return hitTest(sx, sy, this.camera, graph.nodes, positions, geometry, (n) => this.radiusPx(n));
  }

  /** Advances the dots and draws one frame. */
  frame(now: number): void {
    const entered = performance.now();
    const dt = this.last === 0 ? 0 : Math.min(0.1, (now - this.last) / 1000);
    this.last = now;
    this.frames.push(now);
    while (this.frames.length > 0 && now - this.frames[0] > 2500) this.frames.shift();
    this.dots.advance(dt, this.scene.geometry);
    this.draw();
    if (this.sceneAt !== null) {
      const since = this.sceneAt;
      this.sceneAt = null;
      const drawn = performance.now();
      this.lastUpdateToPaint = drawn - since;
      // The browser rasterises the canvases when it commits the frame, after this callback: the
      // first task after the frame tells when the picture was handed to the compositor.
      this.afterFrame.port1.onmessage = () => this.onPaint?.(drawn - since, drawn - entered, performance.now() - since);
      this.afterFrame.port2.postMessage(null);
    }
  }

  private focus(): Focus | null {
    const { selection, hover, graph } = this.scene;
    const target = selection ?? (hover ? hitToSelection(hover) : null);
    if (!target) return null;
    const nodes = new Set<string>();
    const edges = new Set<string>();
    if (target.kind === 'node') {
      nodes.add(target.id);
      for (const e of graph.edges) {
        if (e.source === target.id || e.target === target.id) {
          edges.add(e.id);
          nodes.add(e.source);
          nodes.add(e.target);
        }
      }
    } else {
      edges.add(edgeId(target.source, target.target));
      nodes.add(target.source);
      nodes.add(target.target);
    }
    return { nodes, edges };
  }

  private draw(): void {
    const scene = this.scene;
    const focus = this.focus();
    const camera = this.camera;
    const s = camera.scale;
    const ox = camera.width / 2 - camera.x * s;
    const oy = camera.height / 2 - camera.y * s;
    const sx = (x: number) => x * s + ox;
    const sy = (y: number) => y * s + oy;
    // Each canvas but the dots' is redrawn only when what it shows changed: an update that only
    // moves the numbers leaves the edges alone, and the services too unless a ring changed; the
    // labels have a cache of their own, copied onto the services' canvas.
    const view = `${this.canvas.width}x${this.canvas.height}|${camera.key()}|`
      + `${JSON.stringify(scene.hover)}|${JSON.stringify(scene.selection)}|`;
    const underKey = view + this.underSignature;
    const nodesKey = view + this.nodesSignature;
    const labelsKey = view + this.labelsSignatures[camera.scale >= DETAIL_SCALE ? 1 : 0];
    if (underKey !== this.underKey || nodesKey !== this.nodesKey || labelsKey !== this.labelsKey) {
      const started = performance.now();
      let t = started;
      const split = [0, 0, 0];
      const lap = (i: number) => {
        const now = performance.now();
        split[i] = now - t;
        t = now;
      };
      if (underKey !== this.underKey) {
        this.underKey = underKey;
        const islandsKey = `${this.canvas.width}x${this.canvas.height}|${camera.key()}|${this.islandsSignature}`;
        if (islandsKey !== this.islandsKey) {
          this.islandsKey = islandsKey;
          const islands = this.islands;
          islands.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
          islands.fillStyle = COLOURS.background;
          islands.fillRect(0, 0, camera.width, camera.height);
          this.painter.drawIslands(islands, scene, sx, sy);
        }
        const under = this.under;
        under.setTransform(1, 0, 0, 1, 0, 0);
        under.drawImage(this.islands.canvas, 0, 0);
        under.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        this.painter.drawEdges(under, scene, sx, sy, focus);
        lap(0);
      }
      const labels = this.labels;
      if (labelsKey !== this.labelsKey) {
        labels.setTransform(1, 0, 0, 1, 0, 0);
        labels.clearRect(0, 0, this.canvas.width, this.canvas.height);
        labels.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        this.painter.drawLabels(labels, scene, sx, sy, focus);
        lap(1);
      }
      if (nodesKey !== this.nodesKey || labelsKey !== this.labelsKey) {
        this.nodesKey = nodesKey;
        this.labelsKey = labelsKey;
        const over = this.over;
        over.setTransform(1, 0, 0, 1, 0, 0);
        over.clearRect(0, 0, this.canvas.width, this.canvas.height);
        over.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
        this.painter.drawNodes(over, scene, sx, sy, focus);
        over.setTransform(1, 0, 0, 1, 0, 0);
        over.drawImage(labels.canvas, 0, 0);
        lap(2);
      }
      this.onLayers?.(performance.now() - started, split[0], split[1], split[2]);
    }
    const ctx = this.dotsCtx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    this.painter.drawDots(ctx, scene, this.dots, sx, sy, focus);
  }
}

function context(canvas: HTMLCanvasElement, alpha: boolean): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { alpha });
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  return ctx;
}
