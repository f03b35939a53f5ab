import { describe, expect, it } from 'vitest';
import { Painter, Scene, Signature } from '../src/draw';
import { display, DEFAULT_LOD } from '../src/lod';
import { curve } from '../src/geometry';
import { Calls, Graph } from '../src/types';

const calls = (rate: number, ok: number, error = 0): Calls => ({
  rate, ok, warning: 0, error, p50Micros: 100, p95Micros: 500, p99Micros: 1000, requestBytes: 0, responseBytes: 0,
});

function scene(g: Graph): Scene {
  const view = display(g, DEFAULT_LOD);
  const positions = new Map(view.nodes.map((n, i) => [n.id, { x: i * 100, y: (i % 2) * 50 }]));
  return {
    graph: view, positions, islands: [], selection: null, hover: null,
    geometry: view.edges.map((e) => curve(e, positions.get(e.source)!, positions.get(e.target)!)),
    nodeById: new Map(view.nodes.map((n) => [n.id, n])),
  };
}

const graph = (apiErrors: number, webRate = 10): Graph => ({
  from: '', to: '', notices: [],
  nodes: [
    { name: 'web', kind: 'service', group: null, served: calls(webRate, webRate), containers: [], lastSeen: null },
    { name: 'api', kind: 'service', group: null, served: calls(10, 10 - apiErrors, apiErrors), containers: [], lastSeen: null },
  ],
  edges: [{ client: 'web', server: 'api', protocol: 'http', external: false, calls: calls(10, 10 - apiErrors, apiErrors), lastSeen: null }],
} as unknown as Graph);

describe('signatures', () => {
  it('are equal for equal input and differ when a number, a character or a boundary differs', () => {
    const of = (f: (s: Signature) => Signature) => f(new Signature()).value();
    expect(of((s) => s.text('api').number(1.5).int(2))).toBe(of((s) => s.text('api').number(1.5).int(2)));
    const variants = [
      of((s) => s.text('api').number(1.5).int(2)),
      of((s) => s.text('api').number(1.5000001).int(2)),
      of((s) => s.text('apj').number(1.5).int(2)),
      of((s) => s.text('ap').text('i').number(1.5).int(2)),
      of((s) => s.text('api').number(1.5).int(3)),
      of((s) => s.text('api').number(-1.5).int(2)),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('follow what each layer shows', () => {
    const calm = scene(graph(0));
    const failing = scene(graph(5));
    const busier = scene(graph(0, 20));
    // An edge turning red redraws the layer under the dots; a rate alone does not.
    expect(Painter.underSignature(failing)).not.toBe(Painter.underSignature(calm));
    expect(Painter.underSignature(busier)).toBe(Painter.underSignature(calm));
    // The rings show the error share.
    expect(Painter.nodesSignature(failing)).not.toBe(Painter.nodesSignature(calm));
    // Labels: names only, unless zoomed in far enough to show the numbers.
    expect(Painter.labelsSignature(busier, false)).toBe(Painter.labelsSignature(calm, false));
    expect(Painter.labelsSignature(busier, true)).not.toBe(Painter.labelsSignature(calm, true));
  });
});
