import { migrate } from '../src/cacheSchema';
import { loadSqlJs } from '../src/db/sqljs';

/**
 * The seed's sync, kept as the benchmark's baseline: the deprecated GET /contacts/ 100 at
 * a time, no pacing, one INSERT (one implicit transaction) per row, all on the calling
 * thread, then one export of the whole database.
 */
export async function naiveContactsSync(baseUrl: string, token: string, locationId: string): Promise<{ synced: number; requests: number; exportMs: number }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db);
  let startAfterId: string | undefined;
  let startAfter: number | undefined;
  let synced = 0;
  let requests = 0;
  for (;;) {
    const url = new URL('/contacts/', baseUrl);
    url.searchParams.set('locationId', locationId);
    url.searchParams.set('limit', '100');
    if (startAfterId) url.searchParams.set('startAfterId', startAfterId);
    if (startAfter !== undefined) url.searchParams.set('startAfter', String(startAfter));
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Version: '2021-07-28', Accept: 'application/json' } });
    requests++;
    if (!response.ok) throw new Error(`baseline: HTTP ${response.status}`);
    const body = (await response.json()) as { contacts: any[]; meta?: { startAfterId?: string; startAfter?: number } };
    for (const c of body.contacts) {
      db.run(
        `INSERT OR REPLACE INTO ghl_contacts (id, location_id, first_name, last_name, name, email, phone, company_name,
          address1, city, state, postal_code, tags, custom_fields, created_at, updated_at, synced_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [c.id, locationId, c.firstName ?? null, c.lastName ?? null, c.contactName ?? null, c.email ?? null, c.phone ?? null,
          c.companyName ?? null, c.address1 ?? null, c.city ?? null, c.state ?? null, c.postalCode ?? null,
          JSON.stringify(c.tags ?? []), JSON.stringify(c.customFields ?? []), c.dateAdded ?? null, c.dateUpdated ?? null, Date.now()],
      );
      synced++;
    }
    if (body.contacts.length < 100 || !body.meta?.startAfterId) break;
    startAfterId = body.meta.startAfterId;
    startAfter = body.meta.startAfter;
  }
  const t = performance.now();
  db.export();
  const exportMs = performance.now() - t;
  db.close();
  return { synced, requests, exportMs };
}
