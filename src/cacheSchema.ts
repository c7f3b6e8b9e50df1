/**
 * The cache's schema: src/db's own tables and each feature's table, assembled in version order
 * where the features are wired (src/db imports no feature, so it cannot hold this list).
 * backend.ts opens the cache with it; tests and the bench migrate their databases with it.
 */
import type { Database } from 'sql.js';
import { ARV_ANALYSES_MIGRATION } from './arv/analysesMigration';
import { applyArvAnalysisJournalEntry, ARV_ANALYSIS_JOURNAL_FEATURE } from './arv/analysesRepo';
import type { FeatureJournalApplier } from './db/writeJournal';
import { ARV_ESTIMATES_MIGRATION } from './arv/estimatesMigration';
import { AGENDA_MIGRATION } from './db/agendaMigration';
import { TASKS_MIGRATION } from './db/tasksMigration';
import { LOCATIONS_MIGRATION } from './db/locationsMigration';
import { applyMigrations, assembleMigrations, CACHE_TABLE_MIGRATIONS, schemaVersion, type Migration } from './db/migrations';

export const MIGRATIONS: readonly Migration[] = assembleMigrations(CACHE_TABLE_MIGRATIONS, [ARV_ESTIMATES_MIGRATION, ARV_ANALYSES_MIGRATION], [AGENDA_MIGRATION], /* #17 */ [TASKS_MIGRATION], /* #20 */ [LOCATIONS_MIGRATION]);

/** The features' own write-journal entries and how each is applied (issue 19: the analyzer's exclusions). */
export const JOURNAL_FEATURES: Readonly<Record<string, FeatureJournalApplier>> = {
  [ARV_ANALYSIS_JOURNAL_FEATURE]: applyArvAnalysisJournalEntry,
};

export const CURRENT_SCHEMA_VERSION: number = schemaVersion(MIGRATIONS);

/** Brings `db` up to the cache's schema (or to `migrations`); returns the version it started from. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  return applyMigrations(db, migrations);
}
