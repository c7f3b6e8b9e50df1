/**
 * Migration v5 (issue 9): the contact indexes no query used are dropped, one on
 * (location_id, created_at) replaces them. A v4 cache file upgrades in place with its data,
 * and every query the code runs on contacts that used an index before still uses one.
 */
import { makeContact } from '../helpers/fixtures';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BindParams, Database, SqlJsStatic } from 'sql.js';
import { BriefingQueries } from '../../src/briefing/briefingQueries';
import { CACHE_FILE_NAME, CacheStore } from '../../src/db/cacheStore';
import { GhlContactsRepo } from '../../src/db/contactsRepo';
import { getUserVersion } from '../../src/db/migrations';
import { CURRENT_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../src/cacheSchema';
import { GhlOpportunitiesRepo } from '../../src/db/opportunitiesRepo';
import { loadSqlJs } from '../../src/db/sqljs';

let SQL: SqlJsStatic;
const dirs: string[] = [];
before(async () => {
  SQL = await loadSqlJs();
});
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const V4 = MIGRATIONS.filter((m) => m.version <= 4);

function contactsIndexes(db: Database): string[] {
  return (db.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ghl_contacts' AND name NOT LIKE 'sqlite_%' ORDER BY name")[0]?.values ?? []).map(
    (r) => String(r[0]),
  );
}

/** A v4 database with contacts in two locations, created over a few days. */
function v4Database(): Database {
  const db = new SQL.Database();
  migrate(db, V4);
  const repo = new GhlContactsRepo(db);
  const day = Date.parse('2026-01-10T00:00:00.000Z');
  repo.upsertMany(
    Array.from({ length: 300 }, (_, i) =>
      makeContact(`c${String(i).padStart(3, '0')}`, {
        locationId: i % 3 === 0 ? 'loc2' : 'loc1',
        name: `Contact ${i}`,
        email: `c${i}@example.com`,
        city: 'Leeds',
        tags: ['lead', `t${i % 5}`],
        createdAt: new Date(day + i * 3_600_000).toISOString(),
        syncedAt: 1000 + i,
      }),
    ),
  );
  return db;
}

/** Every statement the code prepares on `db` while `run` runs, with its parameters. */
function capturedQueries(db: Database, run: (db: Database) => void): Array<{ sql: string; params?: BindParams }> {
  const seen: Array<{ sql: string; params?: BindParams }> = [];
  const spy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string, params?: BindParams) => {
          const stmt = target.prepare(sql, params);
          const entry: { sql: string; params?: BindParams } = { sql };
          seen.push(entry);
          const bind = stmt.bind.bind(stmt);
          stmt.bind = (values?: BindParams) => {
            entry.params = values;
            return bind(values);
          };
          return stmt;
        };
      }
      const value = (target as unknown as Record<PropertyKey, unknown>)[prop];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  run(spy);
  return seen.filter((q) => /^\s*SELECT/i.test(q.sql) && /ghl_contacts/.test(q.sql));
}

/** The contact queries whose plan can use an index on location_id / created_at. */
function locationQueries(db: Database) {
  return capturedQueries(db, (spy) => {
    const contacts = new GhlContactsRepo(spy);
    contacts.count('loc1');
    contacts.pruneNotIn('loc1', ['c001'], 0);
    new BriefingQueries(spy, contacts, new GhlOpportunitiesRepo(spy)).newContacts('loc1', '2026-01-15T00:00:00.000Z', 5);
  }).filter((q) => /WHERE\s+location_id\s*=/i.test(q.sql));
}

function plan(db: Database, query: { sql: string; params?: BindParams }): string {
  return (db.exec(`EXPLAIN QUERY PLAN ${query.sql}`, query.params ?? [])[0]?.values ?? []).map((r) => String(r[3])).join('; ');
}

describe('migration v5: contact indexes', () => {
  it('upgrades a v4 cache file in place: data intact, unused indexes gone, one on (location_id, created_at)', async () => {
    const v4 = v4Database();
    assert.deepEqual(contactsIndexes(v4), ['idx_ghl_contacts_email', 'idx_ghl_contacts_location_name']);
    const before = new GhlContactsRepo(v4).list({ limit: 1000, offset: 0 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ghl-v5-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, CACHE_FILE_NAME), v4.export());
    v4.close();

    const store = await CacheStore.open({ storageDir: dir, migrations: MIGRATIONS, debounceMs: 10 });
    try {
      assert.equal(getUserVersion(store.db), CURRENT_SCHEMA_VERSION);
      assert.ok(CURRENT_SCHEMA_VERSION >= 5);
      assert.deepEqual(contactsIndexes(store.db), ['idx_ghl_contacts_location_created']);
      const repo = new GhlContactsRepo(store.db);
      assert.deepEqual(repo.list({ limit: 1000, offset: 0 }), before, 'every contact, every column, same order');
      assert.equal(repo.count('loc2'), 100);
      // The upgrade is written back (the writer marks an upgraded cache dirty).
      await store.flush();
      const reread = new SQL.Database(fs.readFileSync(path.join(dir, CACHE_FILE_NAME)));
      assert.equal(getUserVersion(reread), CURRENT_SCHEMA_VERSION);
      assert.deepEqual(contactsIndexes(reread), ['idx_ghl_contacts_location_created']);
      reread.close();
    } finally {
      await store.dispose();
    }
  });

  it('every contact query that used an index on v4 still uses one on v5, with the same answers', () => {
    const v4 = v4Database();
    const v5 = v4Database();
    migrate(v5);
    const v4Queries = locationQueries(v4);
    // count by location, the ids before a prune, the briefing's count and newest.
    assert.equal(v4Queries.length, 4, v4Queries.map((q) => q.sql).join('\n'));
    for (const query of v4Queries) {
      const was = plan(v4, query);
      const now = plan(v5, query);
      assert.match(was, /USING (COVERING )?INDEX/, `v4: ${query.sql} → ${was}`);
      assert.match(now, /USING (COVERING )?INDEX idx_ghl_contacts_location_created/, `v5: ${query.sql} → ${now}`);
      assert.deepEqual(v5.exec(query.sql, query.params ?? []), v4.exec(query.sql, query.params ?? []), query.sql);
    }
    // The briefing's range on created_at now narrows the search instead of reading the whole location.
    const briefingCount = v4Queries.find((q) => /count\(\*\).*created_at/i.test(q.sql))!;
    assert.match(plan(v5, briefingCount), /created_at>\?/);
    v4.close();
    v5.close();
  });
});
