// The state store: the one place the view's state changes. The URL follows every change (so a link
// shared during an incident opens the same view), then each listener sees the state before and after.

import { fromQuery, toQuery, ViewState } from './state';

export type StateListener = (before: ViewState, after: ViewState) => void;

export class ViewStore {
  private current: ViewState;
  private readonly listeners: StateListener[] = [];

  constructor(query: string) {
    this.current = fromQuery(query);
  }

  get state(): ViewState {
    return this.current;
  }

  set(change: Partial<ViewState>): void {
    const before = this.current;
    this.current = { ...before, ...change };
    history.replaceState(null, '', `${location.pathname}${toQuery(this.current)}`);
    for (const listener of this.listeners) listener(before, this.current);
  }

  subscribe(listener: StateListener): void {
    this.listeners.push(listener);
  }
}
