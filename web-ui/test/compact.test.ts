import { describe, expect, it } from 'vitest';
import { CompactGraph, decodeCompact } from '../src/compact';
import { Graph } from '../src/types';
import fullFixture from './fixtures/stream-graph.json';
import compactFixture from './fixtures/stream-compact.json';

// The same graph as the API writes it and as the stream's compact message, both written by the
// server's encoder (CompactGraphFormatTest keeps them in step with it).

describe('the compact stream', () => {
  const full = fullFixture as unknown as Graph;
  const message = compactFixture as unknown as { compact: CompactGraph };

  it('decodes to the graph the API serves, rates to the last bit', () => {
    const g = decodeCompact(message.compact);
    const times = (x: Graph) => [...x.nodes, ...x.edges].map((e) => (e.lastSeen == null ? null : Date.parse(e.lastSeen)));
    expect(times(g)).toEqual(times(full));
    const withoutTimes = (x: Graph) => ({
      ...x,
      nodes: x.nodes.map((n) => ({ ...n, lastSeen: null })),
      edges: x.edges.map((e) => ({ ...e, lastSeen: null })),
    });
    expect(withoutTimes(g)).toEqual(withoutTimes(full));
    expect(g.edges.some((e) => e.calls.rate > 0 && !Number.isInteger(e.calls.rate))).toBe(true);
    expect(g.notices.length).toBeGreaterThan(0);
  });

  it('is under half the bytes even for five services (for a thousand edges under a third: the server test)', () => {
    expect(JSON.stringify(message).length * 2).toBeLessThan(JSON.stringify({ type: 'update', graph: full }).length);
  });

  it('refuses what it does not know, with a reason', () => {
    expect(() => decodeCompact({ ...message.compact, version: 2 })).toThrow(/version 1/);
    expect(() => decodeCompact(null as never)).toThrow(/compact graph/);
  });
});
