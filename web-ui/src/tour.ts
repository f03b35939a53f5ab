// For newcomers: the legend (what a node, an edge, a dot, a ring, an island mean) and a short tour
// that points at each on the live graph.

import { h } from './dom';
import { COLOURS } from './render';

interface Step {
  target: string;
  title: string;
  text: string;
}

const STEPS: Step[] = [
  { target: '#graph', title: 'Your system, live', text: 'Every circle is a service running in your containers, every line the calls one service makes to another, as seen on the network in the last minute. Nothing is sampled and no code was changed.' },
  { target: 'internet', title: 'INTERNET', text: 'Calls from outside your containers enter here, on the left. Services are laid out left to right by how deep in the call chain they sit.' },
  { target: 'node', title: 'A service', text: 'Its ring shows the calls it served: blue went fine, orange were warnings (HTTP 4xx, or a call the capture saw only in part), red failed. "×3" means three replicas. Hover for rate and p50/p95/p99 latency; click for its containers.' },
  { target: 'edge', title: 'An edge and its dots', text: 'Each dot is traffic on its way from caller to callee: the denser the dots, the higher the request rate. Red dots are failing calls.' },
  { target: 'failing', title: 'Where it breaks', text: 'A red edge or ring is failing. Click it: the panel lists its failing and slowest requests, each expandable to every field.' },
  { target: '#notices', title: 'Notices', text: 'New edges, new external dependencies, vanished services, and jumps in error rate or latency are listed here and marked on the graph with a triangle.' },
  { target: '.timebar', title: 'Time travel', text: 'Pause the picture, or drag the slider to see the graph as it was. The URL keeps what you are looking at: paste it into the incident channel.' },
];

export class Tour {
  private index = -1;

  constructor(private readonly host: HTMLElement, private readonly locate: (target: string) => DOMRect | null) {
    window.addEventListener('resize', () => this.show());
  }

  start(): void {
    this.index = 0;
    this.show();
  }

  stop(): void {
    this.index = -1;
    this.host.hidden = true;
  }

  private show(): void {
    if (this.index < 0) return;
    const step = STEPS[this.index];
    const rect = this.locate(step.target);
    const spot = h('div', { class: 'tour-spot' });
    const box = h('div', { class: 'tour-box', role: 'dialog', 'aria-label': step.title },
      h('div', { class: 'tour-count' }, `${this.index + 1} / ${STEPS.length}`),
      h('h3', {}, step.title),
      h('p', {}, step.text),
      h('div', { class: 'tour-buttons' },
        h('button', { onclick: () => this.stop() }, 'Close'),
        this.index > 0 ? h('button', { onclick: () => { this.index--; this.show(); } }, 'Back') : null,
        this.index < STEPS.length - 1
          ? h('button', { class: 'accent', onclick: () => { this.index++; this.show(); } }, 'Next')
          : h('button', { class: 'accent', onclick: () => this.stop() }, 'Done')));
    this.host.replaceChildren(spot, box);
    this.host.hidden = false;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    if (rect && rect.width > 0) {
      const pad = 6;
      Object.assign(spot.style, { left: `${rect.left - pad}px`, top: `${rect.top - pad}px`, width: `${rect.width + 2 * pad}px`, height: `${rect.height + 2 * pad}px` });
      const big = rect.width > vw * 0.6 && rect.height > vh * 0.5;
      const left = big ? vw / 2 - 170 : Math.min(vw - 360, Math.max(12, rect.right + 16 > vw - 360 ? rect.left - 356 : rect.right + 16));
      const top = big ? vh / 2 - 90 : Math.min(vh - 220, Math.max(12, rect.top));
      Object.assign(box.style, { left: `${left}px`, top: `${top}px` });
    } else {
      spot.hidden = true;
      Object.assign(box.style, { left: `${vw / 2 - 170}px`, top: `${vh / 2 - 90}px` });
    }
  }
}

export function legend(close: () => void): HTMLElement {
  const dot = (colour: string) => h('span', { class: 'lg-dot', style: `background:${colour}` });
  const ring = (colour: string, dashed = false) => h('span', { class: 'lg-ring', style: `border-color:${colour};${dashed ? 'border-style:dashed' : ''}` });
  const row = (icon: Node, text: string) => h('div', { class: 'lg-row' }, h('span', { class: 'lg-icon' }, icon), h('span', {}, text));
  return h('div', { class: 'legend-box' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Legend'), h('button', { class: 'close', onclick: close }, '×')),
    row(ring(COLOURS.normal), 'a service; its ring splits the calls it served into ok, warning and failed'),
    row(ring(COLOURS.muted, true), 'an external dependency, named by its host name or address'),
    row(h('span', { class: 'lg-square' }), 'a collapsed stack (double-click to expand)'),
    row(h('span', { class: 'lg-line' }), 'an edge: calls from left to right, per protocol'),
    row(dot(COLOURS.normal), 'a dot: calls in flight; denser dots, more calls per second'),
    row(dot(COLOURS.warning), 'warning: HTTP 4xx, or a call the capture saw only in part'),
    row(dot(COLOURS.danger), 'failed: HTTP 5xx, Redis and SQL errors, a call with no reply'),
    row(h('span', { class: 'lg-island' }), 'an island: a Swarm stack or Compose project'),
    row(h('span', { class: 'lg-badge' }, '!'), 'a notice: a new edge or dependency, a jump in errors or latency'),
    h('div', { class: 'hint' }, 'Keys: / search · F fit · Space pause · Esc close · scroll to zoom · drag to pan or move a service.'));
}
