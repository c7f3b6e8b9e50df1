import { ExtGhlError } from '../protocol/envelope';

/** Lets the event loop breathe between pages so a long sync never freezes the host. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExtGhlError('CANCELLED', 'Sync cancelled; what was fetched so far is kept.');
}

/**
 * Guards a cursor-paged pull against the loops real integrations have hit: a cursor that
 * does not move (GHL repeats page one when a cursor field is dropped), a page whose records
 * were all seen already, or far more records than GHL said it has.
 */
export class PageGuard {
  readonly seen = new Set<string>();
  private lastCursor: string | null = null;

  constructor(private readonly what: string) {}

  /** Records a page's ids; returns how many were new. */
  acceptPage(ids: string[], cursor: unknown, reportedTotal: number | null): number {
    const key = cursor === undefined ? null : JSON.stringify(cursor);
    if (key !== null && key === this.lastCursor) {
      throw new ExtGhlError('API', `GHL returned the same ${this.what} cursor twice; stopped to avoid a loop. Records fetched so far are kept.`);
    }
    this.lastCursor = key;
    let fresh = 0;
    for (const id of ids) {
      if (!this.seen.has(id)) {
        this.seen.add(id);
        fresh++;
      }
    }
    if (ids.length > 0 && fresh === 0) {
      throw new ExtGhlError('API', `GHL returned a page of ${this.what} that was already fetched; stopped to avoid a loop. Records fetched so far are kept.`);
    }
    if (reportedTotal !== null && this.seen.size > reportedTotal + Math.max(100, reportedTotal * 0.05)) {
      throw new ExtGhlError('API', `GHL returned more ${this.what} (${this.seen.size}) than it reported (${reportedTotal}); stopped. Records fetched so far are kept.`);
    }
    return fresh;
  }
}

/**
 * Pulls cursor-paged records with one request always in flight: as soon as a page is
 * parsed and its cursor known, the next request goes out, and the page is written to the
 * cache while GHL prepares the next one. `next` returns undefined on the last page.
 */
export async function pipelinedPull<Page, Parsed, Cursor>(steps: {
  fetch(cursor: Cursor | undefined): Promise<Page>;
  parse(page: Page): { parsed: Parsed; next: Cursor | undefined };
  store(parsed: Parsed): void;
  signal?: AbortSignal;
}): Promise<void> {
  let inFlight = steps.fetch(undefined);
  for (;;) {
    const page = await inFlight;
    const { parsed, next } = steps.parse(page);
    if (next !== undefined) {
      throwIfCancelled(steps.signal);
      inFlight = steps.fetch(next);
      // If storing this page fails, nobody awaits the request in flight: keep it quiet.
      inFlight.catch(() => undefined);
    }
    steps.store(parsed);
    if (next === undefined) return;
    await yieldToEventLoop();
  }
}
