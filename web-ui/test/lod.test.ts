import { describe, expect, it } from 'vitest';
import { display, DEFAULT_LOD, health, STACK_PREFIX } from '../src/lod';
import { Calls, Graph, GraphEdge, GraphNode } from '../src/types';

const calls = (rate: number, ok: number, error = 0, p99 = 1000, warning = 0): Calls => ({
  rate, ok, warning, error, p50Micros: p99 / 4, p95Micros: p99 / 2, p99Micros: p99, requestBytes: 0, responseBytes: 0,
});
const node = (name: string, group: string | null, c: Calls = calls(0, 0), containers = 1): GraphNode => ({
  name, kind: name === 'INTERNET' ? 'internet' : 'service', group, served: c,
  containers: Array.from({ length: containers }, (_, i) => ({ name: `${name}-${i + 1}`, served: c })), lastSeen: null,
});
const edge = (client: string, server: string, c: Calls, protocol = 'http'): GraphEdge => ({
  client, server, protocol, external: false, calls: c, lastSeen: null,
});

const graph: Graph = {
  from: '', to: '',
  nodes: [
    node('INTERNET', null),
    node('web', 'shop', calls(100, 100), 2),
    node('api', 'shop', calls(80, 72, 8, 5000), 3),
    node('redis', 'data', calls(200, 200, 0, 300)),
    node('postgres', 'data', calls(40, 40, 0, 9000)),
  ],
  edges: [
    edge('INTERNET', 'web', calls(100, 100)),
    edge('web', 'api', calls(80, 72, 8, 5000)),
    edge('api', 'redis', calls(150, 150, 0, 300), 'redis'),
    edge('web', 'redis', calls(50, 50, 0, 200), 'redis'),
    edge('api', 'postgres', calls(30, 30, 0, 9000), 'postgresql'),
    edge('api', 'postgres', calls(10, 10, 0, 7000), 'mysql'),
  ],
  notices: [{ id: 1, type: 'error-rate', severity: 2, title: 'errors up', service: null, client: 'web', server: 'api', protocol: 'http', raisedAt: '', clearedAt: null, value: 0.1, baseline: 0 }],
};

describe('level of detail', () => {
  it('draws one node per service and merges the protocols of a pair', () => {
    const d = display(graph, DEFAULT_LOD);
    expect(d.nodes.map((n) => n.id)).toEqual(['INTERNET', 'api', 'postgres', 'redis', 'web']);
    const db = d.edges.find((e) => e.id === 'api>postgres')!;
    expect(db.protocols).toEqual(['postgresql', 'mysql']);
    expect(db.calls.rate).toBe(40);
    expect(db.calls.p99Micros).toBe(9000);
    expect(db.exact).toBe(false);
    expect(d.nodes.find((n) => n.id === 'api')!.replicas).toBe(3);
  });

  it('puts notices on their edge and colours failing calls', () => {
    const d = display(graph, DEFAULT_LOD);
    const failing = d.edges.find((e) => e.id === 'web>api')!;
    expect(failing.notices).toHaveLength(1);
    expect(failing.health).toBe('danger');
    expect(d.edges.find((e) => e.id === 'api>redis')!.health).toBe('normal');
  });

  it('collapses a stack into one node and keeps the edges to it', () => {
    const d = display(graph, { ...DEFAULT_LOD, collapsed: new Set(['data']) });
    const stack = d.nodes.find((n) => n.id === `${STACK_PREFIX}data`)!;
    expect(stack.members.sort()).toEqual(['postgres', 'redis']);
    expect(stack.kind).toBe('stack');
    expect(stack.served.rate).toBe(240);
    expect(d.edges.map((e) => e.id)).toEqual(['INTERNET>web', `api>${STACK_PREFIX}data`, 'web>api', `web>${STACK_PREFIX}data`]);
    expect(d.edges.find((e) => e.id === `api>${STACK_PREFIX}data`)!.calls.rate).toBe(190);
  });

  it('drops the edges inside a collapsed stack', () => {
    const d = display(graph, { ...DEFAULT_LOD, collapsed: new Set(['shop']) });
    expect(d.edges.map((e) => e.id)).not.toContain(`${STACK_PREFIX}shop>${STACK_PREFIX}shop`);
    expect(d.edges.map((e) => e.id)).toContain(`INTERNET>${STACK_PREFIX}shop`);
  });

  it('keeps only the busiest edges, and says how many are hidden', () => {
    const d = display(graph, { ...DEFAULT_LOD, topN: 2 });
    expect(d.edges.map((e) => e.id)).toEqual(['INTERNET>web', 'api>redis']);
    expect(d.hiddenEdges).toBe(3);
    expect(d.nodes.find((n) => n.id === 'postgres')!.emphasised).toBe(false);
    expect(d.nodes.find((n) => n.id === 'redis')!.emphasised).toBe(true);
  });

  it('keeps only failing edges', () => {
    const d = display(graph, { ...DEFAULT_LOD, errorsOnly: true });
    expect(d.edges.map((e) => e.id)).toEqual(['web>api']);
    expect(d.nodes.filter((n) => n.emphasised).map((n) => n.id)).toEqual(['api', 'web']);
  });

  it('highlights the services a search matches', () => {
    const d = display(graph, { ...DEFAULT_LOD, search: 'RED' });
    expect(d.nodes.filter((n) => n.match).map((n) => n.id)).toEqual(['redis']);
    expect(d.nodes.filter((n) => !n.emphasised)).toHaveLength(4);
  });

  it('grades health by the share of failures', () => {
    expect(health(calls(1, 0))).toBe('normal');
    expect(health(calls(1, 99, 1))).toBe('warning');
    expect(health(calls(1, 90, 10))).toBe('danger');
    expect(health(calls(1, 90, 0, 1, 10))).toBe('warning');
  });
});
