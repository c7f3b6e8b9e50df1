/**
 * How long to wait before repeating a request that failed in passing (a network error, a 5xx,
 * a cut-off answer): doubling from `baseMs` up to `maxMs`, plus up to `jitterMs` of jitter so
 * that clients failing together do not all come back in the same millisecond.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 4000, jitterMs: 100 };

/** The wait before retry number `attempt` (1 = the first retry). */
export function backoffMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)) + Math.floor(random() * policy.jitterMs);
}
