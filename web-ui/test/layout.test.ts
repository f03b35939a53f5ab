import { describe, expect, it } from 'vitest';
import { COLUMN, depths, LayoutInput, Point, StableLayout } from '../src/layout';

const n = (id: string, group: string | null = null, kind = 'service'): LayoutInput => ({ id, group, kind: id === 'INTERNET' ? 'internet' : kind });
const e = (source: string, target: string) => ({ source, target });

const nodes = [n('INTERNET'), n('web', 'shop'), n('api', 'shop'), n('worker', 'shop'), n('redis', 'data'), n('db', 'data'), n('payments.example.net', null, 'external')];
const edges = [e('INTERNET', 'web'), e('web', 'api'), e('api', 'redis'), e('api', 'db'), e('worker', 'redis'), e('worker', 'db'), e('api', 'payments.example.net')];

function overlaps(places: Map<string, Point>): string[] {
  const list = [...places.entries()];
  const bad: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, p] = list[i];
      const [b, q] = list[j];
      if (Math.abs(p.x - q.x) < 1 && Math.abs(p.y - q.y) < 45) bad.push(`${a}/${b}`);
    }
  }
  return bad;
}

describe('call depth', () => {
  it('puts INTERNET first and each service right of its deepest caller', () => {
    const d = depths(nodes.map((x) => x.id), edges);
    expect(d.get('INTERNET')).toBe(0);
    expect(d.get('web')).toBe(1);
    expect(d.get('worker')).toBe(1); // called by nobody
    expect(d.get('api')).toBe(2);
    expect(d.get('db')).toBe(3);
  });

  it('keeps a mesh of 300 services compact (fewest hops instead of longest paths)', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const ids = ['INTERNET', ...Array.from({ length: 300 }, (_, i) => `s${i}`)];
    const links = Array.from({ length: 10 }, (_, i) => e('INTERNET', `s${i}`));
    while (links.length < 1000) {
      const a = Math.floor(random() * 300);
      const b = Math.floor(random() * 300);
      if (a !== b) links.push(e(`s${a}`, `s${b}`));
    }
    const d = depths(ids, links);
    expect(Math.max(...d.values())).toBeLessThanOrEqual(Math.ceil(1.5 * Math.sqrt(ids.length)));
    expect(d.get('INTERNET')).toBe(0);
    expect(d.get('s0')).toBe(1);
  });

  it('survives cycles', () => {
    const d = depths(['a', 'b', 'c'], [e('a', 'b'), e('b', 'c'), e('c', 'a')]);
    expect([...d.values()].every((v) => v >= 1 && v <= 3)).toBe(true);
    expect(new Set(d.values()).size).toBe(3);
  });
});

describe('stable layout', () => {
  it('lays out left to right with no two nodes on one spot', () => {
    const l = new StableLayout();
    const p = l.update(nodes, edges);
    expect(p.get('INTERNET')!.x).toBe(0);
    expect(p.get('web')!.x).toBe(COLUMN);
    expect(p.get('db')!.x).toBe(3 * COLUMN);
    expect(overlaps(p)).toEqual([]);
    // Stacks are bands: every member of one band sits above every member of the next.
    const shop = ['web', 'api', 'worker'].map((id) => p.get(id)!.y);
    const data = ['redis', 'db'].map((id) => p.get(id)!.y);
    expect(Math.max(...data) < Math.min(...shop) || Math.max(...shop) < Math.min(...data)).toBe(true);
  });

  it('never moves a node when others appear or vanish', () => {
    const l = new StableLayout();
    const first = new Map(l.update(nodes, edges));
    // New services in existing stacks, a new stack, a new external; two services vanish.
    const more = [...nodes.filter((x) => x.id !== 'worker' && x.id !== 'redis'),
      n('cache', 'data'), n('search', 'shop'), n('billing', 'money'), n('ledger', 'money'), n('smtp.example.org', null, 'external')];
    const moreEdges = [...edges.filter((x) => x.source !== 'worker' && x.target !== 'redis'),
      e('api', 'cache'), e('web', 'search'), e('api', 'billing'), e('billing', 'ledger'), e('billing', 'smtp.example.org'), e('search', 'db')];
    const second = l.update(more, moreEdges);
    for (const [id, p] of second) if (first.has(id)) expect(p).toEqual(first.get(id));
    expect(overlaps(second)).toEqual([]);
    // The vanished come back where they were.
    const third = l.update([...more, n('worker', 'shop'), n('redis', 'data')], [...moreEdges, ...edges]);
    expect(third.get('worker')).toEqual(first.get('worker'));
    expect(third.get('redis')).toEqual(first.get('redis'));
    for (const [id, p] of second) expect(third.get(id)).toEqual(p);
    expect(overlaps(third)).toEqual([]);
  });

  it('places hundreds of newcomers one by one without collisions', () => {
    const l = new StableLayout();
    const all: LayoutInput[] = [n('INTERNET'), n('edge-0', 'g0')];
    const links = [e('INTERNET', 'edge-0')];
    l.update(all, links);
    const seen = new Map<string, Point>();
    for (let i = 1; i < 300; i++) {
      const id = `svc-${i}`;
      all.push(n(id, `g${i % 7}`));
      links.push(e(i < 20 ? 'edge-0' : `svc-${Math.floor(i / 3)}`, id));
      const p = l.update(all, links);
      for (const [k, v] of seen) expect(p.get(k)).toEqual(v);
      seen.set(id, p.get(id)!);
    }
    expect(overlaps(l.update(all, links))).toEqual([]);
  });

  it('wraps the stacks of a big system so the picture fits a laptop screen', () => {
    let seed = 5;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const all: LayoutInput[] = [n('INTERNET'), ...Array.from({ length: 300 }, (_, i) => n(`s${i}`, `stack-${Math.floor(i / 30)}`))];
    const links = Array.from({ length: 10 }, (_, i) => e('INTERNET', `s${i * 30}`));
    while (links.length < 1000) {
      const a = Math.floor(random() * 300);
      const b = Math.floor(random() * 300);
      if (a !== b) links.push(e(`s${a}`, `s${b}`));
    }
    const p = new StableLayout().update(all, links);
    const xs = [...p.values()].map((q) => q.x);
    const ys = [...p.values()].map((q) => q.y);
    const ratio = (Math.max(...xs) - Math.min(...xs)) / (Math.max(...ys) - Math.min(...ys));
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(3.2);
    expect(overlaps(p)).toEqual([]);
  });

  it('lays out around pins saved from an earlier visit', () => {
    const fresh = new StableLayout().update(nodes, edges);
    const l = new StableLayout();
    l.pin('db', { x: 5000, y: 5000 });
    const p = l.update(nodes, edges);
    expect(p.get('db')).toEqual({ x: 5000, y: 5000 });
    for (const [id, q] of fresh) if (id !== 'db') expect(p.get(id)).toEqual(q);
  });

  it('keeps a dragged node where it was dropped, and tidies on request', () => {
    const l = new StableLayout();
    l.update(nodes, edges);
    l.pin('api', { x: 999, y: -50 });
    expect(l.update(nodes, edges).get('api')).toEqual({ x: 999, y: -50 });
    l.reset();
    expect(l.update(nodes, edges).get('api')!.x).toBe(2 * COLUMN);
  });
});
