// Pointer input on the graph: hover and its tooltip, click to select, drag a service to move it (it
// stays there), drag the background to pan, the wheel to zoom, double-click to collapse or expand a
// stack.

import { byId, h } from './dom';
import { StableLayout } from './layout';
import { DisplayGraph, STACK_PREFIX } from './lod';
import { Hit, hitToSelection, Renderer } from './render';
import { formatMicros, formatPercent, formatRate, Selection } from './state';
import { ViewStore } from './store';

export interface InputHost {
  readonly store: ViewStore;
  readonly renderer: Renderer;
  readonly layout: StableLayout;
  readonly view: DisplayGraph;
  select(selection: Selection): void;
  label(id: string): string;
  /** The user moved the camera or a node: no more automatic fitting. */
  userMoved(): void;
  rebuild(): void;
  savePins(): void;
}

export class CanvasInput {
  private drag: { kind: 'pan' | 'node'; id?: string; x: number; y: number; moved: boolean } | null = null;
  readonly tooltip: Tooltip;

  constructor(private readonly host: InputHost) {
    this.tooltip = new Tooltip(host);
  }

  bind(): void {
    const { renderer, layout } = this.host;
    const canvas = byId<HTMLCanvasElement>('graph');
    const local = (e: MouseEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    canvas.addEventListener('pointerdown', (e) => {
      const p = local(e);
      const hit = renderer.hitTest(p.x, p.y);
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
        this.host.userMoved();
        if (this.drag.kind === 'pan') {
          renderer.camera.x -= dx / renderer.camera.scale;
          renderer.camera.y -= dy / renderer.camera.scale;
        } else if (this.drag.id) {
          layout.pin(this.drag.id, renderer.toWorld(p.x, p.y));
          this.host.rebuild();
        }
        this.drag.x = p.x;
        this.drag.y = p.y;
        this.tooltip.hide();
        return;
      }
      const hit = renderer.hitTest(p.x, p.y);
      renderer.hover = hit;
      canvas.style.cursor = hit ? 'pointer' : 'grab';
      this.tooltip.show(hit, p.x, p.y);
    });
    canvas.addEventListener('pointerup', (e) => {
      const p = local(e);
      const drag = this.drag;
      this.drag = null;
      if (drag?.kind === 'node' && drag.moved) this.host.savePins();
      if (drag && !drag.moved) {
        const hit = renderer.hitTest(p.x, p.y);
        this.host.select(hit ? hitToSelection(hit) : null);
      }
    });
    canvas.addEventListener('pointerleave', () => {
      renderer.hover = null;
      this.tooltip.hide();
    });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const p = local(e);
      this.host.userMoved();
      renderer.zoomAt(p.x, p.y, Math.exp(-e.deltaY * 0.0015));
    }, { passive: false });
    canvas.addEventListener('dblclick', (e) => {
      const p = local(e);
      const hit = renderer.hitTest(p.x, p.y);
      const state = this.host.store.state;
      if (hit?.kind === 'node' && hit.id.startsWith(STACK_PREFIX)) {
        const group = hit.id.slice(STACK_PREFIX.length);
        this.host.store.set({ collapsed: state.collapsed.filter((g) => g !== group), selection: null });
      } else if (hit?.kind === 'node') {
        const group = this.host.view.nodes.find((n) => n.id === hit.id)?.group;
        if (group) this.host.store.set({ collapsed: [...state.collapsed, group], selection: null });
      }
    });
  }
}

/** The numbers of what the pointer is over: rate, errors, percentiles, notices. */
export class Tooltip {
  /** Where it is shown, or null when hidden. */
  private at: { x: number; y: number } | null = null;

  constructor(private readonly host: InputHost) {}

  hide(): void {
    this.at = null;
    byId('tooltip').hidden = true;
  }

  /** After an update: the same place, fresh numbers. */
  refresh(): void {
    if (this.at) this.show(this.host.renderer.hover, this.at.x, this.at.y);
  }

  show(hit: Hit, x: number, y: number): void {
    const tooltip = byId('tooltip');
    this.at = hit ? { x, y } : null;
    if (!hit) {
      tooltip.hidden = true;
      return;
    }
    const view = this.host.view;
    let title: string;
    let calls;
    let extra: string[] = [];
    let exact = true;
    if (hit.kind === 'node') {
      const n = view.nodes.find((k) => k.id === hit.id);
      if (!n) return;
      title = n.label;
      calls = n.served;
      exact = n.exact;
      extra = [n.kind === 'stack' ? `stack of ${n.members.length} services` : n.kind, n.replicas ? `${n.replicas} container${n.replicas > 1 ? 's' : ''}` : ''];
      extra.push(...n.notices.map((k) => `⚠ ${k.title}`));
    } else {
      const e = view.edges.find((k) => k.id === hit.id);
      if (!e) return;
      title = `${this.host.label(e.source)} → ${this.host.label(e.target)}`;
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
}
