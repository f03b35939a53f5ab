// The stream's compact graph (/ws/graph?format=compact), turned back into the graph the API serves:
// rows instead of objects, about a quarter of the bytes, so that an update of a thousand edges costs
// the browser less to receive and parse in the frame that shows it. The server's
// CompactGraphFormat writes it; the pair of files in test/fixtures holds both forms of one graph.

import { Calls, Container, Graph, GraphEdge, GraphNode, NodeKind, Notice, Overflow } from './types';

export const COMPACT_VERSION = 1;

/** [ok, warning, error, p50Micros, p95Micros, p99Micros, requestBytes, responseBytes, rate?] */
type CallsRow = number[];
/** A container's calls are left out where they are its service's (a service's only container). */
type NodeRow = [string, NodeKind, string | null, number | null, CallsRow, [string, CallsRow?][]];
type EdgeRow = [number | string, number | string, string, boolean, number | null, CallsRow];

export interface CompactGraph {
  version: number;
  from: string;
  to: string;
  seconds: number;
  nodes: NodeRow[];
  edges: EdgeRow[];
  notices: Notice[];
  overflow: Overflow | null;
}

function calls(row: CallsRow, seconds: number): Calls {
  const [ok, warning, error, p50Micros, p95Micros, p99Micros, requestBytes, responseBytes] = row;
  // The rate is the total over the window (the server's own division), unless the row carries one.
  const rate = row.length > 8 ? row[8] : (ok + warning + error) / seconds;
  return { rate, ok, warning, error, p50Micros, p95Micros, p99Micros, requestBytes, responseBytes };
}

/** @throws Error when it is not a compact graph of this version */
export function decodeCompact(c: CompactGraph): Graph {
  if (!c || c.version !== COMPACT_VERSION || !Array.isArray(c.nodes) || !Array.isArray(c.edges)) {
    throw new Error(`not a compact graph of version ${COMPACT_VERSION}`);
  }
  const to = Date.parse(c.to);
  const seen = (micros: number | null) => (micros == null ? null : new Date(to - micros / 1000).toISOString());
  const nodes: GraphNode[] = c.nodes.map(([name, kind, group, lastSeen, row, containers]) => {
    const served = calls(row, c.seconds);
    return {
      name, kind, group, served,
      containers: containers.map(([n, s]): Container => ({ name: n, served: s ? calls(s, c.seconds) : { ...served } })),
      lastSeen: seen(lastSeen),
    };
  });
  const end = (e: number | string) => (typeof e === 'number' ? nodes[e].name : e);
  const edges: GraphEdge[] = c.edges.map(([client, server, protocol, external, lastSeen, row]) => ({
    client: end(client), server: end(server), protocol, external, calls: calls(row, c.seconds), lastSeen: seen(lastSeen),
  }));
  return { from: c.from, to: c.to, nodes, edges, notices: c.notices ?? [], overflow: c.overflow ?? null };
}
