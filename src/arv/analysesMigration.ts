/**
 * Issue 19: the deal analyzer's table, one row per opportunity: what the last fetch found (the
 * subject, the sold comps, the listings, the AVM: everything a recompute needs, so excluding a comp
 * or changing a setting costs no lookup) and the comps the user excluded, kept across refreshes.
 */
import type { Migration } from '../db/migrations';

/** The one place this migration's number lives (the integrator renumbers it at merge). */
export const ARV_ANALYSES_SCHEMA_VERSION = 7;

export const ARV_ANALYSES_MIGRATION: Migration = {
  version: ARV_ANALYSES_SCHEMA_VERSION,
  description: 'ARV deal analyses (sold comps, exclusions) per opportunity',
  sql: `
CREATE TABLE ghl_arv_analyses (
  opportunity_id TEXT PRIMARY KEY NOT NULL, location_id TEXT NOT NULL,
  fetched TEXT NOT NULL,
  excluded TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL
);
CREATE INDEX idx_ghl_arv_analyses_location ON ghl_arv_analyses(location_id);
`,
};
