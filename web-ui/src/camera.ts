// The camera: which part of the world is on the screen and how large. World coordinates come from the
// layout; screen coordinates are CSS pixels of the canvas.

import { Point } from './layout';
import { clamp } from './geometry';

export class Camera {
  x = 0;
  y = 0;
  scale = 1;
  /** The canvas's size in CSS pixels. */
  width = 0;
  height = 0;
  /**
   * Screen pixels covered by overlays (the notices on the left, the panel on the right) that fit
   * avoids; asked only when fitting, so that no update forces the page's layout to be computed.
   */
  insets: () => { left: number; right: number } = () => ({ left: 0, right: 0 });

  toScreen(p: Point): Point {
    return {
      x: (p.x - this.x) * this.scale + this.width / 2,
      y: (p.y - this.y) * this.scale + this.height / 2,
    };
  }

  toWorld(x: number, y: number): Point {
    return {
      x: (x - this.width / 2) / this.scale + this.x,
      y: (y - this.height / 2) / this.scale + this.y,
    };
  }

  /** Frames these world points in the part of the screen the overlays leave free. */
  fit(points: Point[]): void {
    if (points.length === 0 || this.width === 0) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const minX = Math.min(...xs) - 90;
    const maxX = Math.max(...xs) + 90;
    const minY = Math.min(...ys) - 70;
    const maxY = Math.max(...ys) + 70;
    const insets = this.insets();
    const free = Math.max(200, this.width - insets.left - insets.right);
    this.scale = clamp(Math.min(free / (maxX - minX), this.height / (maxY - minY)), 0.04, 1.6);
    // The middle of the free part of the screen is where the picture's middle goes.
    this.x = (minX + maxX) / 2 - (insets.left - insets.right) / 2 / this.scale;
    this.y = (minY + maxY) / 2;
  }

  /** Zooms by {@code factor} keeping the world point under the screen point where it is. */
  zoomAt(sx: number, sy: number, factor: number): void {
    const before = this.toWorld(sx, sy);
    this.scale = clamp(this.scale * factor, 0.03, 4);
    const after = this.toWorld(sx, sy);
    this.x += before.x - after.x;
    this.y += before.y - after.y;
  }

  /** A cheap key that changes whenever the mapping does. */
  key(): string {
    return `${this.x}|${this.y}|${this.scale}`;
  }
}
