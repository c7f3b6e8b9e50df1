import type { GhlSyncStateRepo, SyncKind } from '../db/syncStateRepo';
import type { SyncResult } from '../protocol/responses';
import { syncContacts } from './contactsSync';
import { syncOpportunities } from './opportunitiesSync';
import type { SyncDeps } from './types';

/** A full pass (which also prunes what GHL deleted) at least this often. */
export const FULL_SYNC_EVERY_MS = 24 * 60 * 60 * 1000;
/**
 * A delta asks for changes since the previous pass *started*, minus this margin for the
 * difference between our clock and GHL's. Records changed while a pass ran are therefore
 * fetched again next time rather than missed; re-fetching a few is harmless.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface IncrementalDeps extends SyncDeps {
  syncState: GhlSyncStateRepo;
  /** Rows of this kind cached for the location (an emptied cache forces a full pass). */
  cachedCount(kind: SyncKind): number;
}

export function chooseMode(deps: IncrementalDeps, kind: SyncKind, forceFull: boolean): { mode: 'full' | 'delta'; since?: string } {
  const state = deps.syncState.get(deps.locationId, kind);
  const now = deps.now();
  const stale = !state?.lastFullSyncAt || now - state.lastFullSyncAt > FULL_SYNC_EVERY_MS;
  if (forceFull || stale || !state?.since || deps.cachedCount(kind) === 0) return { mode: 'full' };
  return { mode: 'delta', since: state.since };
}

/** Runs one sync of `kind`, full or delta as the state says, and records it when complete. */
export async function runIncrementalSync(
  deps: IncrementalDeps,
  kind: SyncKind,
  options: { full?: boolean } = {},
): Promise<SyncResult & { pipelines?: number }> {
  const startedAt = deps.now();
  const plan = chooseMode(deps, kind, options.full === true);
  const since = plan.mode === 'delta' ? { updatedSince: plan.since } : {};
  const result = kind === 'contacts' ? await syncContacts(deps, since) : await syncOpportunities(deps, since);
  deps.syncState.recordComplete(deps.locationId, kind, result.mode, deps.now(), new Date(startedAt - CLOCK_SKEW_MS).toISOString());
  deps.markDirty();
  deps.log('info', `[sync] ${kind}: ${result.mode} pass, ${result.synced} synced, ${result.pruned} pruned, ${result.requests} requests in ${deps.now() - startedAt} ms.`);
  return result;
}
