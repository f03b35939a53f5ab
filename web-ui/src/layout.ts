// A stable left-to-right layout in Vizceral's manner: INTERNET on the left, every service in the
// column of its call depth, each stack (group) in a band of its own so its island never overlaps
// another. Once a node has a place it keeps it: nodes that appear take the nearest free place in
// their column and band, nodes that vanish leave theirs empty (and get it back if they return), so
// nothing already drawn moves. Dragging pins a node where it is dropped.

export const COLUMN = 240;
export const ROW = 90;
/** Space between two bands (stacks), in rows. */
const BAND_GAP = 1;

export interface LayoutInput {
  id: string;
  group: string | null;
  kind: string;
}

export interface Point {
  x: number;
  y: number;
}

const INTERNET = 'INTERNET';

/**
 * The call depth of each node: INTERNET is 0, other nodes that nobody calls are 1, and every other
 * node sits one column right of its deepest caller (longest path), cycles broken where a depth-first
 * walk meets them.
 */
export function depths(ids: readonly string[], edges: readonly { source: string; target: string }[]): Map<string, number> {
  const out = new Map<string, string[]>();
  const known = new Set(ids);
  for (const id of ids) out.set(id, []);
  for (const e of edges) {
    if (e.source !== e.target && known.has(e.source) && known.has(e.target)) out.get(e.source)!.push(e.target);
  }
  for (const list of out.values()) list.sort();
  // Depth-first from INTERNET, then from the others in name order: drop the edges that close a cycle.
  const state = new Map<string, 0 | 1 | 2>();
  const dag = new Map<string, string[]>();
  const order: string[] = [];
  const visit = (start: string) => {
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 1);
    dag.set(start, []);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const targets = out.get(top.id)!;
      if (top.next < targets.length) {
        const t = targets[top.next++];
        const s = state.get(t) ?? 0;
        if (s === 1) continue; // a back edge: ignored for layering
        dag.get(top.id)!.push(t);
        if (s === 0) {
          state.set(t, 1);
          dag.set(t, []);
          stack.push({ id: t, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        order.push(top.id);
        stack.pop();
      }
    }
  };
  const sorted = [...ids].sort();
  if (known.has(INTERNET)) visit(INTERNET);
  const callees = new Set(edges.map((e) => e.target));
  for (const id of sorted) if (!state.has(id) && !callees.has(id)) visit(id);
  for (const id of sorted) if (!state.has(id)) visit(id);
  order.reverse(); // a topological order of the DAG
  const depth = new Map<string, number>();
  for (const id of order) if (!depth.has(id)) depth.set(id, id === INTERNET ? 0 : 1);
  for (const id of order) {
    const d = depth.get(id)!;
    for (const t of dag.get(id)!) if (depth.get(t)! < d + 1) depth.set(t, d + 1);
  }
  // Longest paths read best (databases to the right of what calls them) until the graph is a mesh:
  // then they make a long thin picture, and the fewest hops from the entry is used instead.
  const columns = Math.max(0, ...depth.values());
  if (columns > Math.max(8, Math.ceil(1.5 * Math.sqrt(ids.length)))) {
    const hops = new Map<string, number>();
    const queue: string[] = [];
    for (const id of order) {
      if (id === INTERNET || !callees.has(id)) {
        hops.set(id, id === INTERNET ? 0 : 1);
        queue.push(id);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      for (const t of out.get(id)!) {
        if (!hops.has(t)) {
          hops.set(t, hops.get(id)! + 1);
          queue.push(t);
        }
      }
    }
    for (const id of order) if (!hops.has(id)) hops.set(id, 1); // only on cycles: start a chain
    return hops;
  }
  return depth;
}

/** A horizontal band of rows holding one stack (or the services of no stack, or the externals). */
export interface Band {
  key: string;
  top: number;
  rows: number;
  /** World x of depth 0 for this band: big systems wrap their bands into several columns of bands. */
  left: number;
}

export class StableLayout {
  private readonly places = new Map<string, Point>();
  /** Where the user dropped nodes: kept over any layout, Tidy aside. */
  private readonly pins = new Map<string, Point>();
  private laidOut = false;
  private readonly bandOf = new Map<string, Band>();
  /** The bands of each key, in order: a full band that cannot grow gets a continuation at the bottom. */
  private readonly bands = new Map<string, Band[]>();
  /** The first free row of each column of bands (by its left), the first column's being where newcomers go. */
  private bottoms = new Map<number, number>([[0, 0]]);
  private get bottom(): number {
    return this.bottoms.get(0)!;
  }

  /** Positions for every node; only nodes never seen before are placed. */
  update(nodes: readonly LayoutInput[], edges: readonly { source: string; target: string }[]): Map<string, Point> {
    const fresh = nodes.filter((n) => !this.places.has(n.id) || (!this.laidOut && this.pins.has(n.id)));
    if (fresh.length > 0) {
      const depth = depths(nodes.map((n) => n.id), edges);
      if (!this.laidOut) {
        this.initial(nodes, edges, depth);
        this.laidOut = true;
        for (const [id, p] of this.pins) this.places.set(id, p);
      } else for (const n of [...fresh].sort((a, b) => (depth.get(a.id)! - depth.get(b.id)!) || a.id.localeCompare(b.id))) {
        this.placeOne(n, depth.get(n.id) ?? 1, edges);
      }
    }
    const result = new Map<string, Point>();
    for (const n of nodes) result.set(n.id, this.places.get(n.id)!);
    return result;
  }

  position(id: string): Point | undefined {
    return this.places.get(id);
  }

  /** The band a node was placed in (its island). */
  band(id: string): Band | undefined {
    return this.bandOf.get(id);
  }

  /** Moves a node where the user dropped it; it stays there. */
  pin(id: string, p: Point): void {
    this.places.set(id, { x: p.x, y: p.y });
    this.pins.set(id, { x: p.x, y: p.y });
  }

  /** Places a node (a collapsed stack where its services are) without pinning it. */
  place(id: string, p: Point): void {
    this.places.set(id, { x: p.x, y: p.y });
  }

  pinned(): ReadonlyMap<string, Point> {
    return this.pins;
  }

  /** Forgets every place: the next update lays everything out afresh. */
  reset(): void {
    this.places.clear();
    this.pins.clear();
    this.laidOut = false;
    this.bandOf.clear();
    this.bands.clear();
    this.bottoms = new Map([[0, 0]]);
  }

  private bandKey(n: LayoutInput): string {
    if (n.id === INTERNET) return '';
    if (n.kind === 'external') return EXTERNAL_BAND;
    return n.group ?? NO_GROUP_BAND;
  }

  private newBand(key: string, rows: number, left = 0): Band {
    const top = this.bottoms.get(left) ?? 0;
    const band = { key, top, rows, left };
    if (!this.bands.has(key)) this.bands.set(key, []);
    this.bands.get(key)!.push(band);
    this.bottoms.set(left, top + rows + BAND_GAP);
    return band;
  }

  /** The first layout: bands of stacks top to bottom, each column ordered by its callers. */
  private initial(nodes: readonly LayoutInput[], edges: readonly { source: string; target: string }[], depth: Map<string, number>) {
    const callers = new Map<string, string[]>();
    for (const e of edges) {
      if (!callers.has(e.target)) callers.set(e.target, []);
      callers.get(e.target)!.push(e.source);
    }
    const byBand = new Map<string, LayoutInput[]>();
    for (const n of nodes) {
      if (n.id === INTERNET) continue;
      const k = this.bandKey(n);
      if (!byBand.has(k)) byBand.set(k, []);
      byBand.get(k)!.push(n);
    }
    // Named stacks first, the one nearest the entry (smallest mean depth) on top so that traffic flows
    // from the top left to the bottom right; then services of no stack, then external dependencies.
    const meanDepth = (k: string) => {
      const members = byBand.get(k)!;
      return members.reduce((a, n) => a + (depth.get(n.id) ?? 1), 0) / members.length;
    };
    const keys = [...byBand.keys()].sort((a, b) => rank(a) - rank(b) || meanDepth(a) - meanDepth(b) || a.localeCompare(b));
    const y = new Map<string, number>();
    const columnsOf = new Map<string, Map<number, LayoutInput[]>>();
    let deepest = 1;
    let totalRows = 0;
    for (const k of keys) {
      const columns = new Map<number, LayoutInput[]>();
      for (const n of byBand.get(k)!) {
        const d = depth.get(n.id) ?? 1;
        deepest = Math.max(deepest, d);
        if (!columns.has(d)) columns.set(d, []);
        columns.get(d)!.push(n);
      }
      columnsOf.set(k, columns);
      totalRows += Math.max(...[...columns.values()].map((c) => c.length)) + BAND_GAP;
    }
    // Bands stack top to bottom; when that makes a picture far taller than wide, they wrap into
    // several columns of bands so that the whole reads at a laptop's 16:10.
    const bandWidth = (deepest + 1.5) * COLUMN;
    const wraps = Math.max(1, Math.round(Math.sqrt((1.6 * totalRows * ROW) / bandWidth)));
    const perColumn = totalRows / wraps;
    let column = 0;
    for (const k of keys) {
      const columns = columnsOf.get(k)!;
      const rows = Math.max(...[...columns.values()].map((c) => c.length));
      const left = column * bandWidth;
      if (column < wraps - 1 && (this.bottoms.get(left) ?? 0) >= perColumn) column++;
      const band = this.newBand(k, rows, column * bandWidth);
      for (const d of [...columns.keys()].sort((a, b) => a - b)) {
        const list = columns.get(d)!;
        const barycentre = (n: LayoutInput) => {
          const ys = (callers.get(n.id) ?? []).map((c) => y.get(c)).filter((v): v is number => v !== undefined);
          return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Number.POSITIVE_INFINITY;
        };
        list.sort((a, b) => barycentre(a) - barycentre(b) || a.id.localeCompare(b.id));
        const offset = (rows - list.length) / 2;
        list.forEach((n, i) => {
          const row = band.top + offset + i;
          y.set(n.id, row * ROW);
          this.places.set(n.id, { x: band.left + d * COLUMN, y: row * ROW });
          this.bandOf.set(n.id, band);
        });
      }
    }
    if (nodes.some((n) => n.id === INTERNET)) {
      this.places.set(INTERNET, { x: 0, y: Math.max(0, (this.bottom - BAND_GAP - 1) / 2) * ROW });
    }
  }

  /** A newcomer: the free row of its band and column nearest to its neighbours. */
  private placeOne(n: LayoutInput, d: number, edges: readonly { source: string; target: string }[]) {
    if (n.id === INTERNET) {
      this.places.set(n.id, { x: 0, y: Math.max(0, (this.bottom - BAND_GAP - 1) / 2) * ROW });
      return;
    }
    const k = this.bandKey(n);
    const takenAt = new Map<number, Set<number>>(); // half rows taken, per column x
    const free = (x: number, row: number) => {
      let taken = takenAt.get(x);
      if (!taken) {
        taken = new Set<number>();
        for (const p of this.places.values()) if (Math.abs(p.x - x) < COLUMN / 2) taken.add(Math.round((p.y / ROW) * 2));
        takenAt.set(x, taken);
      }
      const h = Math.round(row * 2);
      return !taken.has(h) && !taken.has(h - 1) && !taken.has(h + 1);
    };
    const neighbours = edges.filter((e) => e.source === n.id || e.target === n.id)
      .map((e) => this.places.get(e.source === n.id ? e.target : e.source))
      .filter((p): p is Point => p !== undefined);
    const wanted = neighbours.length ? neighbours.reduce((a, p) => a + p.y, 0) / neighbours.length / ROW : null;
    let chosen: { band: Band; row: number } | undefined;
    for (const band of this.bands.get(k) ?? []) {
      const rows: number[] = [];
      for (let r = band.top; r < band.top + band.rows; r++) rows.push(r);
      const target = wanted ?? band.top + band.rows / 2;
      rows.sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b);
      const row = rows.find((r) => free(band.left + d * COLUMN, r));
      if (row !== undefined) {
        chosen = { band, row };
        break;
      }
    }
    if (!chosen) {
      const bands = this.bands.get(k) ?? [];
      const last = bands[bands.length - 1];
      if (last && last.top + last.rows + BAND_GAP === this.bottoms.get(last.left)) { // a bottom band grows
        chosen = { band: last, row: last.top + last.rows };
        last.rows += 1;
        this.bottoms.set(last.left, this.bottoms.get(last.left)! + 1);
      } else { // a band with others below it continues at the bottom: nothing moves
        const band = this.newBand(k, 1);
        chosen = { band, row: band.top };
      }
    }
    this.places.set(n.id, { x: chosen.band.left + d * COLUMN, y: chosen.row * ROW });
    this.bandOf.set(n.id, chosen.band);
  }
}

export const NO_GROUP_BAND = '\u0000';
export const EXTERNAL_BAND = '\u0001external';

function rank(bandKey: string): number {
  if (bandKey === NO_GROUP_BAND) return 1;
  if (bandKey === EXTERNAL_BAND) return 2;
  return 0;
}
