// What is under a screen point: the nearest service within its radius, else the nearest edge within
// 5 pixels of its curve.

import { Camera } from './camera';
import { EdgeGeometry, clamp, point } from './geometry';
import { parseEdgeId } from './ids';
import { Point } from './layout';
import { DisplayNode } from './lod';
import { Selection } from './state';

export type Hit = { kind: 'node'; id: string } | { kind: 'edge'; id: string } | null;

export function hitTest(sx: number, sy: number, camera: Camera, nodes: DisplayNode[],
  positions: Map<string, Point>, geometry: EdgeGeometry[], radiusPx: (n: DisplayNode) => number): Hit {
  let best: Hit = null;
  let bestDistance = Infinity;
  for (const n of nodes) {
    const p = positions.get(n.id);
    if (!p) continue;
    const s = camera.toScreen(p);
    const d = Math.hypot(s.x - sx, s.y - sy);
    if (d <= Math.max(radiusPx(n), 8) && d < bestDistance) {
      best = { kind: 'node', id: n.id };
      bestDistance = d;
    }
  }
  if (best) return best;
  for (const g of geometry) {
    let prev = camera.toScreen({ x: g.ax, y: g.ay });
    for (let i = 1; i <= 16; i++) {
      const p = camera.toScreen(point(g, i / 16));
      const d = segmentDistance(sx, sy, prev.x, prev.y, p.x, p.y);
      if (d <= 5 && d < bestDistance) {
        best = { kind: 'edge', id: g.edge.id };
        bestDistance = d;
      }
      prev = p;
    }
  }
  return best;
}

export function hitToSelection(hit: Hit): Selection {
  if (!hit) return null;
  if (hit.kind === 'node') return { kind: 'node', id: hit.id };
  const ends = parseEdgeId(hit.id);
  return ends ? { kind: 'edge', ...ends } : null;
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : clamp(((px - ax) * dx + (py - ay) * dy) / len, 0, 1);
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
