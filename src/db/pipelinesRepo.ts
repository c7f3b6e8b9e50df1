import type { Database, SqlValue } from 'sql.js';
import type { Pipeline } from '../protocol/entities';
import { trackedWrite } from './connState';
import { jsonArray, parseStages } from './rows';
import { allRows, deleteIds, firstRow, idsNotIn, num, runChanges, str, withStatement } from './sql';

const COLUMNS = 'id, location_id, name, stages, synced_at';

const UPSERT_SQL = `INSERT INTO ghl_pipelines (${COLUMNS}) VALUES (?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
  location_id = excluded.location_id, name = excluded.name, stages = excluded.stages, synced_at = excluded.synced_at`;

function toParams(p: Pipeline): SqlValue[] {
  return [p.id, p.locationId, p.name, jsonArray(p.stages), p.syncedAt];
}

function fromRow(r: SqlValue[]): Pipeline {
  return {
    id: str(r[0]) ?? '',
    locationId: str(r[1]) ?? '',
    name: str(r[2]) ?? '',
    stages: parseStages(r[3]),
    syncedAt: num(r[4]),
  };
}

/** The cached pipelines (with their stages). Every method is synchronous and atomic. */
export class GhlPipelinesRepo {
  constructor(private readonly db: Database) {}

  upsert(p: Pipeline): void {
    trackedWrite(this.db, () => this.db.run(UPSERT_SQL, toParams(p)));
  }

  /** All or nothing: one transaction, one prepared statement; any bad row rolls back all. */
  upsertMany(pipelines: Iterable<Pipeline>): number {
    return trackedWrite(this.db, () =>
      withStatement(this.db, UPSERT_SQL, (stmt) => {
        let n = 0;
        for (const p of pipelines) {
          stmt.run(toParams(p));
          n++;
        }
        return n;
      }),
    );
  }

  get(id: string): Pipeline | undefined {
    const row = firstRow(this.db, `SELECT ${COLUMNS} FROM ghl_pipelines WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /** All pipelines (of one location if given), sorted by name ignoring case, then id. */
  list(locationId?: string): Pipeline[] {
    const rows =
      locationId === undefined
        ? allRows(this.db, `SELECT ${COLUMNS} FROM ghl_pipelines ORDER BY name COLLATE NOCASE, id`)
        : allRows(this.db, `SELECT ${COLUMNS} FROM ghl_pipelines WHERE location_id = ? ORDER BY name COLLATE NOCASE, id`, [
            locationId,
          ]);
    return rows.map(fromRow);
  }

  delete(id: string): boolean {
    return trackedWrite(this.db, () => runChanges(this.db, 'DELETE FROM ghl_pipelines WHERE id = ?', [id]) > 0);
  }

  /** Deletes the location's pipelines whose id is not in `keepIds`; returns how many. */
  pruneNotIn(locationId: string, keepIds: Iterable<string>): number {
    return trackedWrite(this.db, () =>
      deleteIds(this.db, 'ghl_pipelines', idsNotIn(this.db, 'ghl_pipelines', locationId, keepIds)),
    );
  }

  count(locationId?: string): number {
    const row =
      locationId === undefined
        ? firstRow(this.db, 'SELECT COUNT(*) FROM ghl_pipelines')
        : firstRow(this.db, 'SELECT COUNT(*) FROM ghl_pipelines WHERE location_id = ?', [locationId]);
    return num(row?.[0]);
  }

  clear(): void {
    trackedWrite(this.db, () => this.db.run('DELETE FROM ghl_pipelines'));
  }
}
