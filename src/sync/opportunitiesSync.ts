import { setMaxListeners } from 'node:events';
import type { OpportunitiesSearchQuery } from '../ghl/api';
import { parseRecords, toOpportunity, toPipeline, wireOpportunity, wirePipeline, type WireOpportunity, type WirePipeline } from '../ghl/mappers';
import { PageGuard, pipelinedPull, pruneAfterPass, requireList, throwIfCancelled } from './paging';
import { cursorsFor, MAX_CURSORS } from './shardScheduler';
import type { PassResult, SyncDeps } from './types';

/** GHL's largest opportunities page. */
export const OPPORTUNITIES_PAGE_LIMIT = 100;

/**
 * Refreshes the pipelines (with their stages), then returns how many there are. Pipelines
 * GHL no longer lists are removed, so the answer must really carry the list: one without
 * it fails the sync and the cached pipelines stay as they were.
 */
export async function syncPipelines(deps: SyncDeps): Promise<number> {
  return (await refreshPipelines(deps)).length;
}

async function refreshPipelines(deps: SyncDeps): Promise<WirePipeline[]> {
  throwIfCancelled(deps.signal);
  const response = await deps.api.getPipelines(deps.locationId, deps.signal, 'sync');
  const { valid } = parseRecords(wirePipeline, requireList(response, 'pipelines', 'pipelines'));
  const syncedAt = deps.now();
  deps.pipelines.upsertMany(valid.map((p) => toPipeline(p, deps.locationId, syncedAt)));
  deps.pipelines.pruneNotIn(deps.locationId, valid.map((p) => p.id));
  deps.markDirty();
  return valid;
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
  const askedAt = Date.now();
  const pipelines = await refreshPipelines(deps);
  const answerMs = Date.now() - askedAt;
  const guard = new PageGuard('opportunities');
  let synced = 0;

  const store = (valid: WireOpportunity[]) => {
    const syncedAt = deps.now();
    deps.opportunities.upsertMany(valid.map((o) => toOpportunity(o, deps.locationId, syncedAt)));
    deps.markDirty();
    synced += valid.length;
    deps.onProgress({ kind: 'opportunities', synced, total: mode === 'full' ? Math.max(guard.reportedTotal ?? synced, synced) : synced });
  };

  // The pipelines' answer time stands in for a page's: it decides whether more cursors would be faster.
  const units = mode === 'full' ? cursorUnits(pipelines, cursorsFor(deps.api, answerMs, MAX_CURSORS)) : [];
  if (units.length > 1) await pullByUnit(deps, units, { guard, store, cursors: cursorsFor(deps.api, answerMs, units.length) });
  else await pullOne(deps, { guard, store, sinceMs });

  const { verified, pruned } = pruneAfterPass(deps, 'Opportunities', deps.opportunities, guard, mode, passStartedAt);
  deps.onProgress({ kind: 'opportunities', synced, total: synced, done: true });
  return { synced, mode, requests: deps.api.client.requestCount - requestsBefore, pruned, verified, pipelines: pipelines.length };
}

type OppsPage = { opportunities: unknown[]; meta?: { total?: number; startAfter?: number | string | null; startAfterId?: string | null } };
type OppsCursor = { startAfter: string | number; startAfterId: string };
/** One cursor's share of a sharded pass: a pipeline, or one stage of it. */
type CursorUnit = Pick<OpportunitiesSearchQuery, 'pipeline_id' | 'pipeline_stage_id'>;

/**
 * One cursor per pipeline; per stage when there are too few pipelines for the cursors the
 * budget allows (a location with one big pipeline).
 */
function cursorUnits(pipelines: WirePipeline[], cursors: number): CursorUnit[] {
  if (cursors < 2) return [];
  if (pipelines.length * 2 > cursors) return pipelines.map((p) => ({ pipeline_id: p.id }));
  return pipelines.flatMap((p) =>
    (p.stages ?? []).length > 0 ? (p.stages ?? []).map((st) => ({ pipeline_id: p.id, pipeline_stage_id: st.id })) : [{ pipeline_id: p.id }],
  );
}

/** Reads one page: its records, the cursor to the next (both halves, or none), GHL's total. */
function readPage(page: OppsPage) {
  const records = requireList(page, 'opportunities', 'opportunities');
  const { valid, invalid } = parseRecords(wireOpportunity, records);
  const meta = page.meta ?? {};
  // Both halves of the cursor, always: GHL repeats page one when startAfterId is missing.
  const cursor: OppsCursor | undefined =
    meta.startAfterId && meta.startAfter !== undefined && meta.startAfter !== null ? { startAfter: meta.startAfter, startAfterId: meta.startAfterId } : undefined;
  return { records, valid, invalid, cursor, total: typeof meta.total === 'number' ? meta.total : null };
}

/** The whole location (or a delta) with one cursor. */
async function pullOne(deps: SyncDeps, run: { guard: PageGuard; store(valid: WireOpportunity[]): void; sinceMs: number | null }): Promise<void> {
  const { guard, sinceMs } = run;
  await pipelinedPull({
    signal: deps.signal,
    fetch: (cursor: OppsCursor | undefined) =>
      deps.api.searchOpportunities(
        {
          location_id: deps.locationId,
          limit: OPPORTUNITIES_PAGE_LIMIT,
          ...(sinceMs !== null ? { order: 'updated_desc' } : {}),
          ...(cursor ?? {}),
        },
        deps.signal,
        'sync',
      ),
    parse: (page) => {
      const { records, valid: all, invalid, cursor, total } = readPage(page);
      const valid = sinceMs === null ? all : all.filter((o) => updatedMs(o.updatedAt) >= sinceMs);
      const reachedOlder = valid.length < all.length;
      guard.acceptPage(all.map((o) => o.id), cursor, total, invalid);
      // A delta ends at the first record older than its window; GHL's total counts them all.
      const next = reachedOlder ? undefined : guard.nextCursor(records.length, OPPORTUNITIES_PAGE_LIMIT, cursor);
      return { parsed: valid, next };
    },
    store: run.store,
  });
}

/**
 * A full pass with a cursor per unit, `cursors` of them at a time. Each unit has its own
 * guard (its loops, its total); the pass guard sees every page, so ids stay distinct
 * across units, and one request of one record asks GHL's total for the whole location:
 * an opportunity in a pipeline the list did not show makes the pass disagree with it, so
 * it never prunes what it could not see.
 */
async function pullByUnit(
  deps: SyncDeps,
  units: CursorUnit[],
  run: { guard: PageGuard; store(valid: WireOpportunity[]): void; cursors: number },
): Promise<void> {
  const stop = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal;
  // Every cursor's request in flight listens on it: that many listeners is no leak.
  setMaxListeners(4 * MAX_CURSORS, signal);
  const search = (query: Partial<OpportunitiesSearchQuery>) =>
    deps.api.searchOpportunities({ location_id: deps.locationId, limit: OPPORTUNITIES_PAGE_LIMIT, ...query }, signal, 'sync') as Promise<OppsPage>;
  let failure: { err: unknown } | undefined;
  const fail = (err: unknown) => {
    failure ??= { err };
    stop.abort();
  };

  // The pass guard learns GHL's total for the whole location from its own request: the
  // progress shows it, and prune decides on it.
  const locationTotal = search({ limit: 1 }).then((page) => {
    const total = readPage(page).total;
    if (total !== null) run.guard.acceptPage([], undefined, total);
    return total;
  });
  locationTotal.catch(fail);
  let nextUnit = 0;
  const cursor = async () => {
    while (!failure && nextUnit < units.length) {
      const unit = units[nextUnit++]!;
      const unitGuard = new PageGuard('opportunities');
      await pipelinedPull({
        signal,
        fetch: (at: OppsCursor | undefined) => search({ ...unit, ...(at ?? {}) }),
        parse: (page) => {
          const { records, valid, invalid, cursor: next, total } = readPage(page);
          const ids = valid.map((o) => o.id);
          unitGuard.acceptPage(ids, next, total, invalid);
          run.guard.acceptPage(ids, undefined, null, invalid);
          return { parsed: valid, next: unitGuard.nextCursor(records.length, OPPORTUNITIES_PAGE_LIMIT, next) };
        },
        store: (valid) => {
          if (!failure) run.store(valid);
        },
      });
    }
  };
  const cursors = Math.min(run.cursors, units.length);
  await Promise.all(Array.from({ length: cursors }, () => cursor().catch(fail)));
  if (failure) throw failure.err;
  await locationTotal;
  const by = units.some((u) => u.pipeline_stage_id) ? 'stages' : 'pipelines';
  deps.log('info', `[sync] opportunities: ${cursors} cursors over ${units.length} ${by}.`);
}

function updatedMs(value: string | number | null | undefined): number {
  if (typeof value === 'number') return value;
  const ms = value ? Date.parse(value) : NaN;
  // Without a date we cannot tell: keep the record rather than miss a change.
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}
