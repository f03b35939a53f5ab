// The shapes in world coordinates: each edge a quadratic curve from rim to rim, bent to the left of
// its direction so that A -> B and B -> A part, and the dots' pace along it.

import { Point } from './layout';
import { DisplayEdge, DisplayNode } from './lod';

/** Radius of a service in world units. */
export const RADIUS = 20;
/** World units a dot travels per second; long edges are crossed in at most MAX_TRAVEL seconds. */
const DOT_SPEED = 170;
const MAX_TRAVEL = 3.5;

export interface EdgeGeometry {
  edge: DisplayEdge;
  ax: number; ay: number; cx: number; cy: number; bx: number; by: number;
  length: number;
  dotsPerSecond: number;
  /** Dots owed to the edge, a fraction of one carried from frame to frame. */
  pending: number;
  errorShare: number;
  warningShare: number;
}

/** A node's radius in world units by its kind. */
export function worldRadius(n: DisplayNode): number {
  return n.kind === 'internet' ? RADIUS * 1.5 : n.kind === 'stack' ? RADIUS * 1.3 : RADIUS;
}

export function curve(e: DisplayEdge, a: Point, b: Point): EdgeGeometry {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.max(1, Math.hypot(dx, dy));
  const ux = dx / d;
  const uy = dy / d;
  // Start and end at the rims; bend to the left of the direction so that A->B and B->A part.
  const ra = e.source === 'INTERNET' ? RADIUS * 1.5 : RADIUS;
  const rb = e.target === 'INTERNET' ? RADIUS * 1.5 : RADIUS;
  const bend = Math.min(60, d * 0.12);
  const ax = a.x + ux * ra;
  const ay = a.y + uy * ra;
  const bx = b.x - ux * rb;
  const by = b.y - uy * rb;
  const total = e.calls.ok + e.calls.warning + e.calls.error;
  return {
    edge: e, ax, ay, bx, by,
    cx: (ax + bx) / 2 + uy * bend,
    cy: (ay + by) / 2 - ux * bend,
    length: Math.max(1, d - ra - rb),
    // Density follows the rate, compressed so that 1/s and 1000/s both read.
    dotsPerSecond: e.calls.rate <= 0 ? 0 : Math.min(30, 0.6 + 1.6 * Math.sqrt(e.calls.rate)),
    pending: Math.random(),
    errorShare: total ? e.calls.error / total : 0,
    warningShare: total ? e.calls.warning / total : 0,
  };
}

/**
 * Dots in flight the picture aims at, at most: past it, every edge's dot rate is scaled down by the
 * same factor (the proportions between edges stay), so that a frame's cost stays bounded on large
 * systems (drawing tens of thousands of dots each frame halves the frame rate without a GPU).
 */
export const DOT_BUDGET = 6000;

/** Scales the edges' dot rates so that the dots expected in flight stay within {@link DOT_BUDGET}. */
export function fitDotBudget(geometry: EdgeGeometry[]): void {
  let expected = 0;
  for (const g of geometry) expected += g.dotsPerSecond / step(g.length); // rate x travel time
  if (expected <= DOT_BUDGET) return;
  const k = DOT_BUDGET / expected;
  for (const g of geometry) g.dotsPerSecond *= k;
}

/** The share of an edge a dot travels per second. */
export function step(length: number): number {
  return Math.max(DOT_SPEED / Math.max(1, length), 1 / MAX_TRAVEL);
}

/** The point at {@code t} (0 to 1) along an edge's curve. */
export function point(g: EdgeGeometry, t: number): Point {
  const u = 1 - t;
  return {
    x: u * u * g.ax + 2 * u * t * g.cx + t * t * g.bx,
    y: u * u * g.ay + 2 * u * t * g.cy + t * t * g.by,
  };
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
