/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';

// The UI's modules depend on each other one way only (docs/architecture.md): no import cycles.
const sources = import.meta.glob('../src/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

function imports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [path, text] of Object.entries(sources)) {
    const deps = [...text.matchAll(/from '\.\/(\w+)'/g)].map((m) => m[1]);
    graph.set(path.replace(/^.*\//, '').replace(/\.ts$/, ''), deps);
  }
  return graph;
}

function cycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | null => {
    if (path.includes(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return null;
    for (const next of graph.get(node) ?? []) {
      const found = visit(next, [...path, node]);
      if (found) return found;
    }
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    const found = visit(node, []);
    if (found) return found;
  }
  return null;
}

describe('the modules of the UI', () => {
  it('import each other without a cycle', () => {
    const graph = imports();
    expect(graph.size).toBeGreaterThan(5);
    expect(cycle(graph)).toBeNull();
  });

  it('a cycle would be found', () => {
    expect(cycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
  });
});
