/**
 * Paces requests to GHL's burst limit instead of running into 429s.
 *
 * GHL answers every call with X-RateLimit-Max / -Remaining / -Interval-Milliseconds (the
 * burst window, 100 per 10 s for a private integration) and X-RateLimit-Daily-Remaining.
 * We keep our own log of send times so that no sliding window of `intervalMs` ever holds
 * more than `max` of our requests; the server's `remaining` only ever tightens that (other
 * clients of the same location spend the same budget).
 */
export interface RateLimitSnapshot {
  max: number;
  intervalMs: number;
  remaining: number | null;
  dailyRemaining: number | null;
}

export class RateBudget {
  private max: number;
  private intervalMs: number;
  private serverRemaining: number | null = null;
  /** GHL's `remaining` describes the window our oldest recent request opened; it means nothing after. */
  private serverRemainingUntil = 0;
  private dailyRemainingValue: number | null = null;
  private readonly sent: number[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    defaults: { max: number; intervalMs: number } = { max: 100, intervalMs: 10_000 },
    /** Slack for the difference between our send time and the server's arrival time. */
    private readonly marginMs = 60,
  ) {
    this.max = defaults.max;
    this.intervalMs = defaults.intervalMs;
  }

  get dailyRemaining(): number | null {
    return this.dailyRemainingValue;
  }

  snapshot(): RateLimitSnapshot {
    return { max: this.max, intervalMs: this.intervalMs, remaining: this.serverRemaining, dailyRemaining: this.dailyRemainingValue };
  }

  /** How long to wait before the next request may be sent (0 = now). */
  delayBeforeNext(): number {
    const now = this.now();
    const windowMs = this.intervalMs + this.marginMs;
    while (this.sent.length > 0 && this.sent[0]! <= now - windowMs) this.sent.shift();
    if (this.sent.length < this.max && !this.serverSaysEmpty(now)) return 0;
    const oldest = this.sent[0];
    if (oldest === undefined) return Math.max(0, this.serverRemainingUntil - now);
    return Math.max(1, oldest + windowMs - now);
  }

  recordSend(): void {
    this.sent.push(this.now());
    if (this.sent.length > this.max * 2) this.sent.splice(0, this.sent.length - this.max * 2);
  }

  /** Reads the X-RateLimit-* headers of a response (any status). */
  recordHeaders(headers: Headers): void {
    const max = intHeader(headers, 'x-ratelimit-max');
    const interval = intHeader(headers, 'x-ratelimit-interval-milliseconds');
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const daily = intHeader(headers, 'x-ratelimit-daily-remaining');
    if (max !== null && max > 0) this.max = max;
    if (interval !== null && interval > 0) this.intervalMs = interval;
    if (remaining !== null) {
      const now = this.now();
      const windowMs = this.intervalMs + this.marginMs;
      const windowStart = this.sent.find((t) => t > now - windowMs) ?? now;
      this.serverRemaining = remaining;
      this.serverRemainingUntil = windowStart + windowMs;
    }
    if (daily !== null) this.dailyRemainingValue = daily;
  }

  /**
   * After a 429: how long to wait before trying again. With GHL's headers the window is
   * known: wait until our oldest request in it has aged out. Without them, back off
   * exponentially from half a second.
   */
  backoffAfter429(headers: Headers, attempt: number): number {
    const retryAfter = headers.get('retry-after');
    if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    if (!headers.has('x-ratelimit-interval-milliseconds')) return Math.min(this.intervalMs, 500 * 2 ** (attempt - 1));
    const now = this.now();
    const windowMs = this.intervalMs + this.marginMs;
    const oldestInWindow = this.sent.find((t) => t > now - windowMs);
    return Math.max(100, oldestInWindow === undefined ? 100 : oldestInWindow + windowMs - now);
  }

  private serverSaysEmpty(now: number): boolean {
    return this.serverRemaining !== null && this.serverRemaining <= 0 && now < this.serverRemainingUntil;
  }
}

function intHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.floor(value) : null;
}
