// The time bar: the slider back through the server's retention, live / pause, the moment shown, the
// clock.

import { byId } from './dom';
import { ViewStore } from './store';
import { ServerInfo } from './types';

export class TimeBar {
  constructor(private readonly store: ViewStore, private readonly togglePause: () => void) {}

  bind(): void {
    const slider = byId<HTMLInputElement>('time');
    slider.addEventListener('input', () => {
      byId('time-label').textContent = describeTime(Number(slider.value) * 1000);
    });
    slider.addEventListener('change', () => {
      slider.blur(); // the bar follows the state again
      const value = Number(slider.value);
      if (value >= Number(slider.max) - 2) this.store.set({ at: null, paused: false });
      else this.store.set({ at: new Date(value * 1000).toISOString(), paused: false });
    });
    byId('live').addEventListener('click', () => this.store.set({ at: null, paused: false }));
    byId('pause').addEventListener('click', () => this.togglePause());
  }

  /** The slider's range from the server's retention and oldest data; its position from the state. */
  update(info: ServerInfo | null): void {
    const state = this.store.state;
    const slider = byId<HTMLInputElement>('time');
    const now = Math.floor(Date.now() / 1000);
    const retention = info ? retentionSeconds(info) : 3600;
    const oldest = info?.oldest ? Math.floor(Date.parse(info.oldest) / 1000) : now - retention;
    const min = Math.max(now - retention, Math.min(oldest, now - 60));
    slider.min = String(min);
    slider.max = String(now);
    if (document.activeElement !== slider) {
      slider.value = String(state.at ? Math.floor(Date.parse(state.at) / 1000) : now);
      byId('time-label').textContent = state.at ? describeTime(Date.parse(state.at))
        : state.paused ? 'paused' : 'now';
    }
    byId('clock').textContent = new Date().toLocaleTimeString();
  }
}

export function retentionSeconds(info: ServerInfo): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(info.retention);
  if (!m) return 3600;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function describeTime(ms: number): string {
  const ago = Math.round((Date.now() - ms) / 1000);
  const when = new Date(ms).toLocaleString();
  if (ago < 90) return `${when} (${ago} s ago)`;
  if (ago < 5400) return `${when} (${Math.round(ago / 60)} min ago)`;
  return `${when} (${(ago / 3600).toFixed(1)} h ago)`;
}
