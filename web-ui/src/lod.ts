// Level of detail: from the server's graph to what is drawn. Stacks can collapse to one node, edges
// between the same two drawn nodes merge (protocols listed), and the view can keep only the busiest
// edges, only the failing ones, or highlight the services matching a search.

import { edgeId } from './ids';
import { Calls, Graph, GraphEdge, NodeKind, Notice } from './types';

export { edgeId };

export type Health = 'normal' | 'warning' | 'danger';

export interface LodOptions {
  /** Groups (stacks) drawn as one node each. */
  collapsed: ReadonlySet<string>;
  /** Keep only the N edges with the highest rate (0: all). */
  topN: number;
  /** Keep only edges with failing calls. */
  errorsOnly: boolean;
  /** Highlight the services whose name contains this (case-insensitive). */
  search: string;
}

export const DEFAULT_LOD: LodOptions = { collapsed: new Set(), topN: 0, errorsOnly: false, search: '' };

export interface DisplayNode {
  id: string;
  label: string;
  kind: NodeKind | 'stack';
  group: string | null;
  /** The services it stands for (one, or a stack's). */
  members: string[];
  served: Calls;
  /** Replicas (containers) behind it. */
  replicas: number;
  health: Health;
  notices: Notice[];
  /** False when a filter leaves it without any edge, or a search does not match it. */
  emphasised: boolean;
  match: boolean;
  /** Percentiles are exact for one service; for a stack they are the members' highest. */
  exact: boolean;
}

export interface DisplayEdge {
  id: string;
  source: string;
  target: string;
  protocols: string[];
  /** The graph's edges it stands for. */
  members: GraphEdge[];
  calls: Calls;
  health: Health;
  notices: Notice[];
  exact: boolean;
}

export interface DisplayGraph {
  nodes: DisplayNode[];
  edges: DisplayEdge[];
  /** Edges hidden by top N / errors only. */
  hiddenEdges: number;
}

export const STACK_PREFIX = 'stack:';

export function health(c: Calls): Health {
  const total = c.ok + c.warning + c.error;
  if (total === 0) return 'normal';
  if (c.error / total >= 0.05) return 'danger';
  if (c.error / total >= 0.01 || c.warning / total >= 0.05) return 'warning';
  return 'normal';
}

/** Sums calls; percentiles cannot be merged here, so the highest is kept (an upper bound). */
export function sumCalls(a: Calls, b: Calls): Calls {
  return {
    rate: a.rate + b.rate,
    ok: a.ok + b.ok,
    warning: a.warning + b.warning,
    error: a.error + b.error,
    p50Micros: Math.max(a.p50Micros, b.p50Micros),
    p95Micros: Math.max(a.p95Micros, b.p95Micros),
    p99Micros: Math.max(a.p99Micros, b.p99Micros),
    requestBytes: a.requestBytes + b.requestBytes,
    responseBytes: a.responseBytes + b.responseBytes,
  };
}


export function display(graph: Graph, options: LodOptions): DisplayGraph {
  const groupOf = new Map<string, string | null>();
  for (const n of graph.nodes) groupOf.set(n.name, n.group);
  const idOf = (service: string): string => {
    const g = groupOf.get(service);
    return g != null && options.collapsed.has(g) ? STACK_PREFIX + g : service;
  };
  // The graph carries the active conditions and the recent events.
  const active = graph.notices;

  const nodes = new Map<string, DisplayNode>();
  for (const n of graph.nodes) {
    const id = idOf(n.name);
    const existing = nodes.get(id);
    if (existing) {
      existing.members.push(n.name);
      existing.served = sumCalls(existing.served, n.served);
      existing.replicas += n.containers.length;
      existing.exact = false;
    } else {
      const stack = id !== n.name;
      nodes.set(id, {
        id,
        label: stack ? (n.group as string) : n.name,
        kind: stack ? 'stack' : n.kind,
        group: n.group,
        members: [n.name],
        served: { ...n.served },
        replicas: n.containers.length,
        health: 'normal',
        notices: [],
        emphasised: true,
        match: false,
        exact: true,
      });
    }
  }

  let edges = new Map<string, DisplayEdge>();
  for (const e of graph.edges) {
    const source = idOf(e.client);
    const target = idOf(e.server);
    if (source === target && source.startsWith(STACK_PREFIX)) continue; // inside a collapsed stack
    const id = edgeId(source, target);
    const existing = edges.get(id);
    if (existing) {
      if (!existing.protocols.includes(e.protocol)) existing.protocols.push(e.protocol);
      existing.members.push(e);
      existing.calls = sumCalls(existing.calls, e.calls);
      existing.exact = false;
    } else {
      edges.set(id, {
        id, source, target, protocols: [e.protocol], members: [e], calls: { ...e.calls },
        health: 'normal', notices: [], exact: true,
      });
    }
  }

  for (const notice of active) {
    if (notice.client != null && notice.server != null) {
      edges.get(edgeId(idOf(notice.client), idOf(notice.server)))?.notices.push(notice);
    } else if (notice.service != null) {
      nodes.get(idOf(notice.service))?.notices.push(notice);
    }
  }
  for (const n of nodes.values()) n.health = health(n.served);
  for (const e of edges.values()) e.health = health(e.calls);

  let list = [...edges.values()];
  const before = list.length;
  if (options.errorsOnly) list = list.filter((e) => e.calls.error > 0 || e.health !== 'normal');
  if (options.topN > 0 && list.length > options.topN) {
    list = [...list].sort((a, b) => b.calls.rate - a.calls.rate || a.id.localeCompare(b.id))
      .slice(0, options.topN);
  }
  edges = new Map(list.map((e) => [e.id, e]));

  const filtered = options.errorsOnly || options.topN > 0;
  const touched = new Set<string>();
  for (const e of list) {
    touched.add(e.source);
    touched.add(e.target);
  }
  const query = options.search.trim().toLowerCase();
  for (const n of nodes.values()) {
    n.match = query !== '' && (n.label.toLowerCase().includes(query)
      || n.members.some((m) => m.toLowerCase().includes(query)));
    n.emphasised = (!filtered || touched.has(n.id)) && (query === '' || n.match);
  }
  const byName = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    nodes: [...nodes.values()].sort(byName),
    edges: list.sort(byName),
    hiddenEdges: before - list.length,
  };
}
