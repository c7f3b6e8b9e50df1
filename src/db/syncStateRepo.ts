import type { Database } from 'sql.js';
import { trackedWrite } from './connState';
import { firstRow, runChanges } from './sql';

export type SyncKind = 'contacts' | 'opportunities';

export interface SyncState {
  locationId: string;
  kind: SyncKind;
  /** Epoch ms of the last complete full pass (the one that also prunes deletions). */
  lastFullSyncAt: number | null;
  /** Epoch ms of the last complete pass of either mode. */
  lastSyncAt: number | null;
  /** ISO time the next delta asks GHL for changes after. */
  since: string | null;
}

/** When each kind was last synced completely, per location (schema v2). */
export class GhlSyncStateRepo {
  constructor(private readonly db: Database) {}

  get(locationId: string, kind: SyncKind): SyncState | undefined {
    const row = firstRow(
      this.db,
      'SELECT last_full_sync_at, last_sync_at, since FROM ghl_sync_state WHERE location_id = ? AND kind = ?',
      [locationId, kind],
    );
    if (!row) return undefined;
    return {
      locationId,
      kind,
      lastFullSyncAt: typeof row[0] === 'number' ? row[0] : null,
      lastSyncAt: typeof row[1] === 'number' ? row[1] : null,
      since: typeof row[2] === 'string' ? row[2] : null,
    };
  }

  /** Records a complete pass; a delta keeps the last full time. */
  recordComplete(locationId: string, kind: SyncKind, mode: 'full' | 'delta', at: number, since: string): void {
    // Through trackedWrite so this write does not invalidate the contact search index.
    trackedWrite(this.db, () => runChanges(
      this.db,
      `INSERT INTO ghl_sync_state (location_id, kind, last_full_sync_at, last_sync_at, since) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(location_id, kind) DO UPDATE SET
         last_full_sync_at = CASE WHEN ? = 'full' THEN excluded.last_sync_at ELSE ghl_sync_state.last_full_sync_at END,
         last_sync_at = excluded.last_sync_at, since = excluded.since`,
      [locationId, kind, mode === 'full' ? at : null, at, since, mode],
    ));
  }

  /** After a full pass that failed or did not match GHL's total: the next pass must be full. */
  requireFullPass(locationId: string, kind: SyncKind): void {
    trackedWrite(this.db, () => runChanges(
      this.db,
      'UPDATE ghl_sync_state SET last_full_sync_at = NULL WHERE location_id = ? AND kind = ?',
      [locationId, kind],
    ));
  }

  clear(): void {
    trackedWrite(this.db, () => runChanges(this.db, 'DELETE FROM ghl_sync_state'));
  }
}
