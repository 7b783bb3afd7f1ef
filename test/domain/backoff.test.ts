import { describe, expect, it } from 'vitest';
import { backoff } from '../../lib/domain/backoff.ts';

const policy = { baseMs: 100, maxMs: 1_000 };

describe('backoff', () => {
  it('doubles the ceiling per attempt; half of it is fixed, half drawn from random', () => {
    expect([1, 2, 3, 4].map((attempt) => backoff(policy, attempt, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((attempt) => backoff(policy, attempt, () => 0.5))).toEqual([75, 150, 300, 600]);
    expect([1, 2, 3, 4].map((attempt) => backoff(policy, attempt, () => 0.999))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never exceeds maxMs, for any attempt', () => {
    expect(backoff(policy, 5, () => 0.999)).toBe(1_000);
    expect(backoff(policy, 50, () => 0)).toBe(500);
    expect(backoff(policy, 5_000, () => 0.999)).toBe(1_000);
  });

  it('never retries at once, and tolerates a random source outside [0, 1)', () => {
    expect(backoff(policy, 0, () => 0)).toBe(50);
    expect(backoff(policy, 1, () => -3)).toBe(50);
    expect(backoff(policy, 1, () => 7)).toBe(100);
  });
});
