import type { Database, SqlValue } from 'sql.js';
import { OPPORTUNITY_STATUSES, type Opportunity, type OpportunityStatus } from '../protocol/entities';
import type { ListResult } from './contactsRepo';
import { trackedWrite } from './connState';
import { jsonArray, parseCustomFields } from './rows';
import { allRows, bindable, deleteIds, firstRow, idsNotIn, num, runChanges, str, toInt, withStatement } from './sql';

export interface OpportunityListOptions {
  locationId?: string;
  pipelineId?: string;
  status?: OpportunityStatus;
  stageId?: string;
  contactId?: string;
  minValue?: number;
  maxValue?: number;
  /** Only those last updated at or before this time (epoch ms); undated ones never match. */
  updatedBefore?: number;
  /** Only those whose cached contact carries this tag (trimmed, lower case, as GHL keeps tags). */
  contactTag?: string;
  /** Default 'updated' (newest first). */
  sort?: OpportunityListSort;
  limit: number;
  offset: number;
}

export type OpportunityListSort = 'updated' | 'value' | 'stale' | 'created';

const ORDER_BY: Record<OpportunityListSort, string> = {
  updated: 'updated_at DESC, id',
  value: 'monetary_value DESC, id',
  // Oldest change first; undated last.
  stale: 'updated_at IS NULL, updated_at ASC, id',
  created: 'created_at DESC, id',
};

export interface StageSummary {
  stageId: string;
  count: number;
  /** Sum of monetary_value over the stage's opportunities. */
  totalValue: number;
}

export interface StageSummaryOptions {
  locationId?: string;
  status?: OpportunityStatus;
}

const COLUMNS =
  'id, location_id, name, pipeline_id, pipeline_stage_id, status, monetary_value, contact_id, contact_name, ' +
  'assigned_to, source, custom_fields, created_at, updated_at, synced_at';

const UPSERT_SQL = `INSERT INTO ghl_opportunities (${COLUMNS})
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
  location_id = excluded.location_id, name = excluded.name, pipeline_id = excluded.pipeline_id,
  pipeline_stage_id = excluded.pipeline_stage_id, status = excluded.status, monetary_value = excluded.monetary_value,
  contact_id = excluded.contact_id, contact_name = excluded.contact_name, assigned_to = excluded.assigned_to,
  source = excluded.source, custom_fields = excluded.custom_fields, created_at = excluded.created_at,
  updated_at = excluded.updated_at, synced_at = excluded.synced_at`;

const STATUSES: ReadonlySet<string> = new Set(OPPORTUNITY_STATUSES);

function toParams(o: Opportunity): SqlValue[] {
  const value = typeof o.monetaryValue === 'number' && Number.isFinite(o.monetaryValue) ? o.monetaryValue : 0;
  return [
    o.id,
    o.locationId,
    o.name,
    o.pipelineId,
    o.pipelineStageId,
    o.status,
    value,
    bindable(o.contactId),
    bindable(o.contactName),
    bindable(o.assignedTo),
    bindable(o.source),
    jsonArray(o.customFields),
    bindable(o.createdAt),
    bindable(o.updatedAt),
    o.syncedAt,
  ];
}

function toStatus(v: SqlValue | undefined): OpportunityStatus {
  return typeof v === 'string' && STATUSES.has(v) ? (v as OpportunityStatus) : 'open';
}

function fromRow(r: SqlValue[]): Opportunity {
  return {
    id: str(r[0]) ?? '',
    locationId: str(r[1]) ?? '',
    name: str(r[2]) ?? '',
    pipelineId: str(r[3]) ?? '',
    pipelineStageId: str(r[4]) ?? '',
    status: toStatus(r[5]),
    monetaryValue: num(r[6]),
    contactId: str(r[7]),
    contactName: str(r[8]),
    assignedTo: str(r[9]),
    source: str(r[10]),
    customFields: parseCustomFields(r[11]),
    createdAt: str(r[12]),
    updatedAt: str(r[13]),
    syncedAt: num(r[14]),
  };
}

/** The cached opportunities. Every method is synchronous and atomic. */
export class GhlOpportunitiesRepo {
  constructor(private readonly db: Database) {}

  upsert(o: Opportunity): void {
    trackedWrite(this.db, () => this.db.run(UPSERT_SQL, toParams(o)));
  }

  /** All or nothing: one transaction, one prepared statement; any bad row rolls back all. */
  upsertMany(opportunities: Iterable<Opportunity>): number {
    return trackedWrite(this.db, () =>
      withStatement(this.db, UPSERT_SQL, (stmt) => {
        let n = 0;
        for (const o of opportunities) {
          stmt.run(toParams(o));
          n++;
        }
        return n;
      }),
    );
  }

  get(id: string): Opportunity | undefined {
    const row = firstRow(this.db, `SELECT ${COLUMNS} FROM ghl_opportunities WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /** One page sorted by updated_at, newest first (undated last), then id; and the total. */
  list(options: OpportunityListOptions): ListResult<Opportunity> & { totalValue: number } {
    const where: string[] = [];
    const params: Record<string, SqlValue> = {};
    if (options.locationId !== undefined) {
      where.push('location_id = $loc');
      params.$loc = options.locationId;
    }
    if (options.pipelineId !== undefined) {
      where.push('pipeline_id = $pipeline');
      params.$pipeline = options.pipelineId;
    }
    if (options.stageId !== undefined) {
      where.push('pipeline_stage_id = $stage');
      params.$stage = options.stageId;
    }
    if (options.status !== undefined) {
      where.push('status = $status');
      params.$status = options.status;
    }
    if (options.contactId !== undefined) {
      where.push('contact_id = $contact');
      params.$contact = options.contactId;
    }
    if (options.minValue !== undefined) {
      where.push('monetary_value >= $minValue');
      params.$minValue = options.minValue;
    }
    if (options.maxValue !== undefined) {
      where.push('monetary_value <= $maxValue');
      params.$maxValue = options.maxValue;
    }
    if (options.updatedBefore !== undefined) {
      // updated_at is GHL's ISO text; ISO strings in UTC order like the times they stand for.
      where.push('updated_at IS NOT NULL AND updated_at <= $updatedBefore');
      params.$updatedBefore = new Date(options.updatedBefore).toISOString();
    }
    const contactTag = options.contactTag?.trim().toLowerCase();
    if (contactTag) {
      // One primary-key lookup of the deal's contact per row; the tag is bound, never spliced.
      where.push(
        `EXISTS (SELECT 1 FROM ghl_contacts c, json_each(CASE WHEN json_valid(c.tags) THEN c.tags ELSE '[]' END) t
         WHERE c.id = ghl_opportunities.contact_id AND t.type = 'text' AND lower(trim(t.value)) = $contactTag)`,
      );
      params.$contactTag = contactTag;
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const counted = firstRow(this.db, `SELECT COUNT(*), TOTAL(monetary_value) FROM ghl_opportunities ${whereSql}`, params);
    const total = num(counted?.[0]);
    const rows = allRows(
      this.db,
      `SELECT ${COLUMNS} FROM ghl_opportunities ${whereSql}
       ORDER BY ${ORDER_BY[options.sort ?? 'updated']} LIMIT $limit OFFSET $offset`,
      { ...params, $limit: toInt(options.limit, 50, 0), $offset: toInt(options.offset, 0, 0) },
    );
    return { items: rows.map(fromRow), total, totalValue: num(counted?.[1]) };
  }

  /**
   * Count and summed monetary value per stage of a pipeline (only stages that have
   * opportunities), ordered by stage id; callers order by the pipeline's stage positions.
   */
  stageSummary(pipelineId: string, options: StageSummaryOptions = {}): StageSummary[] {
    const where = ['pipeline_id = $pipeline'];
    const params: Record<string, SqlValue> = { $pipeline: pipelineId };
    if (options.locationId !== undefined) {
      where.push('location_id = $loc');
      params.$loc = options.locationId;
    }
    if (options.status !== undefined) {
      where.push('status = $status');
      params.$status = options.status;
    }
    return allRows(
      this.db,
      `SELECT pipeline_stage_id, COUNT(*), TOTAL(monetary_value) FROM ghl_opportunities
       WHERE ${where.join(' AND ')} GROUP BY pipeline_stage_id ORDER BY pipeline_stage_id`,
      params,
    ).map((r) => ({ stageId: str(r[0]) ?? '', count: num(r[1]), totalValue: num(r[2]) }));
  }

  delete(id: string): boolean {
    return trackedWrite(this.db, () => runChanges(this.db, 'DELETE FROM ghl_opportunities WHERE id = ?', [id]) > 0);
  }

  /**
   * Deletes the location's opportunities whose id is not in `keepIds`; returns how many. With
   * `syncedBefore`, only rows cached before then: a row written while a full pass ran (the
   * user's own write, another window's) was never in the pass's view and stays.
   */
  pruneNotIn(locationId: string, keepIds: Iterable<string>, syncedBefore?: number): number {
    return trackedWrite(this.db, () =>
      deleteIds(this.db, 'ghl_opportunities', idsNotIn(this.db, 'ghl_opportunities', locationId, keepIds, syncedBefore)),
    );
  }

  count(locationId?: string): number {
    const row =
      locationId === undefined
        ? firstRow(this.db, 'SELECT COUNT(*) FROM ghl_opportunities')
        : firstRow(this.db, 'SELECT COUNT(*) FROM ghl_opportunities WHERE location_id = ?', [locationId]);
    return num(row?.[0]);
  }

  clear(): void {
    trackedWrite(this.db, () => this.db.run('DELETE FROM ghl_opportunities'));
  }
}
