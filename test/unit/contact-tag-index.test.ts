import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GhlContactsRepo } from '../../src/db/contactsRepo';
import { migratedDbs } from '../helpers/migratedDb';
import type { Contact } from '../../src/protocol/entities';
import { makeContact } from '../helpers/fixtures';

const freshDb = migratedDbs();

/** #17: the contact index's tag filter answers exactly as the SQL it stands in for, through every kind of write. */
describe('contact index: tag filter', () => {
  const TAGS = ['motivated', 'cash-buyer', 'Follow-Up', ' probate ', "o'neil; DROP TABLE ghl_contacts"];

  it('answers like SQL (bound parameters) for every tag, query, location and page, and follows writes', () => {
    const db = freshDb();
    const repo = new GhlContactsRepo(db);
    const rows: Contact[] = [];
    for (let i = 0; i < 240; i++) {
      rows.push(
        makeContact(`id${(i * 37) % 240}`, {
          locationId: i % 5 === 0 ? 'loc2' : 'loc1',
          name: i % 11 === 0 ? null : `Name ${i % 17}`,
          email: i % 3 === 0 ? `user${i}@example.com` : null,
          tags: TAGS.filter((_, k) => (i >> k) % 2 === 1),
        }),
      );
    }
    repo.upsertMany(rows);
    const check = (label: string) => {
      for (const locationId of [undefined, 'loc1', 'loc2']) {
        for (const tag of [undefined, 'motivated', 'MOTIVATED ', 'follow-up', 'probate', "o'neil; drop table ghl_contacts", 'nobody-has-this']) {
          for (const query of [undefined, 'name 1', 'example']) {
            for (const [offset, limit] of [
              [0, 10],
              [7, 50],
            ] as const) {
              const opts = { locationId, tag, query, limit, offset };
              assert.deepEqual(repo.list(opts), repo.listFromSql(opts), `${label} ${JSON.stringify(opts)}`);
            }
          }
        }
        assert.deepEqual(repo.tagsSeen(locationId), repo.tagsSeenFromSql(locationId), `${label} tagsSeen ${locationId}`);
      }
    };
    check('initial');
    assert.ok(repo.list({ tag: 'motivated', limit: 500, offset: 0 }).total > 0);
    // A tag added, one removed, a contact deleted, a new one: the index follows each.
    repo.upsert({ ...repo.get('id5')!, tags: ['brand-new'] });
    repo.upsert({ ...repo.get('id6')!, tags: [] });
    repo.delete('id7');
    repo.upsertMany([makeContact('new1', { name: 'Zed', tags: ['motivated', 'brand-new'] })]);
    check('after writes');
    assert.deepEqual(repo.list({ tag: 'brand-new', limit: 10, offset: 0 }).items.map((c) => c.id).sort(), ['id5', 'new1']);
    assert.equal(db.exec('SELECT COUNT(*) FROM ghl_contacts')[0]!.values[0]![0], 240, 'the table is still there');
  });

  it('tagsSeen lists each tag once, trimmed and lower case, per location', () => {
    const repo = new GhlContactsRepo(freshDb());
    repo.upsertMany([
      makeContact('a', { tags: ['Motivated', ' hot '] }),
      makeContact('b', { tags: ['motivated'] }),
      makeContact('c', { locationId: 'other', tags: ['elsewhere'] }),
    ]);
    assert.deepEqual(repo.tagsSeen('loc1'), ['hot', 'motivated']);
    assert.deepEqual(repo.tagsSeen(), ['elsewhere', 'hot', 'motivated']);
    assert.deepEqual(repo.tagsSeen('nowhere'), []);
  });
});
