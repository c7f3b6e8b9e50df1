import type { SyncResult } from '../protocol/responses';
import { parseRecords, toContact, wireContact, type WireContact } from '../ghl/mappers';
import { PageGuard, pipelinedPull } from './paging';
import type { SyncDeps } from './types';

/** GHL's largest contacts page. */
export const CONTACTS_PAGE_LIMIT = 500;

export interface ContactsSyncOptions {
  /** Delta sync: only contacts updated at or after this ISO time; no pruning. */
  updatedSince?: string;
}

type Cursor = Array<string | number>;

/**
 * Pulls contacts with POST /contacts/search and the `searchAfter` cursor (page numbers stop
 * at 10,000 records). Each page is upserted in its own transaction and announced as
 * progress; rows GHL no longer has are pruned only after a complete full pass.
 */
export async function syncContacts(deps: SyncDeps, options: ContactsSyncOptions = {}): Promise<SyncResult> {
  const mode = options.updatedSince ? 'delta' : 'full';
  const guard = new PageGuard('contacts');
  const requestsBefore = deps.api.client.requestCount;
  const sortField = options.updatedSince ? 'dateUpdated' : 'dateAdded';
  let synced = 0;
  let total: number | null = null;
  let skipped = 0;

  await pipelinedPull({
    signal: deps.signal,
    fetch: (cursor: Cursor | undefined) =>
      deps.api.searchContacts(
        {
          locationId: deps.locationId,
          pageLimit: CONTACTS_PAGE_LIMIT,
          ...(cursor ? { searchAfter: cursor } : {}),
          ...(options.updatedSince
            ? {
                filters: [{ field: 'dateUpdated', operator: 'range', value: { gte: options.updatedSince } }],
                sort: [{ field: 'dateUpdated', direction: 'asc' as const }],
              }
            : {}),
        },
        deps.signal,
      ),
    parse: (page) => {
      const records = Array.isArray(page.contacts) ? page.contacts : [];
      if (typeof page.total === 'number') total = page.total;
      const { valid, invalid } = parseRecords(wireContact, records);
      skipped += invalid;
      const last = valid.at(-1);
      const cursor = last ? cursorOf(last, sortField) : undefined;
      guard.acceptPage(valid.map((c) => c.id), cursor, total);
      const exhausted = records.length < CONTACTS_PAGE_LIMIT || (total !== null && guard.seen.size >= total);
      return { parsed: valid, next: exhausted ? undefined : cursor };
    },
    store: (valid) => {
      const syncedAt = deps.now();
      deps.contacts.upsertMany(valid.map((c) => toContact(c, deps.locationId, syncedAt)));
      deps.markDirty();
      synced += valid.length;
      deps.onProgress({ kind: 'contacts', synced, total: Math.max(total ?? synced, synced) });
    },
  });

  let pruned = 0;
  if (mode === 'full') {
    pruned = deps.contacts.pruneNotIn(deps.locationId, guard.seen);
    if (pruned > 0) deps.markDirty();
  }
  if (skipped > 0) deps.log('warn', `Contacts sync skipped ${skipped} record(s) without an id.`);
  deps.onProgress({ kind: 'contacts', synced, total: synced, done: true });
  return { synced, mode, requests: deps.api.client.requestCount - requestsBefore, pruned };
}

function cursorOf(contact: WireContact, field: 'dateAdded' | 'dateUpdated'): Cursor | undefined {
  if (contact.searchAfter && contact.searchAfter.length > 0) return contact.searchAfter;
  const value = contact[field];
  const ms = typeof value === 'number' ? value : value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? [ms, contact.id] : undefined;
}
