import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Contact, Opportunity } from '../../src/protocol/entities';
import type { ListResult } from '../../src/protocol/responses';
import { startHarness, type Harness } from '../helpers/backendHarness';

/** #17: contacts-list's tag filter and tags-list's offline answer, through createBackend against the sandbox. */
describe('contacts-list filtered by tag', () => {
  let h: Harness;
  const sandboxContacts = () => [...h.sandbox.store.contacts.values()];

  before(async () => {
    h = await startHarness({ sandbox: { contacts: 300, opportunities: 200, conversations: 0, seed: 17 } });
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:opps-sync', {});
  });
  after(async () => h.close());

  /** The expected answer from GHL's own records: the tag (as GHL keeps it), ordered as the list is. */
  const tagged = (tag: string) => sandboxContacts().filter((c) => c.tags.includes(tag)).map((c) => c.id).sort();

  it('answers only the contacts carrying the tag, with the total, paged', async () => {
    const tagCounts = new Map<string, number>();
    for (const c of sandboxContacts()) for (const t of c.tags) tagCounts.set(t, (tagCounts.get(t) ?? 0) + 1);
    const [tag, n] = [...tagCounts].sort((a, b) => b[1] - a[1])[0]!;
    assert.ok(n > 3 && n < 300, `the seed has a tag on some contacts, not all (${tag}: ${n})`);
    const all: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag, limit: 500 });
    assert.equal(all.total, n);
    assert.deepEqual(all.items.map((c) => c.id).sort(), tagged(tag));
    assert.ok(all.items.every((c) => c.tags.includes(tag)));
    // The list's order (by name) and pages of it.
    const unfiltered: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { limit: 500 });
    assert.deepEqual(all.items.map((c) => c.id), unfiltered.items.filter((c) => c.tags.includes(tag)).map((c) => c.id));
    const page: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag, limit: 2, offset: 2 });
    assert.deepEqual(page.items.map((c) => c.id), all.items.slice(2, 4).map((c) => c.id));
    assert.equal(page.total, n);
    // GHL keeps tags lower-case and trimmed; the filter is compared the same way.
    const shouted: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag: `  ${tag.toUpperCase()} `, limit: 500 });
    assert.equal(shouted.total, n);
    // With a text query too: both filters apply.
    const first = all.items[0]!;
    const both: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag, query: first.email ?? first.name ?? '', limit: 500 });
    assert.ok(both.items.some((c) => c.id === first.id) && both.items.every((c) => c.tags.includes(tag)));
    const none: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag: 'no-such-tag-anywhere', limit: 10 });
    assert.deepEqual(none, { items: [], total: 0 });
  });

  it('follows a tag edit at once (the index keeps tags in step with the cache)', async () => {
    const contact = sandboxContacts()[7]!;
    const before: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag: 'tag-filter-probe', limit: 10 });
    assert.equal(before.total, 0);
    await h.data('ext-ghl:contacts-tags', { id: contact.id, add: ['Tag-Filter-Probe'] });
    const after1: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag: 'tag-filter-probe', limit: 10 });
    assert.deepEqual(after1.items.map((c) => c.id), [contact.id]);
    await h.data('ext-ghl:contacts-tags', { id: contact.id, remove: ['tag-filter-probe'] });
    const after2: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { tag: 'tag-filter-probe', limit: 10 });
    assert.equal(after2.total, 0);
  });

  it('bad tag input is VALIDATION, sends nothing and leaves the cache alone', async () => {
    const before: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { limit: 1 });
    h.sandbox.resetStats();
    for (const tag of ['', '   ', 42, null, ['motivated'], 'x'.repeat(101)]) {
      const answer = await h.backend.request('ext-ghl:contacts-list', { tag, limit: 5 });
      assert.equal(answer.success, false, JSON.stringify(tag));
      if (!answer.success) {
        assert.equal(answer.error.code, 'VALIDATION', `${JSON.stringify(tag)}: ${answer.error.message}`);
        assert.match(answer.error.message, /tag/);
      }
    }
    assert.equal(h.sandbox.stats.requests, 0, 'no request to GHL');
    const after: ListResult<Contact> = await h.data('ext-ghl:contacts-list', { limit: 1 });
    assert.equal(after.total, before.total);
  });

  it('opps-list with contactTag answers the deals whose cached contact carries the tag (the board\'s filter)', async () => {
    const deals: ListResult<Opportunity> = await h.data('ext-ghl:opps-list', { limit: 500 });
    assert.ok(deals.total > 0);
    const tagOf = new Map(sandboxContacts().map((c) => [c.id, c.tags]));
    const tag = sandboxContacts().flatMap((c) => c.tags).find((t) => deals.items.some((d) => tagOf.get(d.contactId ?? '')?.includes(t)))!;
    const expected = deals.items.filter((d) => tagOf.get(d.contactId ?? '')?.includes(tag)).map((d) => d.id);
    assert.ok(expected.length > 0 && expected.length < deals.total, `${tag}: ${expected.length} of ${deals.total}`);
    const filtered: ListResult<Opportunity> = await h.data('ext-ghl:opps-list', { contactTag: tag.toUpperCase(), limit: 500 });
    assert.deepEqual(filtered.items.map((d) => d.id), expected, 'the same order as unfiltered');
    assert.equal(filtered.total, expected.length);
    h.sandbox.resetStats();
    for (const contactTag of ['', ' ', 7, 'x'.repeat(101)]) {
      const answer = await h.backend.request('ext-ghl:opps-list', { contactTag, limit: 5 });
      assert.ok(!answer.success && answer.error.code === 'VALIDATION', JSON.stringify(contactTag));
    }
    assert.equal(h.sandbox.stats.requests, 0);
  });

  it('tags-list answers the cached contacts\' tags when GHL keeps failing, and says so', async () => {
    const live = await h.data('ext-ghl:tags-list', {});
    assert.equal(live.fromCache, false);
    await h.restart({ sleep: async () => undefined });
    // Every attempt (the first and its retries) answers 503.
    h.sandbox.injectFault({ method: 'GET', path: '/locations/{locationId}/tags', status: 503, times: 6 });
    const offline = await h.data('ext-ghl:tags-list', {});
    assert.equal(offline.fromCache, true);
    assert.match(offline.staleReason, /503|GHL|unavailable|server/i);
    const seen = [...new Set(sandboxContacts().flatMap((c) => c.tags))].sort((a, b) => a.localeCompare(b));
    assert.deepEqual(offline.items.map((t: { name: string }) => t.name), seen);
    // A refusal is not "offline": an auth failure stays an error.
    h.sandbox.injectFault({ method: 'GET', path: '/locations/{locationId}/tags', status: 401, times: 6 });
    const refused = await h.backend.request('ext-ghl:tags-list', {});
    assert.equal(refused.success, false);
  });
});
