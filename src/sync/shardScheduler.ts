import { setMaxListeners } from 'node:events';
import type { GhlApi } from '../ghl/api';
import { throwIfCancelled, yieldToEventLoop } from './paging';
import type { Shard, ShardPlan } from './shardPlan';

/** More cursors than this buy nothing: the cache writes pages one at a time anyway. */
export const MAX_CURSORS = 16;

/** Answers this many times slower than storing a page are worth more cursors (see cursorsFor). */
const ANSWER_TO_STORE_RATIO = 4;
/** What storing one page of 500 contacts takes once warm, at most (measured 10-20 ms at 200k cached). */
const WARM_STORE_MS = 30;
/**
 * A first answer at least this slow is GHL's own pace (400 ms ±20 % as a new user meets it):
 * the pass shards at once. A faster first answer may be a cold local GHL (the bench's
 * sandbox took 80-175 ms for its first page, 10-30 ms after): the next one decides.
 */
export const CLEARLY_SLOW_ANSWER_MS = 250;

/**
 * How many cursors spend the sync's share of GHL's window early in the window, given how
 * long one answer takes: a window of 90 sync requests per 10 s at 400 ms an answer needs
 * 4 cursors to spend it at all (16 are used, see below); the same window at 10 ms an
 * answer is spent by one. More cursors cost a few requests (each shard ends with a short
 * page), so a pass shards only when one cursor would leave at least half of the window
 * unused. One cursor also while GHL has not announced its window (the defaults are a
 * guess) or the client cannot tell its budget.
 *
 * And one cursor while GHL answers about as fast as a page is stored (`storeMs`): one
 * pipelined cursor already keeps the cache busy there, and more would only hold pages in
 * memory and crowd the cache's writes (a local GHL, the plain bench tiers). Sharding
 * starts where answers take several times longer than storing. The first page's store
 * is all there is to go by, and it runs cold (10× a warm one, under load): it counts for
 * at most WARM_STORE_MS.
 */
export function cursorsFor(api: GhlApi, answerMs: number, pagesLeft: number, storeMs?: number, maxCursors = MAX_CURSORS): number {
  const budget = (api.client as Partial<GhlApi['client']>).budget;
  if (!budget || typeof budget.syncAllowance !== 'function' || !budget.announced) return 1;
  const allowance = budget.syncAllowance();
  const { intervalMs } = budget.snapshot();
  const wanted = (allowance * Math.max(answerMs, 0)) / Math.max(intervalMs, 1);
  if (wanted < 2) return 1;
  if (storeMs !== undefined && answerMs < ANSWER_TO_STORE_RATIO * Math.min(storeMs, WARM_STORE_MS)) return 1;
  // Four times that: the share is spent in the first quarter of the window, so the pages
  // left over for the next window wait on the window alone (all at once as its slots free
  // up), not on answers still to come behind a few busy cursors.
  return Math.max(1, Math.min(Math.ceil(4 * wanted), maxCursors, allowance, pagesLeft));
}

/**
 * Runs `cursors` cursors over the plan's shards until every shard is done. A cursor that
 * finishes its shard takes an idle one or steals half of the largest one left. Pages are
 * handled (parsed, guarded, stored) one at a time as they arrive, each whole. On the
 * first failure or a cancel no new request goes out; the call settles only when every
 * cursor has stopped, so nothing is written after it returns.
 */
export async function runShards<Page>(steps: {
  plan: ShardPlan;
  cursors: number;
  /** Splitting is worth it only for at least this many records left. */
  minSplitRecords: number;
  /** Records one page in flight brings (a split leaves them to the shard that asked). */
  pageRecords: number;
  signal?: AbortSignal;
  fetch(shard: Shard, signal: AbortSignal): Promise<Page>;
  /** Handles one page of `shard` (requested while its upper bound was `hiAtRequest`); marks the shard done at its end. */
  accept(shard: Shard, page: Page, hiAtRequest: number): void;
}): Promise<void> {
  const { plan } = steps;
  let failure: { err: unknown } | undefined;
  // The first failure stops the other cursors' requests too: their pages would be dropped anyway.
  const stop = new AbortController();
  const signal = steps.signal ? AbortSignal.any([steps.signal, stop.signal]) : stop.signal;
  // Every cursor's request in flight listens on it: that many listeners is no leak.
  setMaxListeners(4 * MAX_CURSORS, signal);
  // A cursor with nothing to take waits for the next page anywhere: it may show a shard
  // far larger than guessed (skewed data), worth stealing half of.
  let wake = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };

  const cursor = async (): Promise<void> => {
    for (;;) {
      if (failure) return;
      const shard = plan.take(steps.minSplitRecords, steps.pageRecords);
      if (!shard) {
        if (!plan.shards.some((s) => !s.done && s.busy)) return;
        await changed;
        continue;
      }
      shard.busy = true;
      try {
        while (!shard.done && !failure) {
          throwIfCancelled(steps.signal);
          const hiAtRequest = shard.hi;
          const page = await steps.fetch(shard, signal);
          if (failure) return;
          steps.accept(shard, page, hiAtRequest);
          notify();
          await yieldToEventLoop();
        }
      } finally {
        shard.busy = false;
        notify();
      }
    }
  };

  const running: Array<Promise<void>> = [];
  for (let i = 0; i < steps.cursors; i++) {
    running.push(
      cursor().catch((err: unknown) => {
        failure ??= { err };
        stop.abort();
        notify();
      }),
    );
  }
  await Promise.all(running);
  if (failure) throw failure.err;
}
