import { ExtGhlError } from '../protocol/envelope';
import type { SyncDeps, UpsertPruneRepo } from './types';

/** Lets the event loop breathe between pages so a long sync never freezes the host. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExtGhlError('CANCELLED', 'Sync cancelled; what was fetched so far is kept.');
}

/**
 * How far what a pass saw may differ from GHL's total and still count as all of it: room
 * for records created or deleted while the pass ran, far less than one page.
 */
export function totalMargin(total: number): number {
  return Math.min(100, Math.max(5, Math.ceil(total * 0.001)));
}

/** A list page as data: GHL's answer without its list is an error, never an empty page. */
export function requireList(page: Record<string, unknown>, field: string, what: string): unknown[] {
  const list = page[field];
  if (!Array.isArray(list)) throw new ExtGhlError('API', `GHL sent a page of ${what} without its "${field}" list; stopped without removing anything.`);
  return list;
}

/**
 * One pass over one cursor. Guards it against the loops real integrations have hit: a
 * cursor that does not move (GHL repeats page one when a cursor field is dropped), a page
 * whose records were all seen already, or far more records than GHL said it has. And
 * decides where the pass ends: a short page is the end only when GHL's total agrees.
 */
export class PageGuard {
  readonly seen = new Set<string>();
  /** Records GHL sent that could not be used (no id); its total counts them. */
  private unusable = 0;
  private total: number | null = null;
  private lastCursor: string | null = null;

  constructor(private readonly what: string) {}

  /** Records a page's ids; returns how many were new. */
  acceptPage(ids: string[], cursor: unknown, reportedTotal: number | null, unusable = 0): number {
    const key = cursor === undefined ? null : JSON.stringify(cursor);
    if (key !== null && key === this.lastCursor) {
      throw new ExtGhlError('API', `GHL returned the same ${this.what} cursor twice; stopped to avoid a loop. Records fetched so far are kept.`);
    }
    this.lastCursor = key;
    if (reportedTotal !== null) this.total = reportedTotal;
    this.unusable += unusable;
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
    if (this.total !== null && this.seen.size > this.total + Math.max(100, this.total * 0.05)) {
      throw new ExtGhlError('API', `GHL returned more ${this.what} (${this.seen.size}) than it reported (${this.total}); stopped. Records fetched so far are kept.`);
    }
    return fresh;
  }

  /** GHL's latest total for this pass (null while it sent none). */
  get reportedTotal(): number | null {
    return this.total;
  }

  /** Records this pass has accounted for: distinct ids plus the unusable ones GHL counted. */
  get accounted(): number {
    return this.seen.size + this.unusable;
  }

  /**
   * The cursor to fetch next, or undefined at the end of the pass. A full page goes on; a
   * short page (or one without a cursor) ends the pass only when GHL's total says nothing
   * remains: otherwise the pass fetches on from the cursor, or fails when there is none.
   * A few short of the total (within the margin) ends it too, but unverified: no prune.
   */
  nextCursor<C>(pageRecords: number, pageSize: number, cursor: C | undefined): C | undefined {
    const total = this.total;
    if (total !== null && this.accounted >= total) return undefined;
    if (pageRecords >= pageSize && cursor !== undefined) return cursor;
    if (total === null) return undefined;
    if (pageRecords > 0 && cursor !== undefined) return cursor;
    if (total - this.accounted <= totalMargin(total)) return undefined;
    throw new ExtGhlError(
      'API',
      `GHL's ${this.what} pages ended after ${this.accounted} of the ${total} it reported; stopped without removing anything. Records fetched so far are kept.`,
      { seen: this.accounted, total },
    );
  }

  /**
   * True when the pass saw what GHL says it has: only then is pruning safe. The margin is
   * for records deleted in GHL after the pass saw them; a pass that saw fewer than GHL has
   * may have missed the very rows a prune would remove, so it never agrees.
   */
  agreesWithTotal(): boolean {
    if (this.total === null) return false;
    const extra = this.accounted - this.total;
    return extra >= 0 && extra <= totalMargin(this.total);
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
  /** Where to start (a pass that already fetched its first page); the beginning by default. */
  from?: Cursor;
}): Promise<void> {
  let inFlight = steps.fetch(steps.from);
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

/**
 * Ends a pass: a full pass that agrees with GHL's total prunes what it did not see (only
 * rows cached before it started); one that does not prunes nothing and says so. Returns
 * whether the pass was verified and how many rows went.
 */
export function pruneAfterPass<T>(
  deps: SyncDeps,
  what: 'Contacts' | 'Opportunities',
  repo: UpsertPruneRepo<T>,
  guard: PageGuard,
  mode: 'full' | 'delta',
  passStartedAt: number,
): { verified: boolean; pruned: number } {
  const verified = guard.agreesWithTotal();
  if (mode !== 'full') return { verified, pruned: 0 };
  if (!verified) {
    deps.log('warn', `${what}: the full pass saw ${guard.accounted} of the ${guard.reportedTotal ?? 'unreported'} GHL reports; nothing pruned, the next sync is a full pass again.`);
    return { verified, pruned: 0 };
  }
  const pruned = repo.pruneNotIn(deps.locationId, guard.seen, passStartedAt);
  if (pruned > 0) deps.markDirty();
  return { verified, pruned };
}
