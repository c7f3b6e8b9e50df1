import type { Database } from 'sql.js';
import type { GhlContactsRepo } from '../db/contactsRepo';
import type { GhlOpportunitiesRepo } from '../db/opportunitiesRepo';
import { allRows, firstRow } from '../db/sql';
import type { Contact, Opportunity } from '../protocol/entities';

/** The few read-only aggregates the daily briefing needs, with bound parameters only. */
export class BriefingQueries {
  constructor(
    private readonly db: Database,
    private readonly contacts: GhlContactsRepo,
    private readonly opportunities: GhlOpportunitiesRepo,
  ) {}

  /** Contacts GHL created after `sinceIso` (ISO strings compare in time order). */
  newContacts(locationId: string, sinceIso: string, limit: number): { total: number; newest: Contact[] } {
    const total = Number(
      firstRow(this.db, 'SELECT count(*) FROM ghl_contacts WHERE location_id = ? AND created_at > ?', [locationId, sinceIso])?.[0] ?? 0,
    );
    const ids = allRows(
      this.db,
      'SELECT id FROM ghl_contacts WHERE location_id = ? AND created_at > ? ORDER BY created_at DESC, id LIMIT ?',
      [locationId, sinceIso, limit],
    ).map((r) => String(r[0]));
    return { total, newest: ids.map((id) => this.contacts.get(id)).filter((c): c is Contact => c !== undefined) };
  }

  openOpportunities(locationId: string, limit: number): { count: number; totalValue: number; biggest: Opportunity[] } {
    const row = firstRow(
      this.db,
      "SELECT count(*), coalesce(sum(monetary_value), 0) FROM ghl_opportunities WHERE location_id = ? AND status = 'open'",
      [locationId],
    );
    const ids = allRows(
      this.db,
      "SELECT id FROM ghl_opportunities WHERE location_id = ? AND status = 'open' ORDER BY monetary_value DESC, id LIMIT ?",
      [locationId, limit],
    ).map((r) => String(r[0]));
    return {
      count: Number(row?.[0] ?? 0),
      totalValue: Number(row?.[1] ?? 0),
      biggest: ids.map((id) => this.opportunities.get(id)).filter((o): o is Opportunity => o !== undefined),
    };
  }
}
