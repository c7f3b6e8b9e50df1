import { randomUUID } from 'node:crypto';
import { toContact, wireContact, parseRecords } from '../ghl/mappers';
import { readLocationTags } from '../ghl/followUpRecords';
import type { GhlApi } from '../ghl/api';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import type { Contact } from '../protocol/entities';
import { ExtGhlError } from '../protocol/envelope';
import type { BulkTagResult } from '../protocol/responses';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { ghlUnavailable } from './ghlUnavailable';
import { requireLocationId } from './settings';

type TagChannels = typeof C.TAGS_LIST | typeof C.CONTACTS_TAGS | typeof C.CONTACTS_BULK_TAGS | typeof C.CONTACTS_BULK_TAGS_CANCEL;

/**
 * Contacts a bulk run changes at once. GHL's rate window, not this, sets the pace (the
 * requests go at sync priority, behind the user's own and leaving them their headroom); a
 * few in flight keep the window busy when each answer takes 400 ms.
 */
export const BULK_TAG_CONCURRENCY = 4;

/** Failures after which a run stops: the rest would fail the same way. */
const FATAL_CODES: ReadonlySet<string> = new Set(['AUTH', 'FORBIDDEN', 'NOT_CONFIGURED', 'CANCELLED']);

/** GHL keeps tags in lower case, trimmed, each once. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

/** The tags after the change: `remove` out, `add` in, in the order they were. */
export function applyTagChange(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(normalizeTags(remove));
  const kept = normalizeTags(current).filter((t) => !removed.has(t));
  return normalizeTags([...kept, ...normalizeTags(add).filter((t) => !removed.has(t))]);
}

/** #17: the location's tags, a contact's tags, and many contacts' tags at once (with progress and cancel). */
export function tagHandlers(ctx: HandlerContext): Pick<HandlerTable, TagChannels> {
  const runs = new Set<AbortController>();

  /** Changes one contact's tags in GHL, then the cached contact (when there is one) through the journal. */
  const changeTags = async (
    api: GhlApi,
    id: string,
    add: string[],
    remove: string[],
    options: { signal?: AbortSignal; priority?: 'user' | 'sync' },
  ): Promise<Contact | null> => {
    const cachedBefore = ctx.repos().contacts.get(id);
    let tags = cachedBefore?.tags ?? [];
    let changed = false;
    try {
      if (add.length > 0) {
        await api.addContactTags(id, add, options);
        tags = applyTagChange(tags, add, []);
        changed = true;
      }
      if (remove.length > 0) {
        await api.removeContactTags(id, remove, options);
        tags = applyTagChange(tags, [], remove);
        changed = true;
      }
    } finally {
      // What GHL took is cached even when the second call failed: the cache follows GHL.
      if (changed && cachedBefore) {
        await ctx.recordWrite({ kind: 'contact', op: 'upsert', contact: { ...cachedBefore, tags, syncedAt: ctx.now() } });
      }
    }
    return cachedBefore ? { ...cachedBefore, tags } : null;
  };

  return {
    async [C.TAGS_LIST]() {
      const locationId = requireLocationId(ctx);
      try {
        const items = readLocationTags((await (await ctx.api()).getLocationTags(locationId)).tags);
        return { items, total: items.length, fromCache: false };
      } catch (err) {
        if (!ghlUnavailable(err)) throw err;
        // Offline (or GHL down): the tags the cached contacts carry still make a usable picker.
        const items = ctx.repos().contacts.tagsSeen(locationId).map((name) => ({ id: name, name }));
        return { items, total: items.length, fromCache: true, staleReason: err.message };
      }
    },
    async [C.CONTACTS_TAGS]({ id, add = [], remove = [] }) {
      const locationId = requireLocationId(ctx);
      const api = await ctx.api();
      const contact = await changeTags(api, id, add, remove, { priority: 'user' });
      if (contact) return ctx.repos().contacts.get(id) ?? contact;
      // Not cached: GHL's own record is the answer (and now cached).
      const { valid } = parseRecords(wireContact, [(await api.getContact(id)).contact]);
      if (!valid[0]) throw new ExtGhlError('API', 'GHL changed the tags but sent back no contact.');
      const fetched = toContact(valid[0], locationId, ctx.now());
      await ctx.recordWrite({ kind: 'contact', op: 'upsert', contact: fetched });
      return fetched;
    },
    async [C.CONTACTS_BULK_TAGS]({ ids, add = [], remove = [] }) {
      requireLocationId(ctx);
      const api = await ctx.api();
      const runId = randomUUID();
      const controller = new AbortController();
      runs.add(controller);
      const unique = [...new Set(ids)];
      const results = new Map<string, BulkTagResult>();
      let succeeded = 0;
      let failed = 0;
      let stopReason: string | null = null;
      let next = 0;
      const progress = (finished: boolean) =>
        ctx.push(C.BULK_TAGS_PROGRESS, { runId, processed: results.size, total: unique.length, succeeded, failed, finished, cancelled: controller.signal.aborted });
      const worker = async () => {
        while (next < unique.length && !controller.signal.aborted && stopReason === null) {
          const id = unique[next++]!;
          try {
            await changeTags(api, id, add, remove, { signal: controller.signal, priority: 'sync' });
            results.set(id, { id, ok: true });
            succeeded++;
          } catch (err) {
            const info = err instanceof ExtGhlError ? err : new ExtGhlError('INTERNAL', String(err));
            results.set(id, { id, ok: false, error: info.message });
            failed++;
            if (FATAL_CODES.has(info.code) && !controller.signal.aborted) stopReason = info.message;
          }
          progress(false);
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(BULK_TAG_CONCURRENCY, unique.length) }, worker));
      } finally {
        runs.delete(controller);
      }
      const notDone = controller.signal.aborted ? 'Cancelled before this contact.' : `Not tried: ${stopReason}`;
      for (const id of unique) {
        if (results.has(id)) continue;
        results.set(id, { id, ok: false, error: notDone });
        failed++;
      }
      progress(true);
      return { runId, results: unique.map((id) => results.get(id)!), succeeded, failed, cancelled: controller.signal.aborted };
    },
    async [C.CONTACTS_BULK_TAGS_CANCEL]() {
      const cancelled = runs.size > 0;
      for (const controller of runs) controller.abort();
      return { cancelled };
    },
  };
}
