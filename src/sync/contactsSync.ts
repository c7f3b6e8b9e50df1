import { parseRecords, toContact, wireContact, type WireContact } from '../ghl/mappers';
import { PageGuard, pipelinedPull, requireList } from './paging';
import type { PassResult, SyncDeps } from './types';

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
 * progress; rows GHL no longer has are pruned only after a full pass that saw what GHL's
 * total says it has.
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
      const records = requireList(page, 'contacts', 'contacts');
      const { valid, invalid } = parseRecords(wireContact, records);
      skipped += invalid;
      const last = valid.at(-1);
      const cursor = last ? cursorOf(last, sortField) : undefined;
      guard.acceptPage(valid.map((c) => c.id), cursor, typeof page.total === 'number' ? page.total : null, invalid);
      return { parsed: valid, next: guard.nextCursor(records.length, CONTACTS_PAGE_LIMIT, cursor) };
    },
    store: (valid) => {
      const syncedAt = deps.now();
      deps.contacts.upsertMany(valid.map((c) => toContact(c, deps.locationId, syncedAt)));
      deps.markDirty();
      synced += valid.length;
      deps.onProgress({ kind: 'contacts', synced, total: Math.max(guard.reportedTotal ?? synced, synced) });
    },
  });

  const verified = guard.agreesWithTotal();
  let pruned = 0;
  if (mode === 'full' && verified) {
    pruned = deps.contacts.pruneNotIn(deps.locationId, guard.seen, passStartedAt);
    if (pruned > 0) deps.markDirty();
  } else if (mode === 'full') {
    deps.log('warn', `Contacts: the full pass saw ${guard.accounted} of the ${guard.reportedTotal ?? 'unreported'} GHL reports; nothing pruned, the next sync is a full pass again.`);
  }
  if (skipped > 0) deps.log('warn', `Contacts sync skipped ${skipped} record(s) without an id.`);
  deps.onProgress({ kind: 'contacts', synced, total: synced, done: true });
  return { synced, mode, requests: deps.api.client.requestCount - requestsBefore, pruned, verified };
}

function cursorOf(contact: WireContact, field: 'dateAdded' | 'dateUpdated'): Cursor | undefined {
  if (contact.searchAfter && contact.searchAfter.length > 0) return contact.searchAfter;
  const value = contact[field];
  const ms = typeof value === 'number' ? value : value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? [ms, contact.id] : undefined;
}
