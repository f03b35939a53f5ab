// The page: the graph on its canvas, the toolbar, time travel, the drill-down panel, notices, the
// stream banner, the legend and the tour. The view's state lives in the URL.

import { api, GraphStream, StreamStatus } from './api';
import { byId, h } from './dom';
import { EXTERNAL_BAND, NO_GROUP_BAND, StableLayout } from './layout';
import { display, DisplayEdge, DisplayGraph, DisplayNode, edgeId, STACK_PREFIX } from './lod';
import { EdgePanel, PanelHost, ServicePanel, StackPanel } from './panels';
import { Hit, hitToSelection, Island, Renderer } from './render';
import {
  formatDuration, formatMicros, formatPercent, formatRate, fromQuery, sameSelection, Selection,
  toQuery, ViewState, windows,
} from './state';
import { Tour, legend } from './tour';
import { Graph, ServerInfo } from './types';

const EMPTY_GRAPH: Graph = { from: '', to: '', nodes: [], edges: [], notices: [] };
const PINS = 'intuition.pins';

export class App implements PanelHost {
  state: ViewState;
  graph: Graph = EMPTY_GRAPH;
  view: DisplayGraph = { nodes: [], edges: [], hiddenEdges: 0 };
  /** Graphs received from the stream, and shown. */
  updates = 0;
  /** Milliseconds from each update's arrival to the end of the frame that painted it (the last 600). */
  readonly paints: number[] = [];
  readonly renderer: Renderer;
  readonly layout = new StableLayout();
  readonly stream: GraphStream;
  info: ServerInfo | null = null;
  streamStatus: StreamStatus = { state: 'connecting' };
  /** Once the user pans, zooms or drags, the camera is theirs: no more automatic fitting. */
  private userMoved = false;
  /** Nodes in the picture at the last automatic fit; 0 before the first. */
  private fittedNodes = 0;
  private panel: ServicePanel | EdgePanel | StackPanel | null = null;
  private panelRefreshedAt = 0;
  private drag: { kind: 'pan' | 'node'; id?: string; x: number; y: number; moved: boolean } | null = null;
  private readonly tour: Tour;
  private timeRequest = 0;

  constructor(doc: Document) {
    this.state = fromQuery(doc.location.search);
    this.renderer = new Renderer(byId<HTMLCanvasElement>('graph'));
    this.stream = new GraphStream((g, _type, at) => this.onLiveGraph(g, at), (s) => this.onStreamStatus(s));
    this.renderer.onPaint = (ms) => {
      this.paints.push(ms);
      if (this.paints.length > 600) this.paints.shift();
    };
    this.tour = new Tour(byId('tour'), (id) => this.spotlight(id));
  }

  start(): void {
    this.loadPins();
    this.renderer.resize();
    window.addEventListener('resize', () => this.renderer.resize());
    this.bindToolbar();
    this.bindCanvas();
    this.bindTime();
    byId('legend').replaceChildren(legend(() => (byId('legend').hidden = true)));
    this.renderer.selection = this.state.selection;
    this.syncControls();
    const loop = (now: number) => {
      this.renderer.frame(now);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    window.setInterval(() => this.everySecond(), 1000);
    api.info().then((info) => {
      this.info = info;
      this.updateTimebar();
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
    this.setGraph(g, receivedAt);
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
    this.renderNotices();
    this.showEmpty();
    this.updateStats();
    this.renderer.insets = {
      left: byId('notices').hidden ? 0 : byId('notices').getBoundingClientRect().width + 16,
      right: byId('panel').hidden ? 0 : byId('panel').getBoundingClientRect().width,
    };
    if (this.view.nodes.length > 0 && (this.fittedNodes === 0 || (!this.userMoved && this.view.nodes.length !== this.fittedNodes))) {
      this.fittedNodes = this.view.nodes.length;
      this.renderer.fit();
    }
    if (this.tooltipAt) this.showTooltip(this.renderer.hover, this.tooltipAt.x, this.tooltipAt.y); // fresh numbers
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
    }).catch((e) => this.toast(`Could not load the graph at ${at}: ${e.message}`));
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
    this.updateTimebar();
    this.updateStats();
  }

  // ---- state ---------------------------------------------------------------------------------

  setState(change: Partial<ViewState>): void {
    const before = this.state;
    this.state = { ...this.state, ...change };
    history.replaceState(null, '', `${location.pathname}${toQuery(this.state)}`);
    this.syncControls();
    const timeChanged = before.at !== this.state.at || before.window !== this.state.window || before.paused !== this.state.paused;
    if (timeChanged) {
      if (this.state.at) this.loadAt(this.state.at);
      else if (!this.state.paused) this.pollWindow();
    }
    if (before.collapsed !== this.state.collapsed || before.topN !== this.state.topN
      || before.errorsOnly !== this.state.errorsOnly || before.search !== this.state.search) {
      this.rebuild();
    }
    if (timeChanged) this.updateTimebar();
    if (!sameSelection(before.selection, this.state.selection) || timeChanged || before.transactions !== this.state.transactions) {
      this.renderer.selection = this.state.selection;
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

  // ---- toolbar -------------------------------------------------------------------------------

  private syncControls(): void {
    (byId<HTMLInputElement>('search')).value = this.state.search;
    (byId<HTMLSelectElement>('top')).value = String(this.state.topN);
    (byId<HTMLInputElement>('errors')).checked = this.state.errorsOnly;
    const win = byId<HTMLSelectElement>('window');
    if (![...win.options].some((o) => Number(o.value) === this.state.window)) {
      win.append(h('option', { value: this.state.window }, formatDuration(this.state.window)));
    }
    win.value = String(this.state.window);
    byId('collapse').textContent = this.state.collapsed.length ? 'Expand stacks' : 'Collapse stacks';
    const mode = byId('mode');
    mode.className = `mode-badge ${this.state.at ? 'past' : this.state.paused ? 'paused' : 'live'}`;
    mode.textContent = this.state.at ? 'HISTORY' : this.state.paused ? 'PAUSED' : 'LIVE';
    byId('pause').textContent = this.state.paused ? '▶ Resume' : '❚❚ Pause';
    byId('live').classList.toggle('active', !this.state.at && !this.state.paused);
  }

  private bindToolbar(): void {
    const win = byId<HTMLSelectElement>('window');
    for (const w of windows()) win.append(h('option', { value: w }, `last ${formatDuration(w)}`));
    win.addEventListener('change', () => this.setState({ window: Number(win.value) }));
    const search = byId<HTMLInputElement>('search');
    search.addEventListener('input', () => this.setState({ search: search.value }));
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        const hits = this.view.nodes.filter((n) => n.match);
        if (hits.length) {
          this.renderer.fit(hits.map((n) => n.id));
          if (hits.length === 1) this.select({ kind: 'node', id: hits[0].id });
        }
      } else if (e.key === 'Escape') {
        search.value = '';
        this.setState({ search: '' });
        search.blur();
      }
    });
    byId<HTMLSelectElement>('top').addEventListener('change', (e) => this.setState({ topN: Number((e.target as HTMLSelectElement).value) }));
    byId<HTMLInputElement>('errors').addEventListener('change', (e) => this.setState({ errorsOnly: (e.target as HTMLInputElement).checked }));
    byId('collapse').addEventListener('click', () => {
      const groups = [...new Set(this.graph.nodes.map((n) => n.group).filter((g): g is string => !!g))];
      this.setState({ collapsed: this.state.collapsed.length ? [] : groups, selection: null });
    });
    byId('fit').addEventListener('click', () => {
      this.userMoved = false;
      this.renderer.fit();
    });
    byId('tidy').addEventListener('click', () => {
      this.layout.reset();
      this.savePins();
      this.rebuild();
      this.renderer.fit();
    });
    byId('legend-button').addEventListener('click', () => (byId('legend').hidden = !byId('legend').hidden));
    byId('tour-button').addEventListener('click', () => this.tour.start());
    document.addEventListener('keydown', (e) => {
      if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
      if (e.key === '/') {
        e.preventDefault();
        search.focus();
      } else if (e.key === 'Escape') {
        this.select(null);
        this.tour.stop();
        byId('legend').hidden = true;
      } else if (e.key === 'f') {
        this.renderer.fit();
      } else if (e.key === ' ') {
        e.preventDefault();
        this.togglePause();
      }
    });
  }

  /** Dragged nodes stay where they were dropped across reloads (this browser only). */
  private savePins(): void {
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

  // ---- canvas --------------------------------------------------------------------------------

  private bindCanvas(): void {
    const canvas = byId<HTMLCanvasElement>('graph');
    const tooltip = byId('tooltip');
    const local = (e: MouseEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    canvas.addEventListener('pointerdown', (e) => {
      const p = local(e);
      const hit = this.renderer.hitTest(p.x, p.y);
      this.drag = hit?.kind === 'node' ? { kind: 'node', id: hit.id, x: p.x, y: p.y, moved: false } : { kind: 'pan', x: p.x, y: p.y, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      const p = local(e);
      if (this.drag) {
        const dx = p.x - this.drag.x;
        const dy = p.y - this.drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
        if (!this.drag.moved) return;
        this.userMoved = true;
        if (this.drag.kind === 'pan') {
          this.renderer.camera.x -= dx / this.renderer.camera.scale;
          this.renderer.camera.y -= dy / this.renderer.camera.scale;
        } else if (this.drag.id) {
          this.layout.pin(this.drag.id, this.renderer.toWorld(p.x, p.y));
          this.rebuild();
        }
        this.drag.x = p.x;
        this.drag.y = p.y;
        this.tooltipAt = null;
        tooltip.hidden = true;
        return;
      }
      const hit = this.renderer.hitTest(p.x, p.y);
      this.renderer.hover = hit;
      canvas.style.cursor = hit ? 'pointer' : 'grab';
      this.showTooltip(hit, p.x, p.y);
    });
    canvas.addEventListener('pointerup', (e) => {
      const p = local(e);
      const drag = this.drag;
      this.drag = null;
      if (drag?.kind === 'node' && drag.moved) this.savePins();
      if (drag && !drag.moved) {
        const hit = this.renderer.hitTest(p.x, p.y);
        this.select(hit ? hitToSelection(hit) : null);
      }
    });
    canvas.addEventListener('pointerleave', () => {
      this.renderer.hover = null;
      this.tooltipAt = null;
      tooltip.hidden = true;
    });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const p = local(e);
      this.userMoved = true;
      this.renderer.zoomAt(p.x, p.y, Math.exp(-e.deltaY * 0.0015));
    }, { passive: false });
    canvas.addEventListener('dblclick', (e) => {
      const p = local(e);
      const hit = this.renderer.hitTest(p.x, p.y);
      if (hit?.kind === 'node' && hit.id.startsWith(STACK_PREFIX)) {
        const group = hit.id.slice(STACK_PREFIX.length);
        this.setState({ collapsed: this.state.collapsed.filter((g) => g !== group), selection: null });
      } else if (hit?.kind === 'node') {
        const group = this.view.nodes.find((n) => n.id === hit.id)?.group;
        if (group) this.setState({ collapsed: [...this.state.collapsed, group], selection: null });
      }
    });
  }

  private tooltipAt: { x: number; y: number } | null = null;
  private noticesOpen = false;

  private showTooltip(hit: Hit, x: number, y: number): void {
    const tooltip = byId('tooltip');
    this.tooltipAt = hit ? { x, y } : null;
    if (!hit) {
      tooltip.hidden = true;
      return;
    }
    let title: string;
    let calls;
    let extra: string[] = [];
    let exact = true;
    if (hit.kind === 'node') {
      const n = this.view.nodes.find((k) => k.id === hit.id);
      if (!n) return;
      title = n.label;
      calls = n.served;
      exact = n.exact;
      extra = [n.kind === 'stack' ? `stack of ${n.members.length} services` : n.kind, n.replicas ? `${n.replicas} container${n.replicas > 1 ? 's' : ''}` : ''];
      extra.push(...n.notices.map((k) => `⚠ ${k.title}`));
    } else {
      const e = this.view.edges.find((k) => k.id === hit.id);
      if (!e) return;
      title = `${this.label(e.source)} → ${this.label(e.target)}`;
      calls = e.calls;
      exact = e.exact;
      extra = [e.protocols.join(', ')];
      extra.push(...e.notices.map((k) => `⚠ ${k.title}`));
    }
    const total = calls.ok + calls.warning + calls.error;
    const approx = exact ? '' : '≤ ';
    tooltip.replaceChildren(
      h('div', { class: 'tt-title' }, title),
      h('div', { class: 'tt-sub' }, extra.filter(Boolean).join(' · ')),
      h('table', {},
        h('tr', {}, h('td', {}, 'rate'), h('td', {}, formatRate(calls.rate))),
        h('tr', {}, h('td', {}, 'errors'), h('td', { class: calls.error ? 'bad' : '' }, `${formatPercent(total ? calls.error / total : 0)} (${calls.error})`)),
        h('tr', {}, h('td', {}, 'p50 / p95 / p99'), h('td', {}, `${approx}${formatMicros(calls.p50Micros)} / ${formatMicros(calls.p95Micros)} / ${formatMicros(calls.p99Micros)}`)),
      ),
    );
    tooltip.hidden = false;
    const stage = byId('stage').getBoundingClientRect();
    tooltip.style.left = `${Math.min(x + 16, stage.width - 260)}px`;
    tooltip.style.top = `${Math.min(y + 16, stage.height - 120)}px`;
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

  // ---- time ----------------------------------------------------------------------------------

  private bindTime(): void {
    const slider = byId<HTMLInputElement>('time');
    slider.addEventListener('input', () => {
      byId('time-label').textContent = describeTime(Number(slider.value) * 1000);
    });
    slider.addEventListener('change', () => {
      slider.blur(); // the bar follows the state again
      const value = Number(slider.value);
      if (value >= Number(slider.max) - 2) this.setState({ at: null, paused: false });
      else this.setState({ at: new Date(value * 1000).toISOString(), paused: false });
    });
    byId('live').addEventListener('click', () => this.setState({ at: null, paused: false }));
    byId('pause').addEventListener('click', () => this.togglePause());
  }

  private updateTimebar(): void {
    const slider = byId<HTMLInputElement>('time');
    const now = Math.floor(Date.now() / 1000);
    const retention = this.info ? retentionSeconds(this.info) : 3600;
    const oldest = this.info?.oldest ? Math.floor(Date.parse(this.info.oldest) / 1000) : now - retention;
    const min = Math.max(now - retention, Math.min(oldest, now - 60));
    slider.min = String(min);
    slider.max = String(now);
    if (document.activeElement !== slider) {
      slider.value = String(this.state.at ? Math.floor(Date.parse(this.state.at) / 1000) : now);
      byId('time-label').textContent = this.state.at ? describeTime(Date.parse(this.state.at))
        : this.state.paused ? 'paused' : 'now';
    }
    byId('clock').textContent = new Date().toLocaleTimeString();
  }

  // ---- notices, banner, stats ----------------------------------------------------------------

  private renderNotices(): void {
    const host = byId('notices');
    const notices = [...this.graph.notices].sort((a, b) => b.severity - a.severity || b.raisedAt.localeCompare(a.raisedAt))
      .slice(0, this.noticesOpen ? 12 : 3);
    if (notices.length === 0) {
      host.replaceChildren();
      host.hidden = true;
      return;
    }
    host.hidden = false;
    const more = this.graph.notices.length - notices.length;
    host.replaceChildren(h('button', { class: 'notices-title', title: 'Show more or fewer', onclick: () => { this.noticesOpen = !this.noticesOpen; this.renderNotices(); } },
      `Notices (${this.graph.notices.length})${more > 0 ? ` · ${more} more ▾` : this.noticesOpen ? ' ▴' : ''}`),
      ...notices.map((n) => h('button', {
        class: `notice sev-${n.severity}`,
        onclick: () => {
          if (n.client && n.server) this.select({ kind: 'edge', source: this.drawnAs(n.client), target: this.drawnAs(n.server) });
          else if (n.service) this.select({ kind: 'node', id: this.drawnAs(n.service) });
        },
      }, h('span', { class: 'notice-dot' }), h('span', { class: 'notice-text' }, n.title),
      h('span', { class: 'notice-time' }, ago(n.raisedAt)))));
  }

  private onStreamStatus(s: StreamStatus): void {
    const wasLost = this.streamStatus.state === 'lost';
    this.streamStatus = s;
    const banner = byId('banner');
    if (s.state === 'lost') {
      banner.hidden = false;
      banner.className = 'banner lost';
      banner.textContent = `Live stream lost: reconnecting in ${s.retryInSeconds} s (attempt ${s.attempt}). The picture is frozen at its last update.`;
    } else if (s.state === 'open' && wasLost) {
      banner.hidden = false;
      banner.className = 'banner restored';
      banner.textContent = 'Live stream restored.';
      window.setTimeout(() => {
        if (this.streamStatus.state === 'open') banner.hidden = true;
      }, 2500);
    } else if (s.state === 'open') {
      banner.hidden = true;
    }
  }

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

  private toast(message: string): void {
    const banner = byId('banner');
    banner.hidden = false;
    banner.className = 'banner lost';
    banner.textContent = message;
    window.setTimeout(() => (banner.hidden = true), 5000);
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

function retentionSeconds(info: ServerInfo): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(info.retention);
  if (!m) return 3600;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function describeTime(ms: number): string {
  const ago = Math.round((Date.now() - ms) / 1000);
  const when = new Date(ms).toLocaleString();
  if (ago < 90) return `${when} (${ago} s ago)`;
  if (ago < 5400) return `${when} (${Math.round(ago / 60)} min ago)`;
  return `${when} (${(ago / 3600).toFixed(1)} h ago)`;
}

export function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}
