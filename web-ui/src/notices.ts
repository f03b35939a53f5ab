// What the page says besides the graph: the notices list (newest and worst first, a click selects
// what it is about), the stream banner and short messages.

import { StreamStatus } from './api';
import { byId, h } from './dom';
import { Selection } from './state';
import { Notice } from './types';

export class NoticeList {
  private open = false;
  /** What is shown now: the DOM is left alone while it stays the same. */
  private shown = '';

  constructor(private readonly select: (selection: Selection) => void,
    private readonly drawnAs: (service: string) => string) {}

  render(all: Notice[]): void {
    const host = byId('notices');
    const notices = [...all].sort((a, b) => b.severity - a.severity || b.raisedAt.localeCompare(a.raisedAt))
      .slice(0, this.open ? 12 : 3);
    const shown = `${all.length}|${this.open}|${notices.map((n) => `${n.severity}:${n.title}:${ago(n.raisedAt)}`).join('|')}`;
    if (shown === this.shown) return;
    this.shown = shown;
    if (notices.length === 0) {
      host.replaceChildren();
      host.hidden = true;
      return;
    }
    host.hidden = false;
    const more = all.length - notices.length;
    host.replaceChildren(h('button', { class: 'notices-title', title: 'Show more or fewer', onclick: () => { this.open = !this.open; this.render(all); } },
      `Notices (${all.length})${more > 0 ? ` · ${more} more ▾` : this.open ? ' ▴' : ''}`),
      ...notices.map((n) => h('button', {
        class: `notice sev-${n.severity}`,
        onclick: () => {
          if (n.client && n.server) this.select({ kind: 'edge', source: this.drawnAs(n.client), target: this.drawnAs(n.server) });
          else if (n.service) this.select({ kind: 'node', id: this.drawnAs(n.service) });
        },
      }, h('span', { class: 'notice-dot' }), h('span', { class: 'notice-text' }, n.title),
      h('span', { class: 'notice-time' }, ago(n.raisedAt)))));
  }
}

/** The banner over the graph: the live stream lost and restored, and short messages. */
export class Banner {
  status: StreamStatus = { state: 'connecting' };

  stream(s: StreamStatus): void {
    const wasLost = this.status.state === 'lost';
    this.status = s;
    const banner = byId('banner');
    if (s.state === 'lost') {
      banner.hidden = false;
      banner.className = 'banner lost';
      banner.textContent = `Live stream lost: reconnecting in ${s.retryInSeconds} s (attempt ${s.attempt}). The picture is frozen at its last update.`;
    } else if (s.state === 'open' && wasLost) {
      banner.hidden = false;
      banner.className = 'banner restored';
      banner.textContent = 'Live stream restored.';
      window.setTimeout(() => {
        if (this.status.state === 'open') banner.hidden = true;
      }, 2500);
    } else if (s.state === 'open') {
      banner.hidden = true;
    }
  }

  toast(message: string): void {
    const banner = byId('banner');
    banner.hidden = false;
    banner.className = 'banner lost';
    banner.textContent = message;
    window.setTimeout(() => (banner.hidden = true), 5000);
  }
}

export function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}
