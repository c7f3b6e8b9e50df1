import type { SyncProgress } from '../protocol/channels';
import type { SyncResult } from '../protocol/responses';
import type { Contact, Opportunity, Pipeline } from '../protocol/entities';
import type { GhlApi } from '../ghl/api';

/** What a sync needs from the cache; the repositories in src/db satisfy it. */
export interface UpsertPruneRepo<T> {
  upsertMany(rows: T[]): void;
  pruneNotIn(locationId: string, keepIds: Iterable<string>, syncedBefore?: number): number;
}

export interface SyncDeps {
  api: GhlApi;
  locationId: string;
  contacts: UpsertPruneRepo<Contact>;
  opportunities: UpsertPruneRepo<Opportunity>;
  pipelines: UpsertPruneRepo<Pipeline>;
  /** Schedules a (debounced) write of the cache file. */
  markDirty(): void;
  onProgress(progress: SyncProgress): void;
  now(): number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  signal?: AbortSignal;
}

/** One pass's result. `verified`: what the pass saw agrees with GHL's total, so a full pass
 * pruned and counts as complete; otherwise a full pass is still owed. */
export interface PassResult extends SyncResult {
  verified: boolean;
}
