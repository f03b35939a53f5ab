// The view's state, and its round trip through the URL so that a link shared during an incident opens
// the same view: the selected node or edge, the filters, the window and the moment shown.

import { edgeId, parseEdgeId } from './ids';

export type Selection =
  | { kind: 'node'; id: string }
  | { kind: 'edge'; source: string; target: string }
  | null;

export type TransactionFilter = 'all' | 'errors' | 'slowest';

export interface ViewState {
  selection: Selection;
  /** null: live; else the moment shown (ISO-8601), time travel. */
  at: string | null;
  /** Live, but the picture frozen. */
  paused: boolean;
  /** Seconds of traffic the graph sums. */
  window: number;
  collapsed: string[];
  topN: number;
  errorsOnly: boolean;
  search: string;
  transactions: TransactionFilter;
}

export const DEFAULT_STATE: ViewState = {
  selection: null,
  at: null,
  paused: false,
  window: 60,
  collapsed: [],
  topN: 0,
  errorsOnly: false,
  search: '',
  transactions: 'all',
};

const WINDOWS = [10, 30, 60, 300, 900, 3600];

export function windows(): readonly number[] {
  return WINDOWS;
}

/** The query string of a state; defaults are left out so links stay short. */
export function toQuery(s: ViewState): string {
  const q = new URLSearchParams();
  if (s.selection?.kind === 'node') q.set('node', s.selection.id);
  if (s.selection?.kind === 'edge') q.set('edge', edgeId(s.selection.source, s.selection.target));
  if (s.at) q.set('at', s.at);
  if (s.paused && !s.at) q.set('paused', '1');
  if (s.window !== DEFAULT_STATE.window) q.set('window', `${s.window}s`);
  if (s.collapsed.length) q.set('collapse', [...s.collapsed].sort().join(','));
  if (s.topN > 0) q.set('top', String(s.topN));
  if (s.errorsOnly) q.set('errors', '1');
  if (s.search) q.set('q', s.search);
  if (s.transactions !== 'all') q.set('tx', s.transactions);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** A state from a query string; anything malformed falls back to its default. */
export function fromQuery(query: string): ViewState {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const s: ViewState = { ...DEFAULT_STATE, collapsed: [] };
  const node = q.get('node');
  const edge = q.get('edge');
  if (node) s.selection = { kind: 'node', id: node };
  else if (edge) {
    const ends = parseEdgeId(edge);
    if (ends) s.selection = { kind: 'edge', ...ends };
  }
  const at = q.get('at');
  if (at && !Number.isNaN(Date.parse(at))) s.at = new Date(Date.parse(at)).toISOString();
  s.paused = q.get('paused') === '1';
  const w = parseDuration(q.get('window'));
  if (w !== null && w >= 1 && w <= 31 * 86400) s.window = w;
  const collapse = q.get('collapse');
  if (collapse) s.collapsed = collapse.split(',').filter((g) => g.length > 0);
  const top = Number(q.get('top'));
  if (Number.isInteger(top) && top > 0 && top <= 100000) s.topN = top;
  s.errorsOnly = q.get('errors') === '1';
  s.search = q.get('q') ?? '';
  const tx = q.get('tx');
  if (tx === 'errors' || tx === 'slowest') s.transactions = tx;
  return s;
}

/** "90s", "5m", "1h", "2d" or plain seconds to seconds; null when unreadable. */
export function parseDuration(text: string | null): number | null {
  if (!text) return null;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[unit]!;
  return n * factor;
}

export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export function sameSelection(a: Selection, b: Selection): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'node' && b.kind === 'node') return a.id === b.id;
  if (a.kind === 'edge' && b.kind === 'edge') return a.source === b.source && a.target === b.target;
  return false;
}

/** Latency for people: 850 µs, 12.3 ms, 1.25 s. */
export function formatMicros(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : us < 100_000 ? 1 : 0)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond < 0.1) return `${(perSecond * 60).toFixed(1)}/min`;
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  if (perSecond < 10_000) return `${Math.round(perSecond)}/s`;
  return `${(perSecond / 1000).toFixed(1)}k/s`;
}

export function formatPercent(share: number): string {
  if (share === 0) return '0%';
  if (share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}
