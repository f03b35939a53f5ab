// The dot simulation: dots born on each edge at a rate that follows its calls, coloured by outcome in
// the edge's proportions, travelling from client to server. Parallel typed arrays, swap-removed on
// arrival; a new scene keeps the dots of the edges that stay.

import { EdgeGeometry, step } from './geometry';

export const MAX_DOTS = 30000;

export class Dots {
  /** Index into the scene's edge geometry. */
  readonly edge = new Int32Array(MAX_DOTS);
  /** Position along the edge, 0 to 1. */
  readonly t = new Float32Array(MAX_DOTS);
  readonly step = new Float32Array(MAX_DOTS);
  /** 0 ok, 1 warning, 2 error. */
  readonly kind = new Uint8Array(MAX_DOTS);
  count = 0;

  /**
   * A new scene: {@code remap[old edge index]} is the edge's new index, or -1 when it is gone (its
   * dots go too).
   */
  remap(remap: Int32Array, geometry: EdgeGeometry[]): void {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const to = this.edge[i] < remap.length ? remap[this.edge[i]] : -1;
      if (to < 0) continue;
      this.edge[kept] = to;
      this.t[kept] = this.t[i];
      this.step[kept] = step(geometry[to].length);
      this.kind[kept] = this.kind[i];
      kept++;
    }
    this.count = kept;
  }

  /** Moves every dot {@code dt} seconds on, removes those that arrived, and lets new ones start. */
  advance(dt: number, geometry: EdgeGeometry[]): void {
    for (let i = 0; i < this.count; ) {
      this.t[i] += this.step[i] * dt;
      if (this.t[i] >= 1) {
        const last = --this.count;
        this.edge[i] = this.edge[last];
        this.t[i] = this.t[last];
        this.step[i] = this.step[last];
        this.kind[i] = this.kind[last];
      } else {
        i++;
      }
    }
    for (let e = 0; e < geometry.length; e++) {
      const g = geometry[e];
      g.pending += g.dotsPerSecond * dt;
      while (g.pending >= 1 && this.count < MAX_DOTS) {
        g.pending -= 1;
        const i = this.count++;
        this.edge[i] = e;
        this.step[i] = step(g.length);
        this.t[i] = Math.random() * Math.min(1, this.step[i] * dt); // spread within the frame
        const r = Math.random();
        this.kind[i] = r < g.errorShare ? 2 : r < g.errorShare + g.warningShare ? 1 : 0;
      }
      if (g.pending > 1) g.pending = 1;
    }
  }
}
