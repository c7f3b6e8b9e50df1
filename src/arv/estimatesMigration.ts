/**
 * The cache table of ARV estimates, as a migration body without its version: the lead appends
 * it to MIGRATIONS in src/db/migrations.ts as the next version at merge.
 */

export const ARV_ESTIMATES_MIGRATION = {
  description: 'ARV estimates per opportunity',
  sql: `
CREATE TABLE ghl_arv_estimates (
  opportunity_id TEXT PRIMARY KEY NOT NULL, location_id TEXT NOT NULL,
  address TEXT, subject_sqft REAL,
  arv REAL, avm_price REAL, avm_low REAL, avm_high REAL,
  comps TEXT NOT NULL DEFAULT '[]',
  method TEXT CHECK (method IS NULL OR method IN ('comps', 'avm')),
  confidence TEXT CHECK (confidence IS NULL OR confidence IN ('high', 'medium', 'low')),
  repairs REAL, mao REAL,
  provider TEXT NOT NULL, estimated_at INTEGER NOT NULL,
  error TEXT, error_kind TEXT,
  written_value REAL, written_at INTEGER
);
CREATE INDEX idx_ghl_arv_estimates_location ON ghl_arv_estimates(location_id);
`,
} as const;
