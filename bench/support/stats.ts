/** Percentiles and ratios for benchmark tables. Nearest-rank percentiles: every figure is a real sample. */

export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
};

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** `ours / baseline` as `1.23×`. */
export const ratio = (ours: number, baseline: number): string =>
  baseline > 0 ? `${(ours / baseline).toFixed(2)}×` : 'n/a';

export const ms = (value: number): string => `${Math.round(value)} ms`;

export const seconds = (value: number): string => `${value.toFixed(2)} s`;

export const mb = (kib: number): string => `${Math.round(kib / 1024)} MB`;

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number): number => performance.now() - start;
