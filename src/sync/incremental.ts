import type { GhlSyncStateRepo, SyncKind } from '../db/syncStateRepo';
import type { SyncResult } from '../protocol/responses';
import { syncContacts } from './contactsSync';
import { syncOpportunities } from './opportunitiesSync';
import type { PassResult, SyncDeps } from './types';

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

/**
 * Runs one sync of `kind`, full or delta as the state says, and records it when complete.
 * A full pass counts as complete only when it saw what GHL's total says; one that failed
 * or could not be verified leaves a full pass owed, so the next sync prunes what this one
 * could not.
 */
export async function runIncrementalSync(
  deps: IncrementalDeps,
  kind: SyncKind,
  options: { full?: boolean } = {},
): Promise<SyncResult & { pipelines?: number }> {
  const startedAt = deps.now();
  const plan = chooseMode(deps, kind, options.full === true);
  const since = plan.mode === 'delta' ? { updatedSince: plan.since } : {};
  let pass: PassResult & { pipelines?: number };
  try {
    pass = kind === 'contacts' ? await syncContacts(deps, since) : await syncOpportunities(deps, since);
  } catch (err) {
    if (plan.mode === 'full') oweFullPass(deps, kind);
    throw err;
  }
  const { verified, ...result } = pass;
  const completeMode = result.mode === 'full' && !verified ? 'delta' : result.mode;
  deps.syncState.recordComplete(deps.locationId, kind, completeMode, deps.now(), new Date(startedAt - CLOCK_SKEW_MS).toISOString());
  if (result.mode === 'full' && !verified) deps.syncState.requireFullPass(deps.locationId, kind);
  deps.markDirty();
  deps.log('info', `[sync] ${kind}: ${result.mode} pass${verified ? '' : ' (not verified against GHL\'s total)'}, ${result.synced} synced, ${result.pruned} pruned, ${result.requests} requests in ${deps.now() - startedAt} ms.`);
  return result;
}

function oweFullPass(deps: IncrementalDeps, kind: SyncKind): void {
  try {
    deps.syncState.requireFullPass(deps.locationId, kind);
    deps.markDirty();
  } catch (err) {
    // The sync's own error is the one to report; this one only costs an extra full pass.
    deps.log('warn', `[sync] ${kind}: could not record that a full pass is owed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
