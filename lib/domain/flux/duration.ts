import type { Duration } from './types.ts';

/**
 * Durations as the Flux CRDs accept them: `interval` fields use the pattern
 * `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`, `timeout` fields the same without `h`
 * (image-reflector-controller `api/v1/imagerepository_types.go`, source-controller
 * `api/v1/gitrepository_types.go`). The CRD pattern, not Go's wider `time.ParseDuration`, decides
 * what is valid: `1d`, `-5m`, `1us` or `5 m` are rejected by the API server before any controller.
 */

const INTERVAL_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const TIMEOUT_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m))+$/;
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export type DurationResult = { ok: true; value: Duration } | { ok: false; message: string };

export interface DurationOptions {
  /** `timeout` fields do not accept the `h` unit. */
  readonly allowHours?: boolean;
}

export const parseDuration = (text: string, options: DurationOptions = {}): DurationResult => {
  const allowHours = options.allowHours ?? true;
  const pattern = allowHours ? INTERVAL_PATTERN : TIMEOUT_PATTERN;
  if (!pattern.test(text)) {
    const units = allowHours ? 'ms, s, m, h' : 'ms, s, m (no h)';
    const example = allowHours ? '30s, 5m, 1h30m' : '30s, 5m, 1m30s';
    return {
      ok: false,
      message: `${JSON.stringify(text)} is not a valid duration (e.g. ${example}; units ${units})`,
    };
  }
  let milliseconds = 0;
  for (const match of text.matchAll(PART)) {
    milliseconds += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  return { ok: true, value: { text, milliseconds } };
};

/** Builds a Duration from milliseconds, for defaults (`60s`, `10m`). */
export const durationOf = (text: string, milliseconds: number): Duration => ({ text, milliseconds });
