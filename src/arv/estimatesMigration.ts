/**
 * The cache table of ARV estimates, as the ARV feature's own migration: src/cacheSchema.ts puts
 * it into the cache's migration list beside src/db's own tables (src/db knows no feature).
 */
import type { Migration } from '../db/migrations';

export const ARV_ESTIMATES_MIGRATION: Migration = {
  version: 4,
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
};
