// Versioned schema migrations, tracked by `PRAGMA user_version`.
//
// The cache's tables come from more than one module: these are the cache's own (contacts,
// opportunities, pipelines, sync state, the journal); a feature above src/db brings its own
// table as a migration of its own (src/arv/estimatesMigration.ts), and the full list is
// assembled where the features are wired (src/cacheSchema.ts). Versions are shared by all of
// them and append-only: never edit a shipped entry, add a new one with the next version. Each
// migration runs in its own transaction together with its version bump.
import type { Database } from 'sql.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** The cache's own tables; version 4 is the ARV estimates table (src/arv/estimatesMigration.ts). */
export const CACHE_TABLE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'contacts, opportunities and pipelines',
    sql: `
CREATE TABLE ghl_contacts (
  id TEXT PRIMARY KEY NOT NULL, location_id TEXT NOT NULL,
  first_name TEXT, last_name TEXT, name TEXT, email TEXT, phone TEXT, company_name TEXT,
  address1 TEXT, city TEXT, state TEXT, postal_code TEXT,
  tags TEXT NOT NULL DEFAULT '[]', custom_fields TEXT NOT NULL DEFAULT '[]',
  created_at TEXT, updated_at TEXT, synced_at INTEGER NOT NULL
);
CREATE TABLE ghl_opportunities (
  id TEXT PRIMARY KEY NOT NULL, location_id TEXT NOT NULL, name TEXT NOT NULL,
  pipeline_id TEXT NOT NULL, pipeline_stage_id TEXT NOT NULL, status TEXT NOT NULL,
  monetary_value REAL NOT NULL DEFAULT 0, contact_id TEXT, contact_name TEXT,
  assigned_to TEXT, source TEXT, custom_fields TEXT NOT NULL DEFAULT '[]',
  created_at TEXT, updated_at TEXT, synced_at INTEGER NOT NULL
);
CREATE TABLE ghl_pipelines (
  id TEXT PRIMARY KEY NOT NULL, location_id TEXT NOT NULL, name TEXT NOT NULL,
  stages TEXT NOT NULL DEFAULT '[]', synced_at INTEGER NOT NULL
);
CREATE INDEX idx_ghl_contacts_location_name ON ghl_contacts(location_id, name);
CREATE INDEX idx_ghl_contacts_email ON ghl_contacts(email);
CREATE INDEX idx_ghl_opps_pipeline_stage ON ghl_opportunities(pipeline_id, pipeline_stage_id);
CREATE INDEX idx_ghl_opps_status ON ghl_opportunities(status);
CREATE INDEX idx_ghl_opps_contact ON ghl_opportunities(contact_id);
`,
  },
  {
    version: 2,
    description: 'sync state per location and kind, for incremental syncs',
    sql: `
CREATE TABLE ghl_sync_state (
  location_id TEXT NOT NULL, kind TEXT NOT NULL,
  last_full_sync_at INTEGER, last_sync_at INTEGER,
  since TEXT,
  PRIMARY KEY (location_id, kind)
);
`,
  },
  {
    version: 3,
    description: 'the write-journal entries already applied to this database (see writeJournal.ts)',
    sql: `
CREATE TABLE ghl_journal_applied (
  name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL
);
`,
  },
  {
    version: 5,
    // Every upsert paid for two indexes no query needs (~half of the upsert time at 200k
    // contacts): the list is served by the in-memory search index (contactIndex.ts) and no
    // query looks contacts up by email. What did use the first one (the location's count,
    // its ids before a prune, the briefing's newest contacts) is served as well or better
    // by (location_id, created_at), which a sync by dateAdded fills almost in order.
    description: 'contacts: drop the indexes no query uses, index (location_id, created_at)',
    sql: `
DROP INDEX IF EXISTS idx_ghl_contacts_email;
DROP INDEX IF EXISTS idx_ghl_contacts_location_name;
CREATE INDEX idx_ghl_contacts_location_created ON ghl_contacts(location_id, created_at);
`,
  },
];

/**
 * One list in version order from the cache's own migrations and the features'. Throws when two
 * share a version or one is missing: a gap would leave a table out for good, since a file
 * migrated past it never runs it.
 */
export function assembleMigrations(...lists: (readonly Migration[])[]): readonly Migration[] {
  const all = lists.flat().sort((a, b) => a.version - b.version);
  all.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`cache migrations must be numbered 1 to ${all.length} without gaps or repeats; found v${migration.version} at position ${index + 1}`);
    }
  });
  return all;
}

/** The version a database has after `migrations` ran (0 for none). */
export function schemaVersion(migrations: readonly Migration[]): number {
  return migrations.length > 0 ? migrations[migrations.length - 1]!.version : 0;
}

/** The file was written by a newer version of the extension; this code cannot use it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `cache schema version ${fileVersion} is newer than this extension supports (${supportedVersion}); ` +
        'it was written by a newer version of the extension',
    );
    this.name = 'SchemaTooNewError';
  }
}

export function getUserVersion(db: Database): number {
  const res = db.exec('PRAGMA user_version');
  const v = res[0]?.values[0]?.[0];
  return typeof v === 'number' ? v : 0;
}

/**
 * Brings `db` up to the last of `migrations`. Returns the version it started from.
 * Throws SchemaTooNewError for a newer file; a failing migration is rolled back whole.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[]): number {
  const from = getUserVersion(db);
  const latest = schemaVersion(migrations);
  if (from > latest) throw new SchemaTooNewError(from, latest);
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${Math.trunc(m.version)}`);
      db.exec('COMMIT');
    } catch (err) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // the transaction may already be gone
      }
      throw new Error(`cache migration to v${m.version} (${m.description}) failed: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  return from;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
