/** #18: the cached agenda in the sql.js cache (tables ghl_agenda_events, ghl_agenda_fetches), values always bound. */
import type { Database } from 'sql.js';
import { allRows, firstRow, inTransaction, num, runChanges, str } from './sql';
import type { AgendaEvent } from '../protocol/responses';

export interface AgendaFilter {
  calendarIds?: readonly string[];
  assignedTo?: string;
}

export interface CachedAgenda {
  items: AgendaEvent[];
  /** When the range was read from GHL: the last fetch when it covered the range, else the oldest row's; null when nothing is cached. */
  fetchedAt: number | null;
}

export class AgendaRepo {
  constructor(private readonly db: Database) {}

  /**
   * What GHL answered for [from, to): replaces the cached appointments starting in that range
   * (of the calendars asked for, all when none) and records the fetch.
   */
  replaceRange(locationId: string, from: number, to: number, filter: AgendaFilter, items: readonly AgendaEvent[], fetchedAt: number): void {
    inTransaction(this.db, () => {
      const params: Array<string | number> = [locationId, from, to];
      let where = 'location_id = ? AND start_ms >= ? AND start_ms < ?';
      if (filter.calendarIds?.length) {
        where += ` AND calendar_id IN (${filter.calendarIds.map(() => '?').join(', ')})`;
        params.push(...filter.calendarIds);
      }
      if (filter.assignedTo) {
        where += ' AND assigned_user_id = ?';
        params.push(filter.assignedTo);
      }
      runChanges(this.db, `DELETE FROM ghl_agenda_events WHERE ${where}`, params);
      for (const item of items) this.put(locationId, item, fetchedAt);
      if (!filter.calendarIds?.length && !filter.assignedTo) {
        runChanges(
          this.db,
          `INSERT INTO ghl_agenda_fetches (location_id, from_ms, to_ms, fetched_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(location_id) DO UPDATE SET from_ms = excluded.from_ms, to_ms = excluded.to_ms, fetched_at = excluded.fetched_at`,
          [locationId, from, to, fetchedAt],
        );
      }
    });
  }

  /** One appointment GHL just answered (booked, moved, marked): the cached agenda shows it at once. */
  upsert(locationId: string, item: AgendaEvent, at: number): void {
    this.put(locationId, item, at);
  }

  remove(locationId: string, id: string): void {
    runChanges(this.db, 'DELETE FROM ghl_agenda_events WHERE location_id = ? AND id = ?', [locationId, id]);
  }

  get(locationId: string, id: string): AgendaEvent | undefined {
    const row = firstRow(this.db, 'SELECT record FROM ghl_agenda_events WHERE location_id = ? AND id = ?', [locationId, id]);
    return row ? parseRecord(str(row[0])) : undefined;
  }

  read(locationId: string, from: number, to: number, filter: AgendaFilter): CachedAgenda {
    const rows = allRows(
      this.db,
      'SELECT record, calendar_id, assigned_user_id, fetched_at FROM ghl_agenda_events WHERE location_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id',
      [locationId, from, to],
    );
    const items: AgendaEvent[] = [];
    let oldest: number | null = null;
    for (const [record, calendarId, assigned, fetchedAt] of rows) {
      if (filter.calendarIds?.length && !filter.calendarIds.includes(str(calendarId) ?? '')) continue;
      if (filter.assignedTo && str(assigned) !== filter.assignedTo) continue;
      const item = parseRecord(str(record));
      if (!item) continue;
      items.push(item);
      oldest = oldest === null ? num(fetchedAt) : Math.min(oldest, num(fetchedAt));
    }
    const fetch = firstRow(this.db, 'SELECT from_ms, to_ms, fetched_at FROM ghl_agenda_fetches WHERE location_id = ?', [locationId]);
    const covers = fetch && num(fetch[0]) <= from && num(fetch[1]) >= to;
    return { items, fetchedAt: covers ? num(fetch[2]) : oldest };
  }

  private put(locationId: string, item: AgendaEvent, fetchedAt: number): void {
    runChanges(
      this.db,
      `INSERT INTO ghl_agenda_events (location_id, id, calendar_id, assigned_user_id, start_ms, end_ms, record, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(location_id, id) DO UPDATE SET calendar_id = excluded.calendar_id, assigned_user_id = excluded.assigned_user_id,
         start_ms = excluded.start_ms, end_ms = excluded.end_ms, record = excluded.record, fetched_at = excluded.fetched_at`,
      [
        locationId,
        item.id,
        item.calendarId,
        typeof item.assignedUserId === 'string' ? item.assignedUserId : null,
        Date.parse(item.startTime),
        Date.parse(item.endTime),
        JSON.stringify(item),
        fetchedAt,
      ],
    );
  }
}

function parseRecord(text: string | null): AgendaEvent | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    if (typeof record.id !== 'string' || typeof record.calendarId !== 'string' || typeof record.startTime !== 'string' || typeof record.endTime !== 'string') return undefined;
    return { ...record, id: record.id, calendarId: record.calendarId, startTime: record.startTime, endTime: record.endTime };
  } catch {
    return undefined;
  }
}
