import { makeContact } from '../helpers/fixtures';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Database, SqlJsStatic } from 'sql.js';
import { ContactSearchIndex } from '../../src/db/contactIndex';
import { GhlContactsRepo } from '../../src/db/contactsRepo';
import { assembleMigrations, getUserVersion, SchemaTooNewError } from '../../src/db/migrations';
import { CURRENT_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../src/cacheSchema';
import { GhlOpportunitiesRepo } from '../../src/db/opportunitiesRepo';
import { GhlPipelinesRepo } from '../../src/db/pipelinesRepo';
import { loadSqlJs } from '../../src/db/sqljs';
import type { Contact, Opportunity, Pipeline } from '../../src/protocol/entities';

let SQL: SqlJsStatic;
before(async () => {
  SQL = await loadSqlJs();
});

function freshDb(): Database {
  const db = new SQL.Database();
  migrate(db);
  return db;
}

const contact = makeContact;

function opp(id: string, over: Partial<Opportunity> = {}): Opportunity {
  return {
    id,
    locationId: 'loc1',
    name: `Deal ${id}`,
    pipelineId: 'p1',
    pipelineStageId: 's1',
    status: 'open',
    monetaryValue: 0,
    contactId: null,
    contactName: null,
    assignedTo: null,
    source: null,
    customFields: [],
    createdAt: null,
    updatedAt: null,
    syncedAt: 1,
    ...over,
  };
}

function names(items: Contact[]): (string | null)[] {
  return items.map((c) => c.name);
}

describe('db migrations', () => {
  it('creates the tables and indexes and sets user_version', () => {
    const db = new SQL.Database();
    assert.equal(getUserVersion(db), 0);
    assert.equal(migrate(db), 0);
    assert.equal(getUserVersion(db), CURRENT_SCHEMA_VERSION);
    assert.ok(CURRENT_SCHEMA_VERSION >= 1);
    const objects = db.exec("SELECT type, name FROM sqlite_master WHERE name LIKE '%ghl%' ORDER BY name")[0]!.values;
    const byType = (t: string) => objects.filter((o) => o[0] === t).map((o) => String(o[1]));
    for (const table of ['ghl_contacts', 'ghl_opportunities', 'ghl_pipelines']) {
      assert.ok(byType('table').includes(table), table);
    }
    for (const index of [
      'idx_ghl_contacts_location_created',
      'idx_ghl_opps_contact',
      'idx_ghl_opps_pipeline_stage',
      'idx_ghl_opps_status',
    ]) {
      assert.ok(byType('index').includes(index), index);
    }
    // Running again is a no-op.
    assert.equal(migrate(db), CURRENT_SCHEMA_VERSION);
  });

  it('v1 is exactly the three tables and five indexes; later versions upgrade a v1 file in place', () => {
    const db = new SQL.Database();
    migrate(db, MIGRATIONS.slice(0, 1));
    assert.equal(getUserVersion(db), 1);
    const names = db.exec("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")[0]!.values;
    assert.deepEqual(names, [
      ['table', 'ghl_contacts'],
      ['table', 'ghl_opportunities'],
      ['table', 'ghl_pipelines'],
      ['index', 'idx_ghl_contacts_email'],
      ['index', 'idx_ghl_contacts_location_name'],
      ['index', 'idx_ghl_opps_contact'],
      ['index', 'idx_ghl_opps_pipeline_stage'],
      ['index', 'idx_ghl_opps_status'],
    ]);
    new GhlContactsRepo(db).upsert(contact('kept', { name: 'Kept' }));
    assert.equal(migrate(db), 1);
    assert.equal(getUserVersion(db), CURRENT_SCHEMA_VERSION);
    assert.equal(new GhlContactsRepo(db).get('kept')?.name, 'Kept');
  });

  it('refuses a database from a newer version', () => {
    const db = new SQL.Database();
    db.exec(`PRAGMA user_version = ${CURRENT_SCHEMA_VERSION + 1}`);
    assert.throws(() => migrate(db), SchemaTooNewError);
  });

  it('rolls back a failing migration whole, version included', () => {
    const db = new SQL.Database();
    const bad = [{ version: 1, description: 'bad', sql: 'CREATE TABLE a (x); CREATE TABLE a (y);' }];
    assert.throws(() => migrate(db, bad), /migration to v1/);
    assert.equal(getUserVersion(db), 0);
    assert.equal(db.exec("SELECT count(*) FROM sqlite_master WHERE name = 'a'")[0]!.values[0]![0], 0);
  });

  it("the cache's own and a feature's migrations assemble in version order; a gap or a repeat is refused", () => {
    const step = (version: number) => ({ version, description: `v${version}`, sql: '' });
    assert.deepEqual(
      assembleMigrations([step(1), step(3)], [step(2)]).map((m) => m.version),
      [1, 2, 3],
    );
    assert.throws(() => assembleMigrations([step(1), step(3)]), /without gaps or repeats; found v3 at position 2/);
    assert.throws(() => assembleMigrations([step(1), step(2)], [step(2)]), /found v2 at position 3/);
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      MIGRATIONS.map((_, i) => i + 1),
    );
  });
});

describe('GhlContactsRepo', () => {
  it('round-trips a contact including JSON columns', () => {
    const repo = new GhlContactsRepo(freshDb());
    const c = contact('c1', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+15550001',
      companyName: 'Analytical Engines',
      address1: '1 Main St',
      city: 'London',
      state: 'LDN',
      postalCode: 'W1',
      tags: ['vip', 'math'],
      customFields: [
        { id: 'f1', value: 42 },
        { id: 'f2', value: { nested: ['x'] } },
      ],
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-02-01T00:00:00.000Z',
      syncedAt: 1700000000000,
    });
    repo.upsert(c);
    assert.deepEqual(repo.get('c1'), c);
    repo.upsert({ ...c, tags: ['changed'], email: null });
    assert.deepEqual(repo.get('c1'), { ...c, tags: ['changed'], email: null });
    assert.equal(repo.get('nope'), undefined);
    assert.equal(repo.count(), 1);
  });

  it('maps bad JSON in a row to [] instead of throwing', () => {
    const db = freshDb();
    const repo = new GhlContactsRepo(db);
    repo.upsert(contact('c1', { tags: ['a'] }));
    db.run("UPDATE ghl_contacts SET tags = '{not json', custom_fields = '[1, {\"id\": 5}, {\"id\": \"ok\"}]'");
    const got = repo.get('c1')!;
    assert.deepEqual(got.tags, []);
    assert.deepEqual(got.customFields, [{ id: 'ok', value: null }]);
  });

  it('upsertMany is atomic: a bad row in the middle writes nothing', () => {
    const repo = new GhlContactsRepo(freshDb());
    repo.upsert(contact('keep', { name: 'Before' }));
    const rows = [
      contact('a', { name: 'A' }),
      contact('keep', { name: 'After' }),
      { ...contact('bad'), locationId: null as unknown as string },
      contact('z', { name: 'Z' }),
    ];
    assert.throws(() => repo.upsertMany(rows), /NOT NULL/);
    assert.equal(repo.count(), 1);
    assert.equal(repo.get('keep')!.name, 'Before');
    assert.equal(repo.get('a'), undefined);
    // The connection is usable afterwards and a good batch goes in.
    assert.equal(repo.upsertMany([contact('a'), contact('b')]), 2);
    assert.equal(repo.count(), 3);
  });

  it('lists sorted by name ignoring case, unnamed last, then id; pages with a total', () => {
    const repo = new GhlContactsRepo(freshDb());
    repo.upsertMany([
      contact('5', { name: 'bob' }),
      contact('1', { name: 'Carol' }),
      contact('4', { name: null, email: 'x@y.z' }),
      contact('3', { name: 'Bob' }),
      contact('2', { name: 'alice' }),
      contact('9', { name: 'Zed', locationId: 'loc2' }),
    ]);
    const all = repo.list({ locationId: 'loc1', limit: 10, offset: 0 });
    assert.deepEqual(
      all.items.map((c) => c.id),
      ['2', '3', '5', '1', '4'],
    );
    assert.equal(all.total, 5);
    const page = repo.list({ locationId: 'loc1', limit: 2, offset: 2 });
    assert.deepEqual(
      page.items.map((c) => c.id),
      ['5', '1'],
    );
    assert.equal(page.total, 5);
    assert.deepEqual(repo.list({ locationId: 'loc1', limit: 2, offset: 50 }), { items: [], total: 5 });
    assert.equal(repo.list({ limit: 10, offset: 0 }).total, 6);
    assert.equal(repo.list({ locationId: 'elsewhere', limit: 10, offset: 0 }).total, 0);
    assert.equal(repo.count('loc2'), 1);
  });

  it('query matches a substring of name, first/last name, email, phone or company, ignoring case', () => {
    const repo = new GhlContactsRepo(freshDb());
    repo.upsertMany([
      contact('1', { name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace' }),
      contact('2', { name: 'Grace', email: 'GRACE.hopper@navy.mil' }),
      contact('3', { name: 'Alan', phone: '+44 555 0199' }),
      contact('4', { name: 'Linus', companyName: 'Transmeta' }),
      contact('5', { name: 'Ken', firstName: 'Kenneth', lastName: 'Thompson' }),
      contact('6', { name: '100% Real_Deal' }),
      contact('7', { name: '100 Percent RealXDeal' }),
      contact('8', { name: 'Zoë Ömer' }),
    ]);
    const q = (query: string) => names(repo.list({ locationId: 'loc1', query, limit: 50, offset: 0 }).items);
    assert.deepEqual(q('LOVE'), ['Ada Lovelace']);
    assert.deepEqual(q('hopper'), ['Grace']);
    assert.deepEqual(q('555 01'), ['Alan']);
    assert.deepEqual(q('tRANSmeta'), ['Linus']);
    assert.deepEqual(q('thompson'), ['Ken']);
    assert.deepEqual(q('  ken  '), ['Ken']);
    assert.deepEqual(q('0%'), ['100% Real_Deal'], '% is literal');
    assert.deepEqual(q('l_d'), ['100% Real_Deal'], '_ is literal');
    assert.deepEqual(q('\\'), []);
    assert.deepEqual(q('ömer'), ['Zoë Ömer']);
    assert.deepEqual(q('nothing-like-this'), []);
    // A match may not run across two fields ("Ada" + "Lovelace").
    assert.deepEqual(q('adalove'), []);
    const paged = repo.list({ locationId: 'loc1', query: 'a', limit: 2, offset: 1 });
    assert.equal(paged.total, 6);
    assert.deepEqual(names(paged.items), ['100% Real_Deal', 'Ada Lovelace']);
  });

  it('the in-memory index answers exactly like SQL, and follows every kind of write', () => {
    const db = freshDb();
    const repo = new GhlContactsRepo(db);
    const first = ['Ann', 'bob', 'Cy', 'dee', 'Ed', null];
    const rows: Contact[] = [];
    for (let i = 0; i < 300; i++) {
      const f = first[i % first.length]!;
      rows.push(
        contact(`id${(i * 37) % 300}`, {
          locationId: i % 4 === 0 ? 'loc2' : 'loc1',
          name: f === null ? null : `${f} N${i % 13}`,
          firstName: f,
          email: i % 3 === 0 ? `user${i}@Example.com` : null,
          phone: i % 5 === 0 ? `+1 555 ${i}` : null,
          companyName: i % 7 === 0 ? 'Acme_%' : null,
        }),
      );
    }
    repo.upsertMany(rows);
    const check = (label: string) => {
      for (const locationId of [undefined, 'loc1', 'loc2']) {
        for (const query of [undefined, '', 'a', 'N1', 'example', '555 1', '_%', 'zz', 'DEE']) {
          for (const [offset, limit] of [
            [0, 7],
            [5, 20],
            [290, 50],
          ] as const) {
            const opts = { locationId, query, limit, offset };
            assert.deepEqual(repo.list(opts), repo.listFromSql(opts), `${label} ${JSON.stringify(opts)}`);
          }
        }
      }
    };
    check('initial');
    repo.upsert(contact('id5', { name: 'aaa first now' }));
    repo.delete('id6');
    repo.upsertMany([contact('new1', { name: 'Zz top' }), contact('id7', { name: null, email: 'moved@x' })]);
    check('after repo writes');
    assert.equal(repo.list({ query: 'aaa first', limit: 5, offset: 0 }).total, 1);
    // Writes that bypass the repository are picked up too.
    db.run("UPDATE ghl_contacts SET name = 'Raw Renamed' WHERE id = 'id8'");
    assert.deepEqual(names(repo.list({ query: 'raw renamed', limit: 5, offset: 0 }).items), ['Raw Renamed']);
    check('after raw SQL');
    // A caller's transaction that is rolled back leaves no trace in the answers.
    db.exec('BEGIN');
    repo.upsert(contact('ghost', { name: 'Ghost' }));
    assert.equal(repo.list({ query: 'ghost', limit: 5, offset: 0 }).total, 1);
    db.exec('ROLLBACK');
    assert.equal(repo.list({ query: 'ghost', limit: 5, offset: 0 }).total, 0);
    check('after rollback');
    // Another repo instance on the same db, and export() (which reopens the connection).
    new GhlContactsRepo(db).upsert(contact('other', { name: 'Other Instance' }));
    assert.equal(repo.list({ query: 'other inst', limit: 5, offset: 0 }).total, 1);
    db.export();
    db.run("DELETE FROM ghl_contacts WHERE id = 'other'");
    assert.equal(repo.list({ query: 'other inst', limit: 5, offset: 0 }).total, 0);
    check('after export');
    const before = repo.count('loc1');
    assert.equal(repo.pruneNotIn('loc1', ['id1', 'id2', 'id3']), before - 3);
    check('after prune');
    repo.clear();
    assert.deepEqual(repo.list({ limit: 5, offset: 0 }), { items: [], total: 0 });
  });

  it('finds every match past the trigram block filter: thousands of contacts, random needles, same as SQL', () => {
    const db = freshDb();
    const repo = new GhlContactsRepo(db);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const word = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789 .@-'[Math.floor(random() * 40)]).join('');
    const rows = Array.from({ length: 3000 }, (_, i) =>
      contact(`r${i}`, {
        locationId: i % 5 === 0 ? 'loc2' : 'loc1',
        name: random() < 0.9 ? `${word(3 + Math.floor(random() * 6))} ${word(4)}` : null,
        email: random() < 0.7 ? `${word(6)}@${word(4)}.com` : null,
        phone: random() < 0.6 ? `+1 ${Math.floor(random() * 1e10)}` : null,
        companyName: random() < 0.3 ? ['Redwood Realty', 'Summit Homes', 'Blue Harbor'][i % 3]! : null,
      }),
    );
    repo.upsertMany(rows);
    // Needles cut from real texts (so they match somewhere, often many times), and a few that match nothing.
    const needles = ['zzzq', 'redwood', 'summit h', 'blue harb', '@', '.com', '+1 5'];
    for (let i = 0; i < 150; i++) {
      const c = rows[Math.floor(random() * rows.length)]!;
      const text = [c.name, c.email, c.phone, c.companyName][i % 4] ?? 'none';
      const at = Math.floor(random() * Math.max(1, text.length - 3));
      needles.push(text.slice(at, at + 3 + Math.floor(random() * 5)));
    }
    let matched = 0;
    for (const query of needles) {
      for (const locationId of [undefined, 'loc2']) {
        const opts = { locationId, query, limit: 40, offset: 3 };
        const fromIndex = repo.list(opts);
        assert.deepEqual(fromIndex, repo.listFromSql(opts), JSON.stringify(opts));
        matched += fromIndex.total;
      }
    }
    assert.ok(matched > 3000, `the needles matched (${matched})`);
    // A kept answer follows a contact that moved to another location with the same text.
    const moved = rows.find((c) => c.locationId === 'loc1' && c.companyName === 'Redwood Realty')!;
    const before = repo.list({ locationId: 'loc2', query: 'redwood', limit: 5, offset: 0 }).total;
    repo.upsert({ ...moved, locationId: 'loc2' });
    const opts = { locationId: 'loc2', query: 'redwood', limit: 5, offset: 0 };
    assert.equal(repo.list(opts).total, before + 1);
    assert.deepEqual(repo.list(opts), repo.listFromSql(opts));
  });

  it('warmUp builds the search index once; re-upserting unchanged contacts keeps answers right', () => {
    const db = freshDb();
    const repo = new GhlContactsRepo(db);
    repo.upsertMany([contact('a', { name: 'Alpha', email: 'a@x' }), contact('b', { name: 'Beta' })]);
    const builds = ContactSearchIndex.builds;
    repo.warmUp();
    repo.warmUp();
    assert.equal(ContactSearchIndex.builds, builds + 1);
    assert.equal(repo.list({ query: 'a@x', limit: 5, offset: 0 }).total, 1);
    repo.upsertMany([contact('a', { name: 'Alpha', email: 'a@x', syncedAt: 9 }), contact('b', { name: 'Beta', email: 'new@y' })]);
    assert.deepEqual(
      repo.list({ query: 'new@y', limit: 5, offset: 0 }).items.map((c) => c.id),
      ['b'],
    );
    assert.equal(repo.list({ query: 'a@x', limit: 5, offset: 0 }).items[0]!.syncedAt, 9);
    assert.equal(ContactSearchIndex.builds, builds + 1, 'patched, not rebuilt');
  });

  it('with scheduleIndexBuild, a list before the index exists answers from SQL and asks for the build; after it, from the index', () => {
    const db = freshDb();
    let asked = 0;
    const repo = new GhlContactsRepo(db, { scheduleIndexBuild: () => asked++ });
    repo.upsertMany([contact('a', { name: 'Alpha', email: 'a@x' }), contact('b', { name: 'Beta' }), contact('c', { name: 'Gamma', email: 'g@x' })]);
    const builds = ContactSearchIndex.builds;
    const opts = { query: '@x', limit: 5, offset: 0 };
    assert.deepEqual(repo.list(opts), repo.listFromSql(opts));
    assert.equal(repo.list(opts).total, 2);
    assert.equal(ContactSearchIndex.builds, builds, 'the caller did not wait for a build');
    assert.equal(asked, 2, 'each list without an index asks for one');
    repo.warmUp();
    assert.equal(ContactSearchIndex.builds, builds + 1);
    assert.deepEqual(repo.list(opts), repo.listFromSql(opts));
    assert.equal(asked, 2, 'with the index there, nothing more is asked');
  });

  it('delete and pruneNotIn', () => {
    const repo = new GhlContactsRepo(freshDb());
    repo.upsertMany([contact('a'), contact('b'), contact('c'), contact('x', { locationId: 'loc2' })]);
    assert.equal(repo.delete('a'), true);
    assert.equal(repo.delete('a'), false);
    assert.equal(repo.pruneNotIn('loc1', new Set(['c', 'unknown'])), 1);
    assert.deepEqual(
      repo.list({ limit: 10, offset: 0 }).items.map((c) => c.id),
      ['c', 'x'],
    );
    assert.equal(repo.pruneNotIn('loc1', []), 1);
    assert.equal(repo.count('loc1'), 0);
    assert.equal(repo.count('loc2'), 1, 'other locations are untouched');
  });

  it('pruneNotIn with syncedBefore keeps rows written while the pass ran', () => {
    const repo = new GhlContactsRepo(freshDb());
    repo.upsertMany([contact('old-seen', { syncedAt: 100 }), contact('old-gone', { syncedAt: 100 }), contact('written-during', { syncedAt: 500 })]);
    assert.equal(repo.pruneNotIn('loc1', ['old-seen'], 400), 1);
    assert.deepEqual(repo.list({ limit: 10, offset: 0 }).items.map((c) => c.id).sort(), ['old-seen', 'written-during']);
    const opps = new GhlOpportunitiesRepo(freshDb());
    opps.upsertMany([opp('o-gone', { syncedAt: 100 }), opp('o-during', { syncedAt: 500 })]);
    assert.equal(opps.pruneNotIn('loc1', [], 400), 1);
    assert.equal(opps.get('o-during')?.id, 'o-during');
  });

  // A quadratic prune would not finish within the runner's test timeout here.
  it('pruneNotIn handles a 200k keep set', () => {
    const db = freshDb();
    const repo = new GhlContactsRepo(db);
    const ids = Array.from({ length: 2000 }, (_, i) => `c${i}`);
    repo.upsertMany(ids.map((id) => contact(id)));
    const keep = new Set<string>();
    for (let i = 0; i < 200_000; i++) keep.add(`c${i * 2}`);
    assert.equal(repo.pruneNotIn('loc1', keep), 1000);
    assert.equal(repo.count(), 1000);
    assert.ok(repo.get('c2'));
    assert.equal(repo.get('c1'), undefined);
  });
});

describe('GhlOpportunitiesRepo', () => {
  it('round-trips, filters, sorts by updated_at desc then id, pages with a total', () => {
    const repo = new GhlOpportunitiesRepo(freshDb());
    const o1 = opp('o1', {
      updatedAt: '2024-03-01T00:00:00Z',
      monetaryValue: 100.5,
      customFields: [{ id: 'f', value: ['x'] }],
      contactId: 'c1',
      contactName: 'Ada',
      assignedTo: 'u1',
      source: 'web',
      createdAt: '2024-01-01T00:00:00Z',
    });
    repo.upsertMany([
      o1,
      opp('o2', { updatedAt: '2024-05-01T00:00:00Z', status: 'won', pipelineStageId: 's2', monetaryValue: 50 }),
      opp('o3', { updatedAt: '2024-04-01T00:00:00Z', pipelineStageId: 's2', monetaryValue: 25 }),
      opp('o4', { updatedAt: null, pipelineId: 'p2' }),
      opp('o0', { updatedAt: '2024-04-01T00:00:00Z', locationId: 'loc2' }),
    ]);
    assert.deepEqual(repo.get('o1'), o1);
    const ids = (o: Parameters<GhlOpportunitiesRepo['list']>[0]) => repo.list(o).items.map((x) => x.id);
    assert.deepEqual(ids({ limit: 10, offset: 0 }), ['o2', 'o0', 'o3', 'o1', 'o4']);
    assert.deepEqual(ids({ locationId: 'loc1', pipelineId: 'p1', limit: 10, offset: 0 }), ['o2', 'o3', 'o1']);
    assert.deepEqual(ids({ status: 'won', limit: 10, offset: 0 }), ['o2']);
    assert.deepEqual(ids({ stageId: 's2', status: 'open', limit: 10, offset: 0 }), ['o3']);
    const page = repo.list({ locationId: 'loc1', limit: 2, offset: 1 });
    assert.deepEqual(
      page.items.map((x) => x.id),
      ['o3', 'o1'],
    );
    assert.equal(page.total, 4);
    assert.deepEqual(repo.stageSummary('p1'), [
      { stageId: 's1', count: 2, totalValue: 100.5 },
      { stageId: 's2', count: 2, totalValue: 75 },
    ]);
    assert.deepEqual(repo.stageSummary('p1', { status: 'open', locationId: 'loc1' }), [
      { stageId: 's1', count: 1, totalValue: 100.5 },
      { stageId: 's2', count: 1, totalValue: 25 },
    ]);
    assert.deepEqual(repo.stageSummary('none'), []);
  });

  it('upsertMany is atomic, delete/prune/count/clear work', () => {
    const repo = new GhlOpportunitiesRepo(freshDb());
    repo.upsertMany([opp('a'), opp('b'), opp('c', { locationId: 'loc2' })]);
    assert.throws(() => repo.upsertMany([opp('d'), { ...opp('e'), name: null as unknown as string }]));
    assert.equal(repo.get('d'), undefined);
    assert.equal(repo.count(), 3);
    assert.equal(repo.delete('a'), true);
    assert.equal(repo.delete('a'), false);
    assert.equal(repo.pruneNotIn('loc1', []), 1);
    assert.equal(repo.count('loc1'), 0);
    assert.equal(repo.count('loc2'), 1);
    repo.clear();
    assert.equal(repo.count(), 0);
  });
});

describe('GhlPipelinesRepo', () => {
  it('round-trips stages, lists by name, prunes and clears', () => {
    const repo = new GhlPipelinesRepo(freshDb());
    const p: Pipeline = {
      id: 'p1',
      locationId: 'loc1',
      name: 'sales',
      stages: [
        { id: 's1', name: 'New', position: 0 },
        { id: 's2', name: 'Won', position: 1 },
      ],
      syncedAt: 5,
    };
    repo.upsertMany([p, { ...p, id: 'p2', name: 'Hiring', stages: [] }, { ...p, id: 'p3', name: 'Other', locationId: 'loc2' }]);
    assert.deepEqual(repo.get('p1'), p);
    assert.deepEqual(
      repo.list('loc1').map((x) => x.name),
      ['Hiring', 'sales'],
    );
    assert.equal(repo.list().length, 3);
    assert.equal(repo.pruneNotIn('loc1', ['p1']), 1);
    assert.equal(repo.delete('p1'), true);
    assert.equal(repo.delete('p1'), false);
    assert.deepEqual(
      repo.list().map((x) => x.id),
      ['p3'],
    );
    repo.clear();
    assert.deepEqual(repo.list(), []);
  });
});
