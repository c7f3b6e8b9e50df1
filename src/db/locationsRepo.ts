import type { Database } from 'sql.js';
import type { LocationDetails } from '../protocol/responses';
import { trackedWrite } from './connState';
import { firstRow, runChanges } from './sql';

export interface StoredLocation {
  details: LocationDetails;
  /** Epoch ms of the GHL answer it came from. */
  fetchedAt: number;
}

/** The location details GHL last gave (schema v9), one row per location. */
export class GhlLocationsRepo {
  constructor(private readonly db: Database) {}

  get(locationId: string): StoredLocation | undefined {
    const row = firstRow(this.db, 'SELECT name, time_zone, time_zone_source, fetched_at FROM ghl_locations WHERE location_id = ?', [locationId]);
    if (!row) return undefined;
    const [name, timeZone, source, fetchedAt] = row;
    if (typeof name !== 'string' || typeof timeZone !== 'string' || typeof fetchedAt !== 'number') return undefined;
    if (source !== 'location' && source !== 'machine') return undefined;
    return { details: { locationId, name, timeZone, timeZoneSource: source }, fetchedAt };
  }

  put(details: LocationDetails, fetchedAt: number): void {
    // Through trackedWrite so this write does not invalidate the contact search index.
    trackedWrite(this.db, () => runChanges(
      this.db,
      `INSERT INTO ghl_locations (location_id, name, time_zone, time_zone_source, fetched_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(location_id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
         time_zone_source = excluded.time_zone_source, fetched_at = excluded.fetched_at`,
      [details.locationId, details.name, details.timeZone, details.timeZoneSource, fetchedAt],
    ));
  }
}
