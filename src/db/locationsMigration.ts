import type { Migration } from './migrations';

/**
 * The location's name and time zone as GHL last gave them: every "today" counts days in that
 * zone, so a window, an MCP server or an offline start reads it here instead of asking GHL.
 */
export const LOCATIONS_MIGRATION: Migration = {
  version: 9,
  description: 'location details (#20)',
  sql: `
CREATE TABLE ghl_locations (
  location_id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, time_zone TEXT NOT NULL,
  time_zone_source TEXT NOT NULL, fetched_at INTEGER NOT NULL
);
`,
};
