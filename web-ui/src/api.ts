// The server: REST under /api/v1 and the live stream on /ws/graph, reconnecting by itself.

import { decodeCompact } from './compact';
import { EdgeDetail, Endpoints, Graph, Notice, ServerInfo, ServiceDetail, Transaction } from './types';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function get<T>(path: string, params: Record<string, string | number | null | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const url = `api/v1/${path}${q.toString() ? `?${q}` : ''}`;
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (response.status === 401) loggedOut();
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && typeof body.message === 'string') message = body.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return response.json() as Promise<T>;
}

/**
 * The server asks viewers to log in (viewer authentication is on and the session ended): reload, and
 * the server answers the page with its login page, which comes back here afterwards. Every request
 * of the page goes through here, the info it asks for every 15 seconds among them.
 */
function loggedOut(): void {
  window.location.reload();
}

export const api = {
  graph: (window: number, at: string | null) => get<Graph>('graph', { window: `${window}s`, at }),
  info: () => get<ServerInfo>('info'),
  service: (name: string, window: number, at: string | null) =>
    get<ServiceDetail>(`services/${encodeURIComponent(name)}`, { window: `${window}s`, at }),
  edge: (client: string, server: string, protocol: string | null, window: number, at: string | null) =>
    get<EdgeDetail>('edge', { client, server, protocol, window: `${window}s`, at }),
  endpoints: (server: string, client: string | null, protocol: string | null, window: number, at: string | null) =>
    get<Endpoints>('endpoints', { server, client, protocol, window: `${window}s`, at, limit: 20 }),
  transactions: (params: {
    client?: string; server?: string; protocol?: string; outcome?: string; order?: string;
    from?: string; to?: string; limit?: number; endpoint?: string;
  }) => get<{ transactions: Transaction[]; count: number }>('transactions', params),
  notices: (limit: number) => get<{ notices: Notice[] }>('notices', { limit }),
};

export type StreamStatus = { state: 'connecting' | 'open' } | { state: 'lost'; retryInSeconds: number; attempt: number };

/**
 * The live graph: a snapshot on connect, then an update about every second. When the connection
 * drops it retries with backoff (1 s doubling to 15 s) and reports each state.
 */
export class GraphStream {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: number | undefined;
  private closed = false;

  constructor(
    private readonly onGraph: (g: Graph, type: 'snapshot' | 'update', receivedAt: number, parseMs: number) => void,
    private readonly onStatus: (s: StreamStatus) => void,
  ) {}

  start(): void {
    this.closed = false;
    this.connect();
  }

  stop(): void {
    this.closed = true;
    window.clearTimeout(this.timer);
    this.socket?.close();
  }

  private connect(): void {
    const url = new URL('ws/graph', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('format', 'compact'); // rows instead of objects: a quarter of the bytes
    this.onStatus({ state: 'connecting' });
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.onStatus({ state: 'open' });
    };
    socket.onmessage = (event) => {
      const receivedAt = performance.now();
      try {
        const message = JSON.parse(event.data as string);
        const graph: Graph | undefined = message?.compact ? decodeCompact(message.compact) : message?.graph;
        const parseMs = performance.now() - receivedAt;
        if (graph) this.onGraph(graph, message.type === 'snapshot' ? 'snapshot' : 'update', receivedAt, parseMs);
      } catch (e) {
        console.warn('intuition: unreadable stream message', e);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.closed) return;
      // A handshake refused for want of a login looks like any lost connection; the page's own
      // requests (the server's info, every 15 s) meet the 401 and reload to the login page.
      this.attempt++;
      const delay = Math.min(15, 2 ** (this.attempt - 1));
      this.onStatus({ state: 'lost', retryInSeconds: delay, attempt: this.attempt });
      this.timer = window.setTimeout(() => this.connect(), delay * 1000);
    };
  }
}
