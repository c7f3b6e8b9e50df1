/**
 * Paces requests to an API's burst limit instead of running into 429s (GHL's, whose headers
 * are described below, and RentCast's 20 per second, given as the defaults).
 *
 * GHL answers every call with X-RateLimit-Max / -Remaining / -Interval-Milliseconds (the
 * burst window, 100 per 10 s for a private integration) and X-RateLimit-Daily-Remaining.
 * We keep our own log of requests so that no sliding window of `intervalMs` ever holds
 * more than `max` of them; the server's `remaining` only ever tightens that (other clients
 * of the same location spend the same budget). A request counts from when it is sent until
 * `intervalMs` after its answer arrived: GHL's window starts when a request *reaches* it,
 * which is somewhere in between, so a busy server or a slow network never tips us over.
 */

import { backoffMs } from './backoff';

/**
 * Who is asking: a user action (the default) may spend the whole window; sync pages leave
 * headroom in every window so a user action never waits behind a long sync.
 */
export type RequestPriority = 'user' | 'sync';

/** The share of each window sync pages leave to the user (by default). */
export const USER_HEADROOM_SHARE = 0.1;

export interface RateBudgetOptions {
  /**
   * The share of each window sync pages leave to the user (default USER_HEADROOM_SHARE).
   * 0 lets a sync spend the whole window: faster when nobody else uses GHL meanwhile, but a
   * user action may then wait for the next window (the bench measures both).
   */
  userHeadroomShare?: number;
}

/** One request in the log; `answeredAt` stays null while it is in flight. */
export interface RateTicket {
  answeredAt: number | null;
}
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
  private readonly sent: RateTicket[] = [];
  /** Until then, after a 429 despite the pacing, sync pages get half their usual share. */
  private syncSlowUntil = 0;
  private announcedLimits = false;

  private readonly headroomShare: number;

  constructor(
    private readonly now: () => number = Date.now,
    defaults: { max: number; intervalMs: number } = { max: 100, intervalMs: 10_000 },
    /** Slack for timer granularity. */
    private readonly marginMs = 15,
    options: RateBudgetOptions = {},
  ) {
    this.max = defaults.max;
    this.intervalMs = defaults.intervalMs;
    const share = options.userHeadroomShare ?? USER_HEADROOM_SHARE;
    this.headroomShare = Number.isFinite(share) ? Math.min(0.5, Math.max(0, share)) : USER_HEADROOM_SHARE;
  }

  get dailyRemaining(): number | null {
    return this.dailyRemainingValue;
  }

  snapshot(): RateLimitSnapshot {
    return { max: this.max, intervalMs: this.intervalMs, remaining: this.serverRemaining, dailyRemaining: this.dailyRemainingValue };
  }

  /** GHL announced its window (X-RateLimit-Max) rather than the defaults being assumed. */
  get announced(): boolean {
    return this.announcedLimits;
  }

  /** Requests of one window the user keeps: sync pages never take these (none with a share of 0). */
  get userHeadroom(): number {
    return this.headroomShare === 0 ? 0 : Math.max(1, Math.ceil(this.max * this.headroomShare));
  }

  /** Requests per window sync pages may spend (less after a recent 429). */
  syncAllowance(): number {
    const share = Math.max(1, this.max - this.userHeadroom);
    return this.now() < this.syncSlowUntil ? Math.max(1, Math.floor(share / 2)) : share;
  }

  /** How long to wait before the next request of this priority may be sent (0 = now). */
  delayBeforeNext(priority: RequestPriority = 'user'): number {
    const now = this.now();
    const windowMs = this.intervalMs + this.marginMs;
    this.forgetOlderThan(now - windowMs);
    const limit = priority === 'sync' ? this.syncAllowance() : this.max;
    // What GHL says is left must cover the user's headroom too before a sync page goes.
    const reserve = priority === 'sync' ? this.max - limit : 0;
    if (this.sent.length < limit && !this.serverSaysAtMost(reserve, now)) return 0;
    const oldest = this.oldestAnswer();
    if (oldest === undefined) return this.sent.length < limit ? Math.max(1, this.serverRemainingUntil - now) : 10;
    return Math.max(1, oldest + windowMs - now);
  }

  /** A 429 came despite the pacing (another client spends the same budget): slow the sync for a window. */
  recordRateLimited(): void {
    this.syncSlowUntil = this.now() + this.intervalMs;
  }

  recordSend(): RateTicket {
    const ticket: RateTicket = { answeredAt: null };
    this.sent.push(ticket);
    return ticket;
  }

  recordAnswer(ticket: RateTicket): void {
    ticket.answeredAt = this.now();
  }

  private forgetOlderThan(cutoff: number): void {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const answeredAt = this.sent[i]!.answeredAt;
      if (answeredAt !== null && answeredAt <= cutoff) this.sent.splice(i, 1);
    }
  }

  /** The earliest answer time in the log (in-flight requests have none yet). */
  private oldestAnswer(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.sent) if (t.answeredAt !== null && (oldest === undefined || t.answeredAt < oldest)) oldest = t.answeredAt;
    return oldest;
  }

  /** Reads the X-RateLimit-* headers of a response (any status). */
  recordHeaders(headers: Headers): void {
    const max = intHeader(headers, 'x-ratelimit-max');
    const interval = intHeader(headers, 'x-ratelimit-interval-milliseconds');
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const daily = intHeader(headers, 'x-ratelimit-daily-remaining');
    if (max !== null && max > 0) {
      this.max = max;
      this.announcedLimits = true;
    }
    if (interval !== null && interval > 0) this.intervalMs = interval;
    if (remaining !== null) {
      const now = this.now();
      const windowMs = this.intervalMs + this.marginMs;
      const windowStart = this.oldestAnswerAfter(now - windowMs) ?? now;
      this.serverRemaining = remaining;
      this.serverRemainingUntil = windowStart + windowMs;
    }
    if (daily !== null) this.dailyRemainingValue = daily;
  }

  /**
   * After a 429: how long to wait before trying again. Retry-After (seconds or a date) says it
   * outright. With GHL's headers the window is
   * known: wait until our oldest request in it has aged out. Without them, back off
   * exponentially from half a second.
   */
  backoffAfter429(headers: Headers, attempt: number): number {
    const retryAfter = retryAfterMs(headers.get('retry-after'), this.now());
    if (retryAfter !== null) return retryAfter;
    if (!headers.has('x-ratelimit-interval-milliseconds')) return backoffMs(attempt, { baseMs: 500, maxMs: this.intervalMs, jitterMs: 0 });
    const now = this.now();
    const windowMs = this.intervalMs + this.marginMs;
    const oldestInWindow = this.oldestAnswerAfter(now - windowMs);
    return Math.max(100, oldestInWindow === undefined ? 100 : oldestInWindow + windowMs - now);
  }

  private oldestAnswerAfter(cutoff: number): number | undefined {
    let oldest: number | undefined;
    for (const t of this.sent) {
      if (t.answeredAt !== null && t.answeredAt > cutoff && (oldest === undefined || t.answeredAt < oldest)) oldest = t.answeredAt;
    }
    return oldest;
  }

  private serverSaysAtMost(left: number, now: number): boolean {
    return this.serverRemaining !== null && this.serverRemaining <= left && now < this.serverRemainingUntil;
  }
}

function intHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.floor(value) : null;
}

/** Retry-After as a wait in ms: delta-seconds ("1") or an HTTP date; null when absent or unreadable. */
function retryAfterMs(raw: string | null, now: number): number | null {
  const value = raw?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
