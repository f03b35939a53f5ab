// The server's JSON, as served by /api/v1 and /ws/graph (see DESIGN.md for the field names).

export interface Calls {
  rate: number;
  ok: number;
  warning: number;
  error: number;
  p50Micros: number;
  p95Micros: number;
  p99Micros: number;
  requestBytes: number;
  responseBytes: number;
}

export interface Container {
  name: string;
  served: Calls;
}

export type NodeKind = 'service' | 'external' | 'internet';

export interface GraphNode {
  name: string;
  kind: NodeKind;
  group: string | null;
  served: Calls;
  containers: Container[];
  lastSeen: string | null;
}

export interface GraphEdge {
  client: string;
  server: string;
  protocol: string;
  external: boolean;
  calls: Calls;
  lastSeen: string | null;
}

export interface Notice {
  id: number;
  type: string;
  severity: number;
  title: string;
  service: string | null;
  client: string | null;
  server: string | null;
  protocol: string | null;
  raisedAt: string;
  clearedAt: string | null;
  value: number | null;
  baseline: number | null;
}

export interface Graph {
  from: string;
  to: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  notices: Notice[];
  /** Present when names went past the server's limits: calls counted under "(other)". */
  overflow?: Overflow | null;
}

export interface Overflow {
  services: number;
  edges: number;
  containers: number;
  maxServices: number;
  maxEdges: number;
  maxContainersPerService: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface Transaction {
  protocol: string;
  client: Endpoint;
  server: Endpoint;
  start: string | null;
  end: string | null;
  durationMicros: number | null;
  method: string | null;
  resource: string | null;
  query: string | null;
  status: string | null;
  outcome: 'ok' | 'warning' | 'error';
  requestBytes: number;
  responseBytes: number;
  rows: number | null;
  host: string | null;
  forwardedFor: string | null;
  params: unknown;
  notes: string[];
  clientContainer: string | null;
  serverContainer: string | null;
  clientService: string | null;
  serverService: string | null;
  observedAt: string | null;
}

export interface ServiceDetail {
  name: string;
  kind: NodeKind;
  group: string | null;
  from: string;
  to: string;
  served: Calls;
  containers: Container[];
  callers: GraphEdge[];
  callees: GraphEdge[];
}

export interface EdgeDetail {
  client: string;
  server: string;
  protocol: string;
  from: string;
  to: string;
  calls: Calls;
  stepSeconds: number;
  series: { at: string; rate: number; errorRate: number; p99Micros: number }[];
  histogram: { upToMicros: number; count: number }[];
}

export interface ServerInfo {
  now: string;
  oldest: string | null;
  retention: string;
  streamInterval: string;
  streamWindow: string;
  storage: string;
}

export const NONE: Calls = {
  rate: 0, ok: 0, warning: 0, error: 0, p50Micros: 0, p95Micros: 0, p99Micros: 0,
  requestBytes: 0, responseBytes: 0,
};

/** One endpoint of a service or an edge (GET /api/v1/endpoints). */
export interface EndpointRow {
  endpoint: string;
  protocol: string;
  client?: string;
  calls: Calls;
}

export interface Endpoints {
  server: string;
  client: string | null;
  from: string;
  to: string;
  coveredFrom: string;
  endpoints: EndpointRow[];
  more: number;
}
