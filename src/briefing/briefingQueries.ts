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

  /**
   * Open deals whose value is above the MAO of their ARV estimate (most above first), and how
   * many open deals have an estimate at all.
   */
  dealsAboveMao(locationId: string, limit: number): { estimated: number; count: number; deals: Array<{ opportunity: Opportunity; arv: number; mao: number }> } {
    const from = `FROM ghl_opportunities o JOIN ghl_arv_estimates e ON e.opportunity_id = o.id
      WHERE o.location_id = ? AND o.status = 'open' AND e.arv IS NOT NULL AND e.mao IS NOT NULL`;
    const estimated = Number(firstRow(this.db, `SELECT count(*) ${from}`, [locationId])?.[0] ?? 0);
    const above = `${from} AND o.monetary_value > e.mao`;
    const total = Number(firstRow(this.db, `SELECT count(*) ${above}`, [locationId])?.[0] ?? 0);
    const rows = allRows(this.db, `SELECT o.id, e.arv, e.mao ${above} ORDER BY o.monetary_value - e.mao DESC, o.id LIMIT ?`, [locationId, limit]);
    const deals = rows.flatMap((r) => {
      const opportunity = this.opportunities.get(String(r[0]));
      return opportunity ? [{ opportunity, arv: Number(r[1]), mao: Number(r[2]) }] : [];
    });
    return { estimated, count: total, deals };
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
