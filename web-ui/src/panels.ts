// Drill-down panels: a service (its containers, callers and callees, its failing requests), an edge
// (rate and error-rate sparklines, the latency histogram, the access log), a collapsed stack.

import { api } from './api';
import { h, svg } from './dom';
import { DisplayEdge, DisplayGraph, health, STACK_PREFIX } from './lod';
import { formatMicros, formatPercent, formatRate, Selection, TransactionFilter, ViewState } from './state';
import { Calls, EdgeDetail, Endpoints, Graph, GraphEdge, Transaction } from './types';

/**
 * What the panels need of the page: its state and view, and the few ways they change it. The page
 * (App) provides it; the panels do not import the page, so the two do not depend on each other.
 */
export interface PanelHost {
  readonly state: ViewState;
  readonly view: DisplayGraph;
  setState(change: Partial<ViewState>): void;
  select(selection: Selection): void;
  drawnAs(service: string): string;
  label(id: string): string;
  displayEdge(source: string, target: string): DisplayEdge | undefined;
}

function header(title: Node | string, subtitle: string, close: () => void): HTMLElement {
  return h('div', { class: 'panel-head' },
    h('div', {}, h('h2', {}, title), h('div', { class: 'panel-sub' }, subtitle)),
    h('button', { class: 'close', title: 'Close (Esc)', onclick: close }, '×'));
}

function metrics(c: Calls, exact = true): HTMLElement {
  const total = c.ok + c.warning + c.error;
  const share = total ? c.error / total : 0;
  const cell = (label: string, value: string, cls = '') => h('div', { class: `metric ${cls}` }, h('div', { class: 'metric-value' }, value), h('div', { class: 'metric-label' }, label));
  const approx = exact ? '' : '≤';
  return h('div', { class: 'metrics' },
    cell('rate', formatRate(c.rate)),
    cell('errors', formatPercent(share), health(c) === 'danger' ? 'bad' : health(c) === 'warning' ? 'warn' : ''),
    cell('p50', approx + formatMicros(c.p50Micros)),
    cell('p95', approx + formatMicros(c.p95Micros)),
    cell('p99', approx + formatMicros(c.p99Micros)));
}

function callsRow(label: Node | string, c: Calls, onclick?: () => void): HTMLElement {
  const total = c.ok + c.warning + c.error;
  return h('tr', { class: onclick ? 'clickable' : '', onclick },
    h('td', { class: 'name' }, label),
    h('td', {}, formatRate(c.rate)),
    h('td', { class: c.error ? 'bad' : '' }, formatPercent(total ? c.error / total : 0)),
    h('td', {}, formatMicros(c.p50Micros)),
    h('td', {}, formatMicros(c.p95Micros)),
    h('td', {}, formatMicros(c.p99Micros)));
}

function callsTable(rows: HTMLElement[], first: string): HTMLElement {
  return h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, first), h('th', {}, 'rate'), h('th', {}, 'errors'), h('th', {}, 'p50'), h('th', {}, 'p95'), h('th', {}, 'p99'))),
    h('tbody', {}, rows));
}

function section(title: string, ...content: (Node | string)[]): HTMLElement {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), ...content);
}

function errorBox(e: unknown): HTMLElement {
  return h('div', { class: 'panel-error' }, `Could not load: ${e instanceof Error ? e.message : String(e)}`);
}

/** What a drill-down's access log shows: stored calls are a sample; the counts are exact. */
const SAMPLE_NOTE = 'Agents keep a sample of the calls: per edge and second every error and warning up to 10, the 3 slowest and 5 of the rest. Counts and percentiles above are exact.';

/**
 * A table of endpoints (HTTP routes, SQL statement shapes, Redis commands) by calls; clicking one
 * filters the access log to it, clicking it again clears the filter.
 */
function endpointsTable(e: Endpoints, chosen: string | null, choose: (endpoint: string | null) => void): Node {
  if (e.endpoints.length === 0) return h('div', { class: 'hint' }, 'No endpoint in the last 15 minutes.');
  const rows = e.endpoints.map((r) => {
    const row = callsRow(h('span', { class: 'endpoint', title: r.endpoint }, r.endpoint, h('span', { class: 'proto' }, r.protocol)), r.calls,
      () => choose(chosen === r.endpoint ? null : r.endpoint));
    row.setAttribute('data-endpoint', r.endpoint);
    if (chosen === r.endpoint) row.classList.add('chosen');
    return row;
  });
  return h('div', {}, callsTable(rows, 'endpoint'),
    e.more > 0 ? h('div', { class: 'hint' }, `and ${e.more} more`) : '');
}

function endpointFilter(chosen: string | null, clear: () => void): Node | string {
  return chosen ? h('div', { class: 'tabs' }, h('span', { class: 'filter' }, chosen),
    h('button', { class: 'tab', 'data-clear-endpoint': '', onclick: clear }, 'all endpoints')) : '';
}

export class ServicePanel {
  private endpoint: string | null = null;

  constructor(private readonly host: HTMLElement, private readonly app: PanelHost, private readonly name: string, private readonly close: () => void) {
    host.replaceChildren(header(name, 'service', close), h('div', { class: 'loading' }, 'Loading…'));
  }

  async refresh(g: Graph, state: ViewState): Promise<void> {
    if (!g.nodes.some((n) => n.name === this.name)) {
      this.host.replaceChildren(header(this.name, 'service', this.close),
        h('div', { class: 'hint' }, state.at ? 'No traffic of this service in the window shown. Move the time slider, or go back to live.'
          : 'No traffic of this service in the window shown; it may have stopped or not started yet.'));
      return;
    }
    try {
      const [s, failing, endpoints] = await Promise.all([
        api.service(this.name, state.window, state.at),
        api.transactions({ server: this.name, outcome: 'error', limit: 15, to: state.at ?? undefined, endpoint: this.endpoint ?? undefined }),
        api.endpoints(this.name, null, null, Math.min(900, Math.max(state.window, 60)), state.at),
      ]);
      const choose = (endpoint: string | null) => { this.endpoint = endpoint; this.refresh(g, this.app.state); };
      const edgeRow = (e: GraphEdge, other: string) => callsRow(h('span', {}, other, h('span', { class: 'proto' }, e.protocol)), e.calls,
        () => this.app.select({ kind: 'edge', source: this.app.drawnAs(e.client), target: this.app.drawnAs(e.server) }));
      const kind = [s.kind, s.group ? `stack ${s.group}` : null, `${s.containers.length} container${s.containers.length === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
      this.host.replaceChildren(
        header(s.name, kind, this.close),
        metrics(s.served),
        section(`Containers (${s.containers.length})`, s.containers.length
          ? callsTable(s.containers.map((c) => callsRow(c.name, c.served)), 'container')
          : h('div', { class: 'hint' }, s.kind === 'service' ? 'No container served calls in this window.' : 'Not a monitored container: named from the traffic.')),
        section(`Callers (${s.callers.length})`, s.callers.length ? callsTable(s.callers.map((e) => edgeRow(e, e.client)), 'from') : h('div', { class: 'hint' }, 'Nobody called it in this window.')),
        section(`Calls (${s.callees.length})`, s.callees.length ? callsTable(s.callees.map((e) => edgeRow(e, e.server)), 'to') : h('div', { class: 'hint' }, 'It called nothing in this window.')),
        section('Endpoints', endpointsTable(endpoints, this.endpoint, choose)),
        section('Recent failing requests', endpointFilter(this.endpoint, () => choose(null)),
          transactionList(failing.transactions, this.endpoint ? 'No failing request of this endpoint is stored.' : 'No failing request is stored for it.'),
          h('div', { class: 'hint sample-note' }, SAMPLE_NOTE)),
      );
    } catch (e) {
      this.host.replaceChildren(header(this.name, 'service', this.close), errorBox(e));
    }
  }
}

export class StackPanel {
  constructor(private readonly host: HTMLElement, private readonly app: PanelHost, private readonly id: string, private readonly close: () => void) {}

  async refresh(g: Graph): Promise<void> {
    const group = this.id.slice(STACK_PREFIX.length);
    const members = g.nodes.filter((n) => n.group === group);
    const node = this.app.view.nodes.find((n) => n.id === this.id);
    this.host.replaceChildren(
      header(group, `stack of ${members.length} services · double-click it to expand`, this.close),
      node ? metrics(node.served, false) : h('div'),
      section('Services', callsTable(members.map((m) => callsRow(m.name, m.served)), 'service')),
      h('button', { class: 'wide', onclick: () => this.app.setState({ collapsed: this.app.state.collapsed.filter((k) => k !== group), selection: null }) }, `Expand ${group}`),
    );
  }
}

export class EdgePanel {
  private protocol: string | null = null;
  private endpoint: string | null = null;

  constructor(private readonly host: HTMLElement, private readonly app: PanelHost, private readonly source: string, private readonly target: string, private readonly close: () => void) {
    host.replaceChildren(header(`${app.label(source)} → ${app.label(target)}`, 'edge', close), h('div', { class: 'loading' }, 'Loading…'));
  }

  async refresh(_g: Graph, state: ViewState): Promise<void> {
    const title = h('span', {}, this.app.label(this.source), h('span', { class: 'arrow' }, ' → '), this.app.label(this.target));
    const edge = this.app.displayEdge(this.source, this.target);
    if (this.source.startsWith(STACK_PREFIX) || this.target.startsWith(STACK_PREFIX)) {
      this.host.replaceChildren(header(title, 'between stacks', this.close),
        edge ? metrics(edge.calls, false) : h('div'),
        section('Edges inside', callsTable((edge?.members ?? []).map((e) => callsRow(`${e.client} → ${e.server} (${e.protocol})`, e.calls)), 'edge')),
        h('div', { class: 'hint' }, 'Expand the stacks to see each edge\'s requests.'));
      return;
    }
    const protocols = edge?.protocols ?? [];
    try {
      const windowSeconds = Math.max(state.window, 900);
      const filter = state.transactions;
      const [detail, tx, endpoints] = await Promise.all([
        api.edge(this.source, this.target, this.protocol, windowSeconds, state.at),
        api.transactions({
          client: this.source, server: this.target, protocol: this.protocol ?? undefined,
          outcome: filter === 'errors' ? 'error' : undefined, order: filter === 'slowest' ? 'slowest' : undefined,
          to: state.at ?? undefined, limit: 50, endpoint: this.endpoint ?? undefined,
        }),
        api.endpoints(this.target, this.source, this.protocol, windowSeconds, state.at),
      ]);
      const choose = (endpoint: string | null) => { this.endpoint = endpoint; this.refresh(_g, this.app.state); };
      const tabs = protocols.length > 1 ? h('div', { class: 'tabs' },
        [null, ...protocols].map((p) => h('button', { class: p === this.protocol ? 'tab active' : 'tab', onclick: () => { this.protocol = p; this.refresh(_g, this.app.state); } }, p ?? 'all'))) : null;
      const filters = h('div', { class: 'tabs' }, (['all', 'errors', 'slowest'] as TransactionFilter[]).map((f) =>
        h('button', { class: f === filter ? 'tab active' : 'tab', 'data-filter': f, onclick: () => this.app.setState({ transactions: f }) }, f === 'all' ? 'Newest' : f === 'errors' ? 'Errors' : 'Slowest')));
      this.host.replaceChildren(
        header(title, `${this.protocol ?? (protocols.join(', ') || detail.protocol || '')} · now: the graph's window; history: the last ${Math.round(windowSeconds / 60)} min`, this.close),
        tabs ?? '',
        // The same numbers as the graph and its tooltip (the graph's window); the charts show history.
        metrics(this.protocol === null && edge ? edge.calls : detail.calls, this.protocol !== null || !edge || edge.exact),
        section('Requests per second', sparkline(detail, (p) => p.rate, 'rate', formatRate)),
        section('Error rate', sparkline(detail, (p) => p.errorRate, 'errors', formatPercent)),
        section(`Latency, last ${Math.round(windowSeconds / 60)} min`, histogram(detail)),
        section('Endpoints', endpointsTable(endpoints, this.endpoint, choose)),
        section('Requests', filters, endpointFilter(this.endpoint, () => choose(null)),
          transactionList(tx.transactions, filter === 'errors' ? 'No failing request is stored for this edge.' : 'No request is stored for this edge.'),
          h('div', { class: 'hint sample-note' }, SAMPLE_NOTE)),
      );
    } catch (e) {
      this.host.replaceChildren(header(title, 'edge', this.close), errorBox(e));
    }
  }
}

function sparkline(d: EdgeDetail, value: (p: EdgeDetail['series'][number]) => number, cls: string, format: (v: number) => string): Element {
  const w = 300;
  const hgt = 44;
  const values = d.series.map(value);
  const max = Math.max(...values, cls === 'errors' ? 0.01 : 0.001);
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${hgt - (v / max) * (hgt - 4) - 2}`);
  const last = values.length ? values[values.length - 1] : 0;
  return h('div', { class: `spark ${cls}` },
    svg('svg', { viewBox: `0 0 ${w} ${hgt}`, preserveAspectRatio: 'none', class: 'spark-svg' },
      svg('polyline', { points: `0,${hgt} ${points.join(' ')} ${w},${hgt}`, class: 'spark-fill' }),
      svg('polyline', { points: points.join(' '), class: 'spark-line' })),
    h('div', { class: 'spark-legend' }, h('span', {}, `now ${format(last)}`), h('span', {}, `max ${format(Math.max(...values, 0))}`)));
}

function histogram(d: EdgeDetail): Element {
  const bins = d.histogram;
  if (bins.length === 0) return h('div', { class: 'hint' }, 'No timed calls in this window.');
  const w = 300;
  const hgt = 70;
  const max = Math.max(...bins.map((b) => b.count));
  const lo = Math.log10(Math.max(1, bins[0].upToMicros / 2));
  const hi = Math.log10(Math.max(bins[bins.length - 1].upToMicros, 10));
  const x = (us: number) => ((Math.log10(Math.max(1, us)) - lo) / Math.max(0.001, hi - lo)) * w;
  const bars: SVGElement[] = [];
  let prev = bins[0].upToMicros / 2;
  for (const b of bins) {
    const x0 = x(prev);
    const x1 = Math.max(x0 + 1.5, x(b.upToMicros));
    const bh = Math.max(1, (Math.sqrt(b.count) / Math.sqrt(max)) * (hgt - 14));
    bars.push(svg('rect', { x: x0, y: hgt - bh, width: Math.max(1, x1 - x0 - 0.5), height: bh, class: 'hbar' }));
    prev = b.upToMicros;
  }
  const marks = ([['p50', d.calls.p50Micros], ['p95', d.calls.p95Micros], ['p99', d.calls.p99Micros]] as [string, number][])
    .map(([label, us]) => svg('g', {}, svg('line', { x1: x(us), x2: x(us), y1: 10, y2: hgt, class: `mark ${label}` }),
      svg('text', { x: Math.min(w - 16, Math.max(8, x(us))), y: 8, class: 'mark-label' }, label)));
  return h('div', { class: 'histogram' },
    svg('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'hist-svg' }, ...bars, ...marks),
    h('div', { class: 'spark-legend' }, h('span', {}, formatMicros(bins[0].upToMicros)), h('span', {}, `p50 ${formatMicros(d.calls.p50Micros)} · p95 ${formatMicros(d.calls.p95Micros)} · p99 ${formatMicros(d.calls.p99Micros)}`), h('span', {}, formatMicros(bins[bins.length - 1].upToMicros))));
}

function transactionList(list: Transaction[], empty: string): HTMLElement {
  if (list.length === 0) return h('div', { class: 'hint' }, empty);
  const rows: HTMLElement[] = [];
  for (const t of list) {
    const detail = h('tr', { class: 'tx-detail', hidden: true }, h('td', { colspan: 4 }, fields(t)));
    const row = h('tr', {
      class: `tx clickable outcome-${t.outcome}`,
      onclick: () => {
        detail.hidden = !detail.hidden;
        row.classList.toggle('open', !detail.hidden);
      },
    },
    h('td', { class: 'tx-time' }, t.end || t.start ? new Date(t.end ?? t.start!).toLocaleTimeString() : ''),
    h('td', { class: 'tx-what' }, [t.method, t.resource].filter(Boolean).join(' ') || t.query || t.protocol),
    h('td', { class: `tx-status ${t.outcome}` }, t.status ?? t.outcome),
    h('td', { class: 'tx-duration' }, t.durationMicros == null ? 'no reply' : formatMicros(t.durationMicros)));
    rows.push(row, detail);
  }
  return h('table', { class: 'grid transactions' },
    h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'request'), h('th', {}, 'status'), h('th', {}, 'duration'))),
    h('tbody', {}, rows));
}

function fields(t: Transaction): HTMLElement {
  const items: [string, unknown][] = Object.entries(t).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  return h('dl', { class: 'fields' }, items.flatMap(([k, v]) => [
    h('dt', {}, k),
    h('dd', {}, typeof v === 'object' ? (k === 'client' || k === 'server') && v && 'ip' in (v as object)
      ? `${(v as { ip: string }).ip}:${(v as { port: number }).port}` : JSON.stringify(v) : String(v)),
  ]));
}
