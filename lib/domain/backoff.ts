/**
 * The one backoff policy of the service (ARCHITECTURE.md, rule 11): every retry — a lost push race
 * (commit-with-retry.ts), a registry request (http-sender.ts), an SQS batch entry (sqs-queue.ts), a
 * failed run in the local queue (local-queue.ts) — waits `backoff(...)` milliseconds.
 *
 * Capped exponential with "equal jitter": the ceiling doubles from `baseMs` per attempt up to `maxMs`;
 * half of it is fixed, half drawn from `random`, so writers that collided spread out and none retries
 * at once (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export interface BackoffPolicy {
  /** The ceiling after the first failed attempt. */
  readonly baseMs: number;
  /** No ceiling exceeds this. */
  readonly maxMs: number;
}

/**
 * @param attempt the attempt that just failed, 1 for the first
 * @param random in [0, 1): injected, so tests and callers choose their randomness
 */
export const backoff = (policy: BackoffPolicy, attempt: number, random: () => number): number => {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2 ** 1024 is Infinity; Math.min keeps the ceiling finite for any attempt.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 1023));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * draw);
};
