// The toolbar and the keyboard: window, search, busiest edges, failing only, collapse stacks, fit,
// tidy, legend, tour; '/', Esc, f and the space bar.

import { byId, h } from './dom';
import { DisplayGraph } from './lod';
import { formatDuration, Selection, windows } from './state';
import { ViewStore } from './store';
import { Graph } from './types';

export interface ToolbarHost {
  readonly store: ViewStore;
  readonly graph: Graph;
  readonly view: DisplayGraph;
  select(selection: Selection): void;
  /** Fits the camera to these nodes (all when none). */
  fit(ids?: string[]): void;
  /** The fit button: fits, and gives the camera back to automatic fitting. */
  refit(): void;
  /** Forgets where nodes were dragged and lays the graph out afresh. */
  tidy(): void;
  togglePause(): void;
  startTour(): void;
  /** Esc: the selection, the tour and the legend close. */
  dismiss(): void;
}

export class Toolbar {
  constructor(private readonly host: ToolbarHost) {}

  bind(): void {
    const { store } = this.host;
    const win = byId<HTMLSelectElement>('window');
    for (const w of windows()) win.append(h('option', { value: w }, `last ${formatDuration(w)}`));
    win.addEventListener('change', () => store.set({ window: Number(win.value) }));
    const search = byId<HTMLInputElement>('search');
    search.addEventListener('input', () => store.set({ search: search.value }));
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        const hits = this.host.view.nodes.filter((n) => n.match);
        if (hits.length) {
          this.host.fit(hits.map((n) => n.id));
          if (hits.length === 1) this.host.select({ kind: 'node', id: hits[0].id });
        }
      } else if (e.key === 'Escape') {
        search.value = '';
        store.set({ search: '' });
        search.blur();
      }
    });
    byId<HTMLSelectElement>('top').addEventListener('change', (e) => store.set({ topN: Number((e.target as HTMLSelectElement).value) }));
    byId<HTMLInputElement>('errors').addEventListener('change', (e) => store.set({ errorsOnly: (e.target as HTMLInputElement).checked }));
    byId('collapse').addEventListener('click', () => {
      const groups = [...new Set(this.host.graph.nodes.map((n) => n.group).filter((g): g is string => !!g))];
      store.set({ collapsed: store.state.collapsed.length ? [] : groups, selection: null });
    });
    byId('fit').addEventListener('click', () => this.host.refit());
    byId('tidy').addEventListener('click', () => this.host.tidy());
    byId('legend-button').addEventListener('click', () => (byId('legend').hidden = !byId('legend').hidden));
    byId('tour-button').addEventListener('click', () => this.host.startTour());
    document.addEventListener('keydown', (e) => {
      if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
      if (e.key === '/') {
        e.preventDefault();
        search.focus();
      } else if (e.key === 'Escape') {
        this.host.dismiss();
      } else if (e.key === 'f') {
        this.host.fit();
      } else if (e.key === ' ') {
        e.preventDefault();
        this.host.togglePause();
      }
    });
  }

  /** The controls show the state (after a change, or a shared link). */
  sync(): void {
    const state = this.host.store.state;
    (byId<HTMLInputElement>('search')).value = state.search;
    (byId<HTMLSelectElement>('top')).value = String(state.topN);
    (byId<HTMLInputElement>('errors')).checked = state.errorsOnly;
    const win = byId<HTMLSelectElement>('window');
    if (![...win.options].some((o) => Number(o.value) === state.window)) {
      win.append(h('option', { value: state.window }, formatDuration(state.window)));
    }
    win.value = String(state.window);
    byId('collapse').textContent = state.collapsed.length ? 'Expand stacks' : 'Collapse stacks';
    const mode = byId('mode');
    mode.className = `mode-badge ${state.at ? 'past' : state.paused ? 'paused' : 'live'}`;
    mode.textContent = state.at ? 'HISTORY' : state.paused ? 'PAUSED' : 'LIVE';
    byId('pause').textContent = state.paused ? '▶ Resume' : '❚❚ Pause';
    byId('live').classList.toggle('active', !state.at && !state.paused);
  }
}
