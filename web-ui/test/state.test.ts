import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, formatMicros, fromQuery, parseDuration, toQuery, ViewState } from '../src/state';

describe('the view in the URL', () => {
  it('round-trips every field', () => {
    const s: ViewState = {
      selection: { kind: 'edge', source: 'web', target: 'api' },
      at: '2026-11-21T10:15:00.000Z',
      paused: false,
      window: 300,
      collapsed: ['shop', 'billing'],
      topN: 50,
      errorsOnly: true,
      search: 'pay',
      transactions: 'slowest',
    };
    const back = fromQuery(toQuery(s));
    expect(back).toEqual({ ...s, collapsed: ['billing', 'shop'] });
  });

  it('keeps the default view out of the URL', () => {
    expect(toQuery(DEFAULT_STATE)).toBe('');
    expect(fromQuery('')).toEqual(DEFAULT_STATE);
  });

  it('keeps a node selection and names with unusual characters', () => {
    const s = { ...DEFAULT_STATE, selection: { kind: 'node' as const, id: 'payments.example.net:443' }, search: 'a&b=c' };
    expect(fromQuery(toQuery(s))).toEqual(s);
  });

  it('falls back to defaults for malformed values', () => {
    const s = fromQuery('?at=yesterday&window=-5m&top=abc&tx=fastest&edge=nope&errors=yes');
    expect(s).toEqual(DEFAULT_STATE);
  });

  it('paused only means something live', () => {
    expect(toQuery({ ...DEFAULT_STATE, paused: true })).toBe('?paused=1');
    expect(toQuery({ ...DEFAULT_STATE, paused: true, at: '2026-11-21T10:00:00.000Z' })).not.toContain('paused');
  });
});

describe('formats', () => {
  it('reads durations', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('45')).toBe(45);
    expect(parseDuration('fast')).toBeNull();
  });

  it('writes latency for people', () => {
    expect(formatMicros(850)).toBe('850 µs');
    expect(formatMicros(1234)).toBe('1.23 ms');
    expect(formatMicros(251_903)).toBe('252 ms');
    expect(formatMicros(1_250_000)).toBe('1.25 s');
  });
});
