import type { ContactsSearchBody } from '../ghl/api';
import { parseRecords, toContact, wireContact, type WireContact } from '../ghl/mappers';
import { ExtGhlError } from '../protocol/envelope';
import { PageGuard, pipelinedPull, pruneAfterPass, requireList, throwIfCancelled, totalMargin } from './paging';
import { ShardPlan, type Shard } from './shardPlan';
import { CLEARLY_SLOW_ANSWER_MS, cursorsFor, runShards } from './shardScheduler';
import type { PassResult, SyncDeps } from './types';

/** GHL's largest contacts page. */
export const CONTACTS_PAGE_LIMIT = 500;
/**
 * Contact cursors at most: a page of 500 takes ~30 ms to parse and store, so 8 pages
 * arriving together hold the worker ~0.25 s, which a user action answered meanwhile waits
 * out (16 gained nothing measurable at 50k: the window, not the cursors, sets the pace).
 */
const MAX_CONTACT_CURSORS = 8;

export interface ContactsSyncOptions {
  /** Delta sync: only contacts updated at or after this ISO time; no pruning. */
  updatedSince?: string;
}

type Cursor = Array<string | number>;
type ContactsPage = { contacts: unknown[]; total?: number };

/**
 * Pulls contacts with POST /contacts/search and the `searchAfter` cursor (page numbers stop
 * at 10,000 records). A full pass whose answers are slow next to GHL's rate window runs
 * several cursors over disjoint `dateAdded` shards (see shardPlan.ts); a delta, or a pass
 * one cursor can keep up with, runs one. Each page is upserted in its own transaction and
 * announced as progress; rows GHL no longer has are pruned only after a full pass in
 * which every shard completed and that saw what GHL's total says it has.
 */
export async function syncContacts(deps: SyncDeps, options: ContactsSyncOptions = {}): Promise<PassResult> {
  const mode = options.updatedSince ? 'delta' : 'full';
  // Rows cached after this were written while the pass ran (the user, another window): not its to prune.
  const passStartedAt = deps.now();
  const guard = new PageGuard('contacts');
  const requestsBefore = deps.api.client.requestCount;
  const sortField = options.updatedSince ? 'dateUpdated' : 'dateAdded';
  let synced = 0;
  let skipped = 0;

  const search = (body: Omit<ContactsSearchBody, 'locationId'>, signal = deps.signal) =>
    deps.api.searchContacts({ locationId: deps.locationId, ...body }, signal, 'sync') as Promise<ContactsPage>;
  const store = (valid: WireContact[]) => {
    const syncedAt = deps.now();
    deps.contacts.upsertMany(valid.map((c) => toContact(c, deps.locationId, syncedAt)));
    deps.markDirty();
    synced += valid.length;
    deps.onProgress({ kind: 'contacts', synced, total: Math.max(guard.reportedTotal ?? synced, synced) });
  };
  const pull = (from: Cursor | undefined) =>
    pipelinedPull({
      signal: deps.signal,
      from,
      fetch: (cursor: Cursor | undefined) =>
        search({
          pageLimit: CONTACTS_PAGE_LIMIT,
          ...(cursor ? { searchAfter: cursor } : {}),
          ...(options.updatedSince
            ? {
                filters: [{ field: 'dateUpdated', operator: 'range', value: { gte: options.updatedSince } }],
                sort: [{ field: 'dateUpdated', direction: 'asc' as const }],
              }
            : {}),
        }),
      parse: (page) => {
        const records = requireList(page, 'contacts', 'contacts');
        const { valid, invalid } = parseRecords(wireContact, records);
        skipped += invalid;
        const last = valid.at(-1);
        const cursor = last ? cursorOf(last, sortField) : undefined;
        guard.acceptPage(valid.map((c) => c.id), cursor, typeof page.total === 'number' ? page.total : null, invalid);
        return { parsed: valid, next: guard.nextCursor(records.length, CONTACTS_PAGE_LIMIT, cursor) };
      },
      store,
    });

  if (mode === 'delta') await pull(undefined);
  else {
    // The first page is fetched alone: it tells GHL's total, the oldest record, how long an
    // answer takes and how long storing a page takes, which decide whether more cursors
    // would be any faster. A first answer that is neither clearly fast nor clearly slow
    // may be a cold local GHL as much as a fast remote one: the second page's (warm)
    // decides. Nothing else is asked before the shards start: `now` bounds the span (the
    // top shard is open above, so it is only a guess to split by).
    let oldest = NaN;
    let position = NaN;
    let next: Cursor | undefined;
    let cursors = 1;
    for (let page = 0; page < 2; page++) {
      throwIfCancelled(deps.signal);
      const askedAt = deps.now();
      const answer = await search({ pageLimit: CONTACTS_PAGE_LIMIT, ...(next ? { searchAfter: next } : {}) });
      const answerMs = deps.now() - askedAt;
      const records = requireList(answer, 'contacts', 'contacts');
      const { valid, invalid } = parseRecords(wireContact, records);
      skipped += invalid;
      const last = valid.at(-1);
      const cursor = last ? cursorOf(last, 'dateAdded') : undefined;
      guard.acceptPage(valid.map((c) => c.id), cursor, typeof answer.total === 'number' ? answer.total : null, invalid);
      next = guard.nextCursor(records.length, CONTACTS_PAGE_LIMIT, cursor);
      if (page === 0 && valid.length > 0) oldest = addedMs(valid[0]!);
      if (last) position = addedMs(last);
      const storeStarted = performance.now();
      store(valid);
      const storeMs = performance.now() - storeStarted;
      if (next === undefined) break;
      const pagesLeft = Math.ceil(((guard.reportedTotal ?? 0) - guard.accounted) / CONTACTS_PAGE_LIMIT);
      cursors = cursorsFor(deps.api, answerMs, pagesLeft, storeMs, MAX_CONTACT_CURSORS);
      deps.log('info', `[sync] contacts: page ${page + 1} answered in ${Math.round(answerMs)} ms, stored in ${Math.round(storeMs)} ms: ${cursors} cursor(s).`);
      if (cursors <= 1 || answerMs >= CLEARLY_SLOW_ANSWER_MS) break;
    }
    if (next !== undefined) {
      const total = guard.reportedTotal ?? 0;
      if (cursors > 1 && Number.isFinite(oldest) && Number.isFinite(position)) {
        await shardedPull(deps, {
          cursors,
          search,
          store,
          guard,
          onSkipped: (n) => (skipped += n),
          first: { lo: oldest, hi: Math.max(deps.now(), position) + 1, position, cursor: next, accounted: guard.accounted, estimate: total - guard.accounted },
        });
      } else await pull(next);
    }
  }

  const { verified, pruned } = pruneAfterPass(deps, 'Contacts', deps.contacts, guard, mode, passStartedAt);
  if (skipped > 0) deps.log('warn', `Contacts sync skipped ${skipped} record(s) without an id.`);
  deps.onProgress({ kind: 'contacts', synced, total: synced, done: true });
  return { synced, mode, requests: deps.api.client.requestCount - requestsBefore, pruned, verified };
}

/**
 * The rest of a full pass over `dateAdded` shards of [oldest, now]. The pass guard sees
 * every page, so ids stay distinct across shards and GHL's location total still decides
 * whether the pass may prune.
 */
async function shardedPull(
  deps: SyncDeps,
  run: {
    cursors: number;
    search(body: Omit<ContactsSearchBody, 'locationId'>, signal?: AbortSignal): Promise<ContactsPage>;
    store(valid: WireContact[]): void;
    guard: PageGuard;
    onSkipped(n: number): void;
    first: { lo: number; hi: number; position: number; cursor: Cursor; accounted: number; estimate: number };
  },
): Promise<void> {
  throwIfCancelled(deps.signal);
  const plan = new ShardPlan(run.first);
  plan.tile(run.cursors, CONTACTS_PAGE_LIMIT);
  const planned = plan.shards.length;

  await runShards<ContactsPage>({
    plan,
    cursors: run.cursors,
    minSplitRecords: 2 * CONTACTS_PAGE_LIMIT,
    pageRecords: CONTACTS_PAGE_LIMIT,
    signal: deps.signal,
    fetch: (shard, signal) =>
      run.search(
        {
          pageLimit: CONTACTS_PAGE_LIMIT,
          ...(shard.cursor ? { searchAfter: shard.cursor } : {}),
          ...rangeOf(shard),
          sort: [{ field: 'dateAdded', direction: 'asc' }],
        },
        signal,
      ),
    accept: (shard, page, hiAtRequest) => acceptShardPage(shard, page, hiAtRequest, run),
  });
  deps.log('info', `[sync] contacts: ${run.cursors} cursors over ${planned} shards, ${plan.shards.length - planned} more split off while running.`);
}

function acceptShardPage(
  shard: Shard,
  page: ContactsPage,
  hiAtRequest: number,
  run: { store(valid: WireContact[]): void; guard: PageGuard; onSkipped(n: number): void },
): void {
  const records = requireList(page, 'contacts', 'contacts');
  const { valid, invalid } = parseRecords(wireContact, records);
  run.onSkipped(invalid);
  // The shard may have been split while this page was asked for: what lies past its
  // upper bound now is another shard's, and this one has reached its end.
  const beyond = (c: WireContact) => !shard.openAbove && addedMs(c) >= shard.hi;
  const before = (c: WireContact) => !shard.openBelow && addedMs(c) < shard.lo;
  const mine = valid.filter((c) => !beyond(c) && !before(c));
  const reachedEnd = valid.some(beyond);
  const last = valid.at(-1);
  const cursor = last ? cursorOf(last, 'dateAdded') : undefined;
  const key = cursor === undefined ? null : JSON.stringify(cursor);
  if (key !== null && key === shard.lastCursorKey) {
    throw new ExtGhlError('API', 'GHL returned the same contacts cursor twice; stopped to avoid a loop. Records fetched so far are kept.');
  }
  shard.lastCursorKey = key;
  const fresh = run.guard.acceptPage(mine.map((c) => c.id), undefined, null, invalid);
  shard.accounted += fresh + invalid;
  shard.cursor = cursor;
  const lastMine = mine.at(-1);
  if (lastMine && Number.isFinite(addedMs(lastMine))) shard.position = Math.max(shard.position, addedMs(lastMine));

  const total = typeof page.total === 'number' && hiAtRequest === shard.hi ? page.total : null;
  const fullPage = records.length >= CONTACTS_PAGE_LIMIT && cursor !== undefined;
  shard.estimate = total !== null ? Math.max(0, total - shard.accounted) : Math.max(0, shard.estimate - mine.length);
  if (reachedEnd || (total !== null && shard.accounted >= total)) shard.done = true;
  else if (!fullPage) {
    // A short page ends the shard only when GHL's total for its range agrees (within the margin).
    if (total !== null && total - shard.accounted > totalMargin(total)) {
      throw new ExtGhlError(
        'API',
        `GHL's contacts pages for one date range ended after ${shard.accounted} of the ${total} it reported; stopped without removing anything. Records fetched so far are kept.`,
        { seen: shard.accounted, total },
      );
    }
    shard.done = true;
  }
  run.store(mine);
}

function rangeOf(shard: Shard): Pick<ContactsSearchBody, 'filters'> {
  const value = {
    ...(shard.openBelow ? {} : { gte: new Date(shard.lo).toISOString() }),
    ...(shard.openAbove ? {} : { lt: new Date(shard.hi).toISOString() }),
  };
  return Object.keys(value).length > 0 ? { filters: [{ field: 'dateAdded', operator: 'range', value }] } : {};
}

function addedMs(contact: WireContact): number {
  const value = contact.dateAdded;
  return typeof value === 'number' ? value : value ? Date.parse(value) : NaN;
}

function cursorOf(contact: WireContact, field: 'dateAdded' | 'dateUpdated'): Cursor | undefined {
  if (contact.searchAfter && contact.searchAfter.length > 0) return contact.searchAfter;
  const value = contact[field];
  const ms = typeof value === 'number' ? value : value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? [ms, contact.id] : undefined;
}
