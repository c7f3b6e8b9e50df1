/**
 * #18: the cached agenda, as the calendar feature's own migration (src/cacheSchema.ts lists it).
 * The appointments of the last ranges read from GHL, so the Calendar view opens at once and
 * offline; each range read is recorded with when, so a view can say how old what it shows is.
 */
import type { Migration } from './migrations';

/** The one place this migration's number lives (the integrator renumbers it at a merge). */
export const AGENDA_MIGRATION_VERSION = 6;

export const AGENDA_MIGRATION: Migration = {
  version: AGENDA_MIGRATION_VERSION,
  description: 'cached agenda: appointments and the ranges fetched',
  sql: `
CREATE TABLE ghl_agenda_events (
  location_id TEXT NOT NULL, id TEXT NOT NULL,
  calendar_id TEXT NOT NULL, assigned_user_id TEXT,
  start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
  record TEXT NOT NULL, fetched_at INTEGER NOT NULL,
  PRIMARY KEY (location_id, id)
);
CREATE INDEX idx_ghl_agenda_events_start ON ghl_agenda_events(location_id, start_ms);
CREATE TABLE ghl_agenda_fetches (
  location_id TEXT PRIMARY KEY NOT NULL,
  from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL, fetched_at INTEGER NOT NULL
);
`,
};
