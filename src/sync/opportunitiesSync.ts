import { parseRecords, toOpportunity, toPipeline, wireOpportunity, wirePipeline } from '../ghl/mappers';
import { PageGuard, pipelinedPull, requireList, throwIfCancelled } from './paging';
import type { PassResult, SyncDeps } from './types';

/** GHL's largest opportunities page. */
export const OPPORTUNITIES_PAGE_LIMIT = 100;

/**
 * Refreshes the pipelines (with their stages), then returns how many there are. Pipelines
 * GHL no longer lists are removed, so the answer must really carry the list: one without
 * it fails the sync and the cached pipelines stay as they were.
 */
export async function syncPipelines(deps: SyncDeps): Promise<number> {
  throwIfCancelled(deps.signal);
  const response = await deps.api.getPipelines(deps.locationId, deps.signal);
  const { valid } = parseRecords(wirePipeline, requireList(response, 'pipelines', 'pipelines'));
  const syncedAt = deps.now();
  deps.pipelines.upsertMany(valid.map((p) => toPipeline(p, deps.locationId, syncedAt)));
  deps.pipelines.pruneNotIn(deps.locationId, valid.map((p) => p.id));
  deps.markDirty();
  return valid.length;
}

/**
 * Pulls every opportunity with GET /opportunities/search and the `startAfter` +
 * `startAfterId` cursor from `meta` (both are needed: GHL repeats page one when only
 * `startAfter` is sent). Pipelines are refreshed first so stages resolve.
 */
export async function syncOpportunities(
  deps: SyncDeps,
  options: { updatedSince?: string } = {},
): Promise<PassResult & { pipelines: number }> {
  const mode = options.updatedSince ? 'delta' : 'full';
  // Rows cached after this were written while the pass ran (the user, another window): not its to prune.
  const passStartedAt = deps.now();
  // A delta walks the most recently updated first and stops at the first older one.
  const sinceMs = options.updatedSince ? Date.parse(options.updatedSince) : null;
  const requestsBefore = deps.api.client.requestCount;
  const pipelines = await syncPipelines(deps);
  const guard = new PageGuard('opportunities');
  let synced = 0;

  await pipelinedPull({
    signal: deps.signal,
    fetch: (cursor: { startAfter: string | number; startAfterId: string } | undefined) =>
      deps.api.searchOpportunities(
        {
          location_id: deps.locationId,
          limit: OPPORTUNITIES_PAGE_LIMIT,
          ...(sinceMs !== null ? { order: 'updated_desc' } : {}),
          ...(cursor ?? {}),
        },
        deps.signal,
      ),
    parse: (page) => {
      const records = requireList(page, 'opportunities', 'opportunities');
      const { valid: all, invalid } = parseRecords(wireOpportunity, records);
      const valid = sinceMs === null ? all : all.filter((o) => updatedMs(o.updatedAt) >= sinceMs);
      const reachedOlder = valid.length < all.length;
      const meta = page.meta ?? {};
      // Both halves of the cursor, always: GHL repeats page one when startAfterId is missing.
      const cursor =
        meta.startAfterId && meta.startAfter !== undefined && meta.startAfter !== null
          ? { startAfter: meta.startAfter, startAfterId: meta.startAfterId }
          : undefined;
      guard.acceptPage(all.map((o) => o.id), cursor, typeof meta.total === 'number' ? meta.total : null, invalid);
      // A delta ends at the first record older than its window; GHL's total counts them all.
      const next = reachedOlder ? undefined : guard.nextCursor(records.length, OPPORTUNITIES_PAGE_LIMIT, cursor);
      return { parsed: valid, next };
    },
    store: (valid) => {
      const syncedAt = deps.now();
      deps.opportunities.upsertMany(valid.map((o) => toOpportunity(o, deps.locationId, syncedAt)));
      deps.markDirty();
      synced += valid.length;
      deps.onProgress({ kind: 'opportunities', synced, total: mode === 'full' ? Math.max(guard.reportedTotal ?? synced, synced) : synced });
    },
  });

  const verified = guard.agreesWithTotal();
  let pruned = 0;
  if (mode === 'full' && verified) {
    pruned = deps.opportunities.pruneNotIn(deps.locationId, guard.seen, passStartedAt);
    if (pruned > 0) deps.markDirty();
  } else if (mode === 'full') {
    deps.log('warn', `Opportunities: the full pass saw ${guard.accounted} of the ${guard.reportedTotal ?? 'unreported'} GHL reports; nothing pruned, the next sync is a full pass again.`);
  }
  deps.onProgress({ kind: 'opportunities', synced, total: synced, done: true });
  return { synced, mode, requests: deps.api.client.requestCount - requestsBefore, pruned, verified, pipelines };
}

function updatedMs(value: string | number | null | undefined): number {
  if (typeof value === 'number') return value;
  const ms = value ? Date.parse(value) : NaN;
  // Without a date we cannot tell: keep the record rather than miss a change.
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}
