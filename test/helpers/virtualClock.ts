// A clock the test owns: `now` reads it, `sleep` moves it forward instead of waiting. Code that
// takes injected now/sleep (the GHL client's rate windows and backoff, the sandbox's limiter)
// then runs its timing logic at full speed, and what the test measures is the clock's own time.
export interface VirtualClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Virtual milliseconds since the clock was made. */
  elapsed(): number;
}

export function virtualClock(start = Date.parse('2026-01-05T15:00:00Z')): VirtualClock {
  let time = start;
  return {
    now: () => time,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      const wakeAt = time + Math.max(0, ms);
      // Let every caller of this turn pick its wake time first, so concurrent sleeps overlap
      // (the clock lands on the latest) instead of adding up.
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      time = Math.max(time, wakeAt);
    },
    elapsed: () => time - start,
  };
}
