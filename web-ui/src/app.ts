// The page, put together: the data (the graph from the stream or the API, what is drawn of it, the
// layout), and the rooms that show and change it: the state store (store.ts), the toolbar and
// keyboard (toolbar.ts), the time bar (timebar.ts), pointer input and the tooltip (input.ts), the
// drill-down panels (panels.ts), notices and the banner (notices.ts), the legend and the tour
// (tour.ts), and the renderer (render.ts). The view's state lives in the URL.

import { api, GraphStream, StreamStatus } from './api';
import { byId, h } from './dom';
import { CanvasInput, InputHost } from './input';
import { EXTERNAL_BAND, NO_GROUP_BAND, StableLayout } from './layout';
import { display, DisplayEdge, DisplayGraph, DisplayNode, STACK_PREFIX } from './lod';
import { edgeId } from './ids';
import { Banner, NoticeList } from './notices';
import { EdgePanel, PanelHost, ServicePanel, StackPanel } from './panels';
import { Island, Renderer } from './render';
import { sameSelection, Selection, ViewState } from './state';
import { ViewStore } from './store';
import { TimeBar } from './timebar';
import { Toolbar, ToolbarHost } from './toolbar';
import { Tour, legend } from './tour';
import { Graph, ServerInfo } from './types';

const EMPTY_GRAPH: Graph = { from: '', to: '', nodes: [], edges: [], notices: [] };
const PINS = 'intuition.pins';

export class App implements PanelHost, ToolbarHost, InputHost {
  readonly store: ViewStore;
  graph: Graph = EMPTY_GRAPH;
  view: DisplayGraph = { nodes: [], edges: [], hiddenEdges: 0 };
  /** Graphs received from the stream, and shown. */
  updates = 0;
  /** Milliseconds from each update's arrival to the end of the frame that painted it (the last 600). */
  readonly paints: number[] = [];
  /** Milliseconds from each update's arrival to the commit of the frame that showed it. */
  readonly commits: number[] = [];
  /**
   * Where an update's time goes, in milliseconds (the last 600 of each): parsing the stream's JSON,
   * waiting for the next frame (an update is applied at the start of a frame, so that several in one
   * frame cost one rebuild), rebuilding what is drawn (level of detail, layout, scene), that frame,
   * and of it redrawing the cached layers (under the dots, labels, services).
   */
  readonly timings = {
    parse: [] as number[], rebuild: [] as number[], wait: [] as number[], frame: [] as number[],
    layers: [] as number[], under: [] as number[], labels: [] as number[], nodes: [] as number[],
  };
  readonly renderer: Renderer;
  readonly layout = new StableLayout();
  readonly stream: GraphStream;
  info: ServerInfo | null = null;
  /** Once the user pans, zooms or drags, the camera is theirs: no more automatic fitting. */
  private moved = false;
  /** Nodes in the picture at the last automatic fit; 0 before the first. */
  private fittedNodes = 0;
  private panel: ServicePanel | EdgePanel | StackPanel | null = null;
  private panelRefreshedAt = 0;
  private readonly tour: Tour;
  private readonly toolbar = new Toolbar(this);
  private readonly timebar: TimeBar;
  private readonly input = new CanvasInput(this);
  private readonly notices = new NoticeList((s) => this.select(s), (service) => this.drawnAs(service));
  private readonly banner = new Banner();
  private timeRequest = 0;
  private pendingGraph: { graph: Graph; receivedAt: number } | null = null;

  constructor(doc: Document) {
    this.store = new ViewStore(doc.location.search);
    this.store.subscribe((before, after) => this.onStateChange(before, after));
    this.timebar = new TimeBar(this.store, () => this.togglePause());
    this.renderer = new Renderer(byId<HTMLCanvasElement>('graph'), byId<HTMLCanvasElement>('graph-dots'),
      byId<HTMLCanvasElement>('graph-over'));
    this.stream = new GraphStream((g, _type, at, parseMs) => {
      record(this.timings.parse, parseMs);
      this.onLiveGraph(g, at);
    }, (s) => this.banner.stream(s));
    this.renderer.onPaint = (ms, frame, committed) => {
      record(this.paints, ms);
      record(this.commits, committed);
      record(this.timings.frame, frame);
    };
    this.renderer.onLayers = (ms, under, labels, nodes) => {
      record(this.timings.layers, ms);
      if (under) record(this.timings.under, under);
      if (labels) record(this.timings.labels, labels);
      if (nodes) record(this.timings.nodes, nodes);
    };
    this.tour = new Tour(byId('tour'), (id) => this.spotlight(id));
  }

  start(): void {
    this.loadPins();
    this.renderer.resize();
    window.addEventListener('resize', () => this.renderer.resize());
    this.renderer.insets = () => ({
      left: byId('notices').hidden ? 0 : byId('notices').getBoundingClientRect().width + 16,
      right: byId('panel').hidden ? 0 : byId('panel').getBoundingClientRect().width,
    });
    this.toolbar.bind();
    this.input.bind();
    this.timebar.bind();
    byId('legend').replaceChildren(legend(() => (byId('legend').hidden = true)));
    this.renderer.selection = this.state.selection;
    this.toolbar.sync();
    const loop = (now: number) => {
      const next = this.pendingGraph;
      if (next) {
        this.pendingGraph = null;
        const entered = performance.now();
        record(this.timings.wait, entered - next.receivedAt);
        this.setGraph(next.graph, next.receivedAt);
      }
      this.renderer.frame(now);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    window.setInterval(() => this.everySecond(), 1000);
    api.info().then((info) => {
      this.info = info;
      this.timebar.update(this.info);
    }).catch((e) => console.warn('intuition: no server info', e));
    this.stream.start();
    if (this.state.at) this.loadAt(this.state.at);
    if (this.state.selection) this.openPanel(); // a shared link opens on what it pointed at
    this.showEmpty();
  }

  // ---- data ----------------------------------------------------------------------------------

  private onLiveGraph(g: Graph, receivedAt: number): void {
    if (this.state.at || this.state.paused) return;
    if (this.state.window !== 60) return; // the stream carries the default window; others are polled
    // Applied at the start of the next frame: two updates within one frame cost one rebuild.
    const since = Math.min(receivedAt, this.pendingGraph?.receivedAt ?? receivedAt);
    this.pendingGraph = { graph: g, receivedAt: since };
  }

  private setGraph(g: Graph, receivedAt = performance.now()): void {
    this.graph = g;
    this.updates++;
    this.rebuild(receivedAt);
    const now = performance.now();
    if (this.panel && (now - this.panelRefreshedAt > 5000 || this.panelRefreshedAt === 0)) {
      this.panelRefreshedAt = now;
      this.panel.refresh(g, this.state);
    }
  }

  /** Recomputes what is drawn from the graph and the view options. */
  rebuild(receivedAt = performance.now()): void {
    const started = performance.now();
    this.view = display(this.graph, {
      collapsed: new Set(this.state.collapsed),
      topN: this.state.topN,
      errorsOnly: this.state.errorsOnly,
      search: this.state.search,
    });
    for (const n of this.view.nodes) { // a collapsed stack appears where its services were
      if (n.kind !== 'stack' || this.layout.position(n.id)) continue;
      const at = n.members.map((m) => this.layout.position(m)).filter((p): p is { x: number; y: number } => !!p);
      if (at.length) this.layout.place(n.id, { x: at.reduce((a, p) => a + p.x, 0) / at.length, y: at.reduce((a, p) => a + p.y, 0) / at.length });
    }
    const positions = this.layout.update(this.view.nodes.map((n) => ({ id: n.id, group: n.group, kind: n.kind })),
      this.view.edges);
    this.renderer.setScene(this.view, positions, this.islands(this.view.nodes), receivedAt);
    this.notices.render(this.graph.notices);
    this.showEmpty();
    this.updateStats();
    if (this.view.nodes.length > 0 && (this.fittedNodes === 0 || (!this.moved && this.view.nodes.length !== this.fittedNodes))) {
      this.fittedNodes = this.view.nodes.length;
      this.renderer.fit();
    }
    this.input.tooltip.refresh(); // fresh numbers
    record(this.timings.rebuild, performance.now() - started);
  }

  private islands(nodes: DisplayNode[]): Island[] {
    const bands = new Map<object, Island>();
    for (const n of nodes) {
      const band = this.layout.band(n.id);
      if (!band || band.key === NO_GROUP_BAND || band.key === EXTERNAL_BAND || band.key === '' || n.kind === 'stack') continue;
      if (!bands.has(band)) bands.set(band, { label: band.key, members: [] });
      bands.get(band)!.members.push(n.id);
    }
    return [...bands.values()];
  }

  private loadAt(at: string): void {
    const request = ++this.timeRequest;
    api.graph(this.state.window, at).then((g) => {
      if (request === this.timeRequest) this.setGraph(g);
    }).catch((e) => this.banner.toast(`Could not load the graph at ${at}: ${e.message}`));
  }

  private pollWindow(): void {
    const request = ++this.timeRequest;
    api.graph(this.state.window, null).then((g) => {
      if (request === this.timeRequest && !this.state.at && !this.state.paused) this.setGraph(g);
    }).catch(() => undefined);
  }

  private ticks = 0;

  private everySecond(): void {
    if (!this.state.at && !this.state.paused && this.state.window !== 60) this.pollWindow();
    if (++this.ticks % 15 === 0 || (this.info?.oldest == null && this.ticks % 3 === 0)) {
      api.info().then((info) => (this.info = info)).catch(() => undefined); // the slider's range
    }
    this.timebar.update(this.info);
    this.updateStats();
  }

  // ---- state ---------------------------------------------------------------------------------

  get state(): ViewState {
    return this.store.state;
  }

  /** Streams and e2e tests read the stream's state here. */
  get streamStatus(): StreamStatus {
    return this.banner.status;
  }

  setState(change: Partial<ViewState>): void {
    this.store.set(change);
  }

  /** What a change of the view's state sets off: controls, data, the picture, the panel. */
  private onStateChange(before: ViewState, after: ViewState): void {
    this.toolbar.sync();
    const timeChanged = before.at !== after.at || before.window !== after.window || before.paused !== after.paused;
    if (timeChanged) {
      if (after.at) this.loadAt(after.at);
      else if (!after.paused) this.pollWindow();
    }
    if (before.collapsed !== after.collapsed || before.topN !== after.topN
      || before.errorsOnly !== after.errorsOnly || before.search !== after.search) {
      this.rebuild();
    }
    if (timeChanged) this.timebar.update(this.info);
    if (!sameSelection(before.selection, after.selection) || timeChanged || before.transactions !== after.transactions) {
      this.renderer.selection = after.selection;
      this.openPanel();
    }
  }

  select(selection: Selection): void {
    this.setState({ selection });
  }

  private openPanel(): void {
    const host = byId('panel');
    const sel = this.state.selection;
    if (!sel) {
      host.hidden = true;
      this.panel = null;
      return;
    }
    host.hidden = false;
    const close = () => this.select(null);
    if (sel.kind === 'node' && sel.id.startsWith(STACK_PREFIX)) {
      this.panel = new StackPanel(host, this, sel.id, close);
    } else if (sel.kind === 'node') {
      this.panel = new ServicePanel(host, this, sel.id, close);
    } else {
      this.panel = new EdgePanel(host, this, sel.source, sel.target, close);
    }
    // Opened before any graph arrived (a shared link): refresh with the first one.
    this.panelRefreshedAt = this.graph.nodes.length ? performance.now() : 0;
    this.panel.refresh(this.graph, this.state);
  }

  // ---- what the toolbar and the pointer ask for -----------------------------------------------

  fit(ids?: string[]): void {
    this.renderer.fit(ids);
  }

  refit(): void {
    this.moved = false;
    this.renderer.fit();
  }

  tidy(): void {
    this.layout.reset();
    this.savePins();
    this.rebuild();
    this.renderer.fit();
  }

  startTour(): void {
    this.tour.start();
  }

  dismiss(): void {
    this.select(null);
    this.tour.stop();
    byId('legend').hidden = true;
  }

  userMoved(): void {
    this.moved = true;
  }

  /** Dragged nodes stay where they were dropped across reloads (this browser only). */
  savePins(): void {
    try {
      localStorage.setItem(PINS, JSON.stringify(Object.fromEntries(this.layout.pinned())));
    } catch {
      // storage unavailable or full: the pins last as long as the page
    }
  }

  private loadPins(): void {
    try {
      const saved = JSON.parse(localStorage.getItem(PINS) ?? '{}') as Record<string, { x: number; y: number }>;
      for (const [id, p] of Object.entries(saved)) {
        if (Number.isFinite(p?.x) && Number.isFinite(p?.y)) this.layout.pin(id, p);
      }
    } catch {
      localStorage.removeItem(PINS);
    }
  }

  togglePause(): void {
    if (this.state.at) this.setState({ at: null, paused: false });
    else this.setState({ paused: !this.state.paused });
  }

  /** The drawn node a service is part of: itself, or its collapsed stack. */
  drawnAs(service: string): string {
    return this.view.nodes.find((n) => n.members.includes(service))?.id ?? service;
  }

  label(id: string): string {
    return id.startsWith(STACK_PREFIX) ? id.slice(STACK_PREFIX.length) : id;
  }

  displayEdge(source: string, target: string): DisplayEdge | undefined {
    return this.view.edges.find((e) => e.id === edgeId(source, target));
  }

  // ---- empty page, stats ----------------------------------------------------------------

  private showEmpty(): void {
    const empty = byId('empty');
    if (this.graph.nodes.length > 0) {
      empty.hidden = true;
      return;
    }
    empty.hidden = false;
    empty.replaceChildren(h('div', { class: 'empty-title' }, this.state.at ? 'No traffic at that moment' : 'Waiting for traffic…'),
      h('div', {}, this.state.at ? 'Move the time slider, or go back to live.'
        : 'Agents send what they see within a few seconds. Start one with ./intuition agent, or try ./intuition demo.'));
  }

  private updateStats(): void {
    const r = this.renderer;
    const o = this.graph.overflow;
    const stats = byId('stats');
    stats.textContent = `${this.view.nodes.length} services · ${this.view.edges.length} edges${this.view.hiddenEdges ? ` (${this.view.hiddenEdges} hidden)` : ''} · ${Math.round(r.fps())} fps${o ? ' · ⚠ past the server\'s limits' : ''}`;
    stats.title = o ? `The server keeps at most ${o.maxServices} services, ${o.maxEdges} edges and ${o.maxContainersPerService} containers per service; calls beyond them are counted under "(other)" (since start: ${o.services} calls of further services, ${o.edges} on further edges, ${o.containers} of further containers).` : '';
  }

  /** The tour points at parts of the page or of the graph. */
  private spotlight(target: string): DOMRect | null {
    if (target.startsWith('#')) return document.querySelector(target)?.getBoundingClientRect() ?? null;
    const canvas = byId('graph').getBoundingClientRect();
    const pick = (n: DisplayNode | undefined) => {
      if (!n) return null;
      const p = this.layout.position(n.id);
      if (!p) return null;
      const s = this.renderer.toScreen(p);
      return new DOMRect(canvas.left + s.x - 30, canvas.top + s.y - 30, 60, 60);
    };
    if (target === 'node') return pick([...this.view.nodes].filter((n) => n.kind === 'service').sort((a, b) => b.served.rate - a.served.rate)[0]);
    if (target === 'internet') return pick(this.view.nodes.find((n) => n.kind === 'internet'));
    if (target === 'edge') {
      const e = [...this.view.edges].sort((a, b) => b.calls.rate - a.calls.rate)[0];
      const middle = e && this.renderer.edgeMidpoint(e.id);
      if (!middle) return null;
      const s = this.renderer.toScreen(middle);
      return new DOMRect(canvas.left + s.x - 40, canvas.top + s.y - 30, 80, 60);
    }
    if (target === 'failing') {
      const e = [...this.view.edges].filter((k) => k.health === 'danger').sort((a, b) => b.calls.error - a.calls.error)[0];
      if (!e) return null;
      return pick(this.view.nodes.find((n) => n.id === e.target));
    }
    return null;
  }
}

/** Keeps the last 600 values. */
function record(values: number[], value: number): void {
  values.push(value);
  if (values.length > 600) values.shift();
}
