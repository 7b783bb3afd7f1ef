import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../lib/domain/flux/duration.ts';

describe('parseDuration (Flux CRD pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$)', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m0s', 60_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2m3s4ms', 123_004],
    ['0s', 0],
  ])('%s = %d ms', (text, milliseconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: { text, milliseconds } });
  });

  it.each(['', '5', '1d', '-5m', '1us', '5 m', 'm', '.5s', '1.s', '5M', '1h 30m'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });

  it('refuses hours in timeouts', () => {
    expect(parseDuration('1h', { allowHours: false })).toEqual({
      ok: false,
      message: '"1h" is not a valid duration (e.g. 30s, 5m, 1m30s; units ms, s, m (no h))',
    });
    expect(parseDuration('90m', { allowHours: false }).ok).toBe(true);
  });
});
