import type { RateBudget, RateTicket, RequestPriority } from './rateBudget';
import type { Sleep } from './sleep';

/** How a client words the two ways a wait for a slot ends without one. */
export interface SlotRefusals {
  cancelled(): Error;
  /** The server's daily budget (X-RateLimit-Daily-Remaining) is down to the reserve. */
  dailyBudgetSpent(left: number): Error;
}

interface SlotWaiter {
  priority: RequestPriority;
  resolve(ticket: RateTicket): void;
  reject(err: unknown): void;
}

/**
 * Hands out the right to send a request, one at a time (so concurrent calls cannot both take
 * the last slot of a window), user requests before sync pages, each when the rate budget allows.
 */
export class SlotQueue {
  private granted = 0;
  /** Requests waiting for a slot, user requests first; one pump hands out the slots in order. */
  private readonly waiting: Record<RequestPriority, SlotWaiter[]> = { user: [], sync: [] };
  private pumping = false;
  /** Wakes the pump from a wait so a user request arriving meanwhile goes first. */
  private wake: AbortController | null = null;

  constructor(
    private readonly budget: RateBudget,
    private readonly sleep: Sleep,
    private readonly refusals: SlotRefusals,
    /** Stop before the daily budget runs dry so interactive use keeps working. */
    private readonly dailyReserve = 0,
  ) {}

  /** Slots handed out so far (each one request sent, retries included). */
  get grantedCount(): number {
    return this.granted;
  }

  take(priority: RequestPriority, signal?: AbortSignal): Promise<RateTicket> {
    return new Promise<RateTicket>((resolve, reject) => {
      if (signal?.aborted) return reject(this.refusals.cancelled());
      const onAbort = () => {
        const queue = this.waiting[priority];
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(this.refusals.cancelled());
      };
      const settle = () => signal?.removeEventListener('abort', onAbort);
      const waiter: SlotWaiter = {
        priority,
        resolve: (ticket) => (settle(), resolve(ticket)),
        reject: (err) => (settle(), reject(err)),
      };
      this.waiting[priority].push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A user request must not sit out a sync page's wait: interrupt it and decide again.
      if (priority === 'user') this.wake?.abort();
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const waiter = this.waiting.user[0] ?? this.waiting.sync[0];
        if (!waiter) return;
        const daily = this.budget.dailyRemaining;
        if (daily !== null && daily <= this.dailyReserve) {
          this.waiting[waiter.priority].shift();
          waiter.reject(this.refusals.dailyBudgetSpent(daily));
          continue;
        }
        const delay = this.budget.delayBeforeNext(waiter.priority);
        if (delay > 0) {
          this.wake = new AbortController();
          await this.sleep(delay, this.wake.signal).catch(() => undefined);
          this.wake = null;
          continue;
        }
        this.waiting[waiter.priority].shift();
        this.granted++;
        waiter.resolve(this.budget.recordSend());
      }
    } finally {
      this.pumping = false;
    }
  }
}
