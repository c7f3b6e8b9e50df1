import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateStore, startSandbox, type Sandbox, type SandboxContact } from '../sandbox/server';
import { parseArgs } from '../sandbox/cli';
import { pollUntil } from '../helpers/waitUntil';

const V1 = '2021-07-28';
const V2 = '2021-04-15';
const DAY = 86_400_000;

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  version?: string | null;
  token?: string | null;
  signal?: AbortSignal;
}

function client(sb: Sandbox) {
  return async (method: string, path: string, opts: CallOptions = {}) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = opts.token === undefined ? sb.token : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const version = opts.version === undefined ? (/^\/(conversations|calendars)/.test(path) ? V2 : V1) : opts.version;
    if (version !== null) headers.Version = version;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(sb.url + path, { method, headers, body, signal: opts.signal });
    const text = await res.text();
    const json: any = text ? JSON.parse(text) : null;
    return { status: res.status, json, headers: res.headers };
  };
}

let sb: Sandbox;
let call: ReturnType<typeof client>;
/** The shared sandbox's clock: a test moves it forward where it needs a later timestamp. */
let sandboxTime = Date.parse('2026-01-05T15:00:00Z');
before(async () => {
  sb = await startSandbox({ now: () => sandboxTime });
  call = client(sb);
});
after(async () => {
  await sb.close();
});

test('data: deterministic, realistic contacts with strictly increasing dateAdded', () => {
  const now = Date.parse('2026-03-10T15:00:00Z');
  const a = generateStore({ seed: 7, contacts: 300, now });
  const b = generateStore({ seed: 7, contacts: 300, now });
  const c = generateStore({ seed: 8, contacts: 300, now });
  assert.deepEqual([...a.contacts.values()], [...b.contacts.values()]);
  assert.deepEqual([...a.opportunities.values()], [...b.opportunities.values()]);
  assert.notDeepEqual([...a.contacts.keys()], [...c.contacts.keys()]);
  const list = a.contactsByDateAdded;
  assert.equal(list.length, 300);
  const emails = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    assert.match(x.id, /^[A-Za-z0-9]{20}$/);
    if (i > 0) assert.ok(list[i - 1]!.dateAdded < x.dateAdded, 'strictly increasing dateAdded');
    assert.ok(x.dateUpdated >= x.dateAdded);
    assert.ok(Date.parse(x.dateAdded) > now - 740 * DAY && Date.parse(x.dateUpdated) <= now);
    if (x.email) {
      assert.equal(x.email, x.email.toLowerCase());
      assert.ok(!emails.has(x.email), 'unique email');
      emails.add(x.email);
    }
    if (x.phone) assert.match(x.phone, /^\+1555\d{7}$/);
  }
  assert.ok(list.some((x) => !x.email) && list.some((x) => !x.phone) && list.some((x) => !x.companyName), 'realistic gaps');
  assert.ok(list.some((x) => x.customFields.length > 0 && x.tags.length > 0));
  for (const o of a.opportunities.values()) {
    const contact = a.contacts.get(o.contactId);
    assert.ok(contact, 'opportunity linked to a seeded contact');
    const p = a.pipelines.find((pp) => pp.id === o.pipelineId)!;
    assert.ok(p.stages.some((s) => s.id === o.pipelineStageId));
    assert.ok(o.createdAt >= contact.dateAdded);
  }
});

// How fast 200k contacts generate and a page over them answers is a figure: npm run bench prints it.
test('data: a large sandbox pages from searchAfter deep into the list', async () => {
  const big = await startSandbox({ contacts: 20_000, opportunities: 0, conversations: 0 });
  try {
    assert.equal(big.store.contacts.size, 20_000);
    const bigCall = client(big);
    const mid = big.store.contactsByDateAdded[15_000]!;
    const key = [Date.parse(mid.dateAdded), mid.id];
    const r = await bigCall('POST', '/contacts/search', { body: { locationId: big.locationId, pageLimit: 500, searchAfter: key } });
    assert.equal(r.status, 200);
    assert.equal(r.json.total, 20_000);
    assert.equal(r.json.contacts.length, 500);
    assert.equal(r.json.contacts[0].id, big.store.contactsByDateAdded[15_001]!.id);
  } finally {
    await big.close();
  }
});

test('auth, Version header, location access', async () => {
  const none = await call('GET', `/locations/${sb.locationId}`, { token: null });
  assert.equal(none.status, 401);
  assert.deepEqual(none.json, { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' });
  assert.equal((await call('GET', `/locations/${sb.locationId}`, { token: 'nope' })).status, 401);
  const noVersion = await call('GET', `/locations/${sb.locationId}`, { version: null });
  assert.equal(noVersion.status, 400);
  assert.deepEqual(noVersion.json, { statusCode: 400, message: 'Version header is missing or invalid' });
  assert.equal((await call('GET', `/locations/${sb.locationId}`, { version: V2 })).status, 400, 'locations need 2021-07-28');
  assert.equal((await call('GET', `/calendars/?locationId=${sb.locationId}`, { version: V1 })).status, 400, 'calendars need 2021-04-15');
  const foreign = await call('POST', '/contacts/search', { body: { locationId: 'someone-else' } });
  assert.equal(foreign.status, 403);
  assert.deepEqual(foreign.json, { statusCode: 403, message: 'The token does not have access to this location.' });
  assert.equal((await call('GET', '/opportunities/pipelines?locationId=other')).status, 403);
  assert.equal((await call('GET', '/locations/other')).status, 403);
  const missing = await call('POST', '/contacts/search', { body: { pageLimit: 5 } });
  assert.equal(missing.status, 422);
  assert.ok(Array.isArray(missing.json.message));
  assert.equal(missing.json.error, 'Unprocessable Entity');
});

test('GET /locations/{id} answers the location with its time zone, like GHL; the zone is configurable', async () => {
  const r = await call('GET', `/locations/${sb.locationId}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.location.id, sb.locationId);
  assert.equal(r.json.location.timezone, 'America/Chicago');
  const kolkata = generateStore({ locationTimeZone: 'Asia/Kolkata', contacts: 1, opportunities: 0, conversations: 0 });
  assert.equal(kolkata.location.timezone, 'Asia/Kolkata');
});

test('unknown routes, malformed JSON, oversized bodies', async () => {
  const r = await call('GET', '/x');
  assert.equal(r.status, 404);
  assert.equal(r.json.message, 'Cannot GET /x');
  assert.equal((await call('PATCH', '/contacts/abc', { body: {} })).status, 404);
  const bad = await call('POST', '/contacts/search', { rawBody: '{"locationId": ' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.statusCode, 400);
  assert.equal((await call('POST', '/contacts/search', { rawBody: '[1,2]' })).status, 400);
  const huge = await call('POST', '/contacts/', { rawBody: JSON.stringify({ locationId: sb.locationId, firstName: 'x'.repeat(1_100_000) }) });
  assert.equal(huge.status, 413);
});

test('location and custom fields', async () => {
  const loc = await call('GET', `/locations/${sb.locationId}`);
  assert.equal(loc.status, 200);
  assert.equal(loc.json.location.id, sb.locationId);
  assert.equal(loc.json.location.name, 'Sandbox Realty');
  for (const k of ['email', 'phone', 'timezone', 'address', 'city', 'state', 'country', 'postalCode']) assert.ok(k in loc.json.location, k);
  const all = await call('GET', `/locations/${sb.locationId}/customFields?model=all`);
  assert.equal(all.json.customFields.length, 9);
  const arv = all.json.customFields.find((f: { name: string }) => f.name === 'ARV');
  assert.deepEqual([arv.dataType, arv.model, arv.fieldKey, arv.locationId], ['MONETORY', 'contact', 'contact.arv', sb.locationId]);
  assert.ok(all.json.customFields.some((f: { name: string; dataType: string }) => f.name === 'Property Address' && f.dataType === 'TEXT'));
  const opp = await call('GET', `/locations/${sb.locationId}/customFields?model=opportunity`);
  assert.ok(opp.json.customFields.length >= 1 && opp.json.customFields.every((f: { model: string }) => f.model === 'opportunity'));
  assert.equal((await call('GET', `/locations/${sb.locationId}/customFields?model=bogus`)).status, 422);
});

type Hit = SandboxContact & { searchAfter: [number, string] };

test('contacts search: searchAfter walks every contact once in (dateAdded, id) order', async () => {
  const seen: Hit[] = [];
  let searchAfter: [number, string] | undefined;
  for (let i = 0; i < 10; i++) {
    const r = await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 100, ...(searchAfter && { searchAfter }) } });
    assert.equal(r.status, 200);
    assert.equal(r.json.total, sb.store.contacts.size);
    seen.push(...r.json.contacts);
    if (r.json.contacts.length < 100) break;
    searchAfter = r.json.contacts.at(-1).searchAfter;
  }
  assert.equal(seen.length, sb.store.contacts.size);
  assert.equal(new Set(seen.map((c) => c.id)).size, seen.length);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.dateAdded < seen[i]!.dateAdded);
  assert.deepEqual(seen[0]!.searchAfter, [Date.parse(seen[0]!.dateAdded), seen[0]!.id]);
  const { searchAfter: _drop, ...plain } = seen[0]!;
  assert.deepEqual(plain, sb.store.contacts.get(seen[0]!.id));

  const page3 = await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 20, page: 3 } });
  assert.deepEqual(page3.json.contacts.map((c: Hit) => c.id), seen.slice(40, 60).map((c) => c.id));
  const defaults = await call('POST', '/contacts/search', { body: { locationId: sb.locationId } });
  assert.equal(defaults.json.contacts.length, 20, 'default pageLimit 20');
});

test('contacts search: validation limits', async () => {
  const tooBig = await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 501 } });
  assert.equal(tooBig.status, 422);
  assert.deepEqual(tooBig.json.message, ['pageLimit must not be greater than 500']);
  const deep = await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 500, page: 21 } });
  assert.equal(deep.status, 422);
  assert.match(deep.json.message[0], /use searchAfter/);
  assert.equal((await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 500, page: 20 } })).status, 200);
  assert.equal((await call('POST', '/contacts/search', { body: { locationId: sb.locationId, searchAfter: 'x' } })).status, 422);
  assert.equal((await call('POST', '/contacts/search', { body: { locationId: sb.locationId, sort: [{ field: 'email', direction: 'asc' }] } })).status, 422);
});

test('contacts search: query, range filters (flat and grouped) and sort', async () => {
  const all = [...sb.store.contacts.values()];
  const target = all.find((c) => c.companyName)!;
  const q = await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 500, query: target.companyName!.toUpperCase() } });
  const expected = all.filter(
    (c) => c.companyName?.toLowerCase().includes(target.companyName!.toLowerCase()) || c.contactName?.toLowerCase().includes(target.companyName!.toLowerCase()),
  );
  assert.equal(q.json.total, expected.length);
  assert.ok(q.json.contacts.some((c: Hit) => c.id === target.id));

  const sorted = all.map((c) => c.dateUpdated).sort();
  const cut = sorted[Math.floor(sorted.length / 2)]!;
  const want = all.filter((c) => c.dateUpdated >= cut).length;
  const flat = await call('POST', '/contacts/search', {
    body: { locationId: sb.locationId, pageLimit: 500, filters: [{ field: 'dateUpdated', operator: 'range', value: { gte: cut } }] },
  });
  assert.equal(flat.json.total, want);
  assert.ok(flat.json.contacts.every((c: Hit) => c.dateUpdated >= cut));
  const grouped = await call('POST', '/contacts/search', {
    body: {
      locationId: sb.locationId,
      pageLimit: 500,
      filters: [{ group: 'AND', filters: [{ field: 'dateUpdated', operator: 'range', value: { gte: Date.parse(cut) } }] }],
    },
  });
  assert.equal(grouped.json.total, want);
  const bad = await call('POST', '/contacts/search', { body: { locationId: sb.locationId, filters: [{ field: 'dateUpdated', operator: 'range', value: { gt: 'soon' } }] } });
  assert.equal(bad.status, 422);

  const desc = await call('POST', '/contacts/search', {
    body: { locationId: sb.locationId, pageLimit: 10, sort: [{ field: 'dateUpdated', direction: 'desc' }] },
  });
  const top = desc.json.contacts as Hit[];
  for (let i = 1; i < top.length; i++) assert.ok(top[i - 1]!.dateUpdated >= top[i]!.dateUpdated);
  assert.equal(top[0]!.dateUpdated, sorted.at(-1));
  assert.equal(top[0]!.searchAfter[0], Date.parse(top[0]!.dateUpdated), 'searchAfter uses the sort field');
  const next = await call('POST', '/contacts/search', {
    body: { locationId: sb.locationId, pageLimit: 10, sort: [{ field: 'dateUpdated', direction: 'desc' }], searchAfter: top.at(-1)!.searchAfter },
  });
  assert.ok(next.json.contacts[0].dateUpdated <= top.at(-1)!.dateUpdated);
  assert.ok(!top.some((c) => c.id === next.json.contacts[0].id));
});

test('touchContacts bumps dateUpdated and a field; range filter finds exactly them', async () => {
  sandboxTime += 60_000;
  const before = new Date(sandboxTime - 1).toISOString();
  const oldCities = new Map([...sb.store.contacts.values()].map((c) => [c.id, c.city]));
  const ids = sb.touchContacts(7);
  assert.equal(new Set(ids).size, 7);
  for (const id of ids) assert.notEqual(sb.store.contacts.get(id)!.city, oldCities.get(id));
  const r = await call('POST', '/contacts/search', {
    body: { locationId: sb.locationId, pageLimit: 100, filters: [{ field: 'dateUpdated', operator: 'range', value: { gte: before } }] },
  });
  assert.deepEqual(r.json.contacts.map((c: Hit) => c.id).sort(), [...ids].sort());
  assert.deepEqual(sb.touchContacts([ids[0]!, 'missing']), [ids[0]]);
});

test('contacts CRUD with GHL validation and duplicate rules', async () => {
  const created = await call('POST', '/contacts/', {
    body: { locationId: sb.locationId, firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com', tags: ['vip'], customFields: [{ key: 'arv', field_value: 450000 }] },
  });
  assert.equal(created.status, 201);
  const c = created.json.contact;
  assert.match(c.id, /^[A-Za-z0-9]{20}$/);
  assert.deepEqual([c.contactName, c.email, c.firstNameLowerCase, c.type, c.country], ['Ada Lovelace', 'ada@example.com', 'ada', 'lead', 'US']);
  assert.equal(c.customFields[0].value, 450000);
  assert.equal(sb.store.contactsByDateAdded.at(-1)!.id, c.id, 'newest contact sorts last');

  const dup = await call('POST', '/contacts/', { body: { locationId: sb.locationId, email: 'ada@example.com' } });
  assert.equal(dup.status, 400);
  assert.equal(dup.json.message, 'This location does not allow duplicated contacts.');
  assert.equal(dup.json.meta.contactId, c.id);
  assert.equal((await call('POST', '/contacts/', { body: { locationId: sb.locationId, email: 'not-an-email' } })).status, 422);
  assert.equal((await call('POST', '/contacts/', { body: { locationId: sb.locationId, city: 'Austin' } })).status, 422, 'needs a name, email or phone');
  assert.equal((await call('POST', '/contacts/', { body: { locationId: 'elsewhere', firstName: 'X' } })).status, 403);

  const got = await call('GET', `/contacts/${c.id}`);
  assert.deepEqual(got.json.contact, c);
  sandboxTime += 5;
  const upd = await call('PUT', `/contacts/${c.id}`, { body: { city: 'London', tags: ['buyer', 'vip'] } });
  assert.equal(upd.status, 200);
  assert.equal(upd.json.succeded, true);
  assert.equal(upd.json.contact.city, 'London');
  assert.ok(upd.json.contact.dateUpdated > c.dateUpdated);
  const unknown = await call('PUT', `/contacts/${c.id}`, { body: { locationId: sb.locationId } });
  assert.equal(unknown.status, 422);
  assert.deepEqual(unknown.json.message, ['property locationId should not exist']);

  const del = await call('DELETE', `/contacts/${c.id}`);
  assert.deepEqual(del.json, { succeded: true });
  const gone = await call('GET', `/contacts/${c.id}`);
  assert.equal(gone.status, 404);
  assert.deepEqual(gone.json, { statusCode: 404, message: 'Contact not found' });
  assert.equal(sb.store.contactsByDateAdded.length, sb.store.contacts.size);
  assert.equal((await call('PUT', `/contacts/${c.id}`, { body: { city: 'x' } })).status, 404);
});

test('deprecated GET /contacts/ pages with startAfter/startAfterId', async () => {
  assert.equal((await call('GET', `/contacts/?locationId=${sb.locationId}&limit=101`)).status, 422);
  const ids: string[] = [];
  let qs = `locationId=${sb.locationId}&limit=100`;
  for (let i = 0; i < 5; i++) {
    const r = await call('GET', `/contacts/?${qs}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.meta.total, sb.store.contacts.size);
    ids.push(...r.json.contacts.map((c: SandboxContact) => c.id));
    if (!r.json.meta.nextPage) {
      assert.equal(r.json.meta.nextPageUrl, null);
      break;
    }
    assert.equal(r.json.meta.startAfterId, ids.at(-1));
    qs = `locationId=${sb.locationId}&limit=100&startAfter=${r.json.meta.startAfter}&startAfterId=${r.json.meta.startAfterId}`;
  }
  assert.deepEqual(ids, sb.store.contactsByDateAdded.map((c) => c.id));
});

test('pipelines and opportunities search (cursor, meta, quirk, validation)', async () => {
  const p = await call('GET', `/opportunities/pipelines?locationId=${sb.locationId}`);
  assert.deepEqual(p.json.pipelines.map((x: { name: string }) => x.name), ['Sales Pipeline', 'Acquisitions']);
  assert.deepEqual(p.json.pipelines[0].stages.map((s: { name: string; position: number }) => `${s.position}:${s.name}`), [
    '0:New Lead', '1:Contacted', '2:Appointment Set', '3:Offer Made', '4:Under Contract',
  ]);
  assert.equal(p.json.pipelines[1].stages.length, 4);
  assert.equal(p.json.pipelines[0].showInFunnel, true);

  const base = `/opportunities/search?location_id=${sb.locationId}&limit=25`;
  const seen: Array<{ id: string; createdAt: string; contact: { id: string } }> = [];
  let first: { json: { opportunities: Array<{ id: string }>; meta: Record<string, unknown> } } | undefined;
  let url = base;
  for (let i = 0; i < 10; i++) {
    const r = await call('GET', url);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.aggregations, {});
    assert.equal(r.json.meta.total, sb.store.opportunities.size);
    first ??= r;
    seen.push(...r.json.opportunities);
    if (r.json.meta.nextPage === null) {
      assert.equal('startAfterId' in r.json.meta, false);
      break;
    }
    assert.equal(r.json.meta.startAfterId, r.json.opportunities.at(-1).id);
    assert.equal(r.json.meta.startAfter, Date.parse(r.json.opportunities.at(-1).createdAt));
    url = `${base}&startAfter=${r.json.meta.startAfter}&startAfterId=${r.json.meta.startAfterId}`;
  }
  assert.equal(seen.length, sb.store.opportunities.size);
  assert.equal(new Set(seen.map((o) => o.id)).size, seen.length);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.createdAt <= seen[i]!.createdAt);
  assert.ok(seen.every((o) => sb.store.contacts.has(o.contact.id)));

  // FAITHFUL QUIRK: startAfter without startAfterId returns the first page again.
  const quirk = await call('GET', `${base}&startAfter=${first!.json.meta.startAfter}`);
  assert.deepEqual(quirk.json.opportunities.map((o: { id: string }) => o.id), first!.json.opportunities.map((o) => o.id));

  const won = await call('GET', `/opportunities/search?location_id=${sb.locationId}&status=won&limit=100`);
  assert.ok(won.json.opportunities.every((o: { status: string }) => o.status === 'won'));
  assert.equal(won.json.meta.total, [...sb.store.opportunities.values()].filter((o) => o.status === 'won').length);
  assert.equal((await call('GET', `/opportunities/search?location_id=${sb.locationId}&limit=101`)).status, 422);
  const camel = await call('GET', `/opportunities/search?locationId=${sb.locationId}`);
  assert.equal(camel.status, 422, 'location_id is snake_case');
  const extra = await call('GET', `/opportunities/search?location_id=${sb.locationId}&foo=1`);
  assert.deepEqual(extra.json.message, ['property foo should not exist']);
});

test('opportunities CRUD and status', async () => {
  const [sales, acq] = sb.store.pipelines;
  const contact = sb.store.contactsByDateAdded[3]!;
  const body = { pipelineId: sales!.id, locationId: sb.locationId, name: 'Deal', status: 'open', contactId: contact.id, monetaryValue: 1234 };
  const missing = await call('POST', '/opportunities/', { body: { locationId: sb.locationId } });
  assert.equal(missing.status, 422);
  assert.ok(missing.json.message.some((m: string) => m.startsWith('pipelineId')));
  assert.equal((await call('POST', '/opportunities/', { body: { ...body, pipelineStageId: acq!.stages[0]!.id } })).status, 422);
  assert.equal((await call('POST', '/opportunities/', { body: { ...body, contactId: 'nobody' } })).status, 400);
  const created = await call('POST', '/opportunities/', { body });
  assert.equal(created.status, 201);
  const o = created.json.opportunity;
  assert.equal(o.pipelineStageId, sales!.stages[0]!.id, 'defaults to the first stage');
  assert.equal(o.contact.id, contact.id);
  assert.equal(o.monetaryValue, 1234);

  assert.equal((await call('PUT', `/opportunities/${o.id}`, { body: { pipelineStageId: acq!.stages[1]!.id } })).status, 422);
  sandboxTime += 5;
  const moved = await call('PUT', `/opportunities/${o.id}`, { body: { pipelineStageId: sales!.stages[2]!.id, monetaryValue: 5000 } });
  assert.equal(moved.status, 200);
  assert.equal(moved.json.opportunity.pipelineStageId, sales!.stages[2]!.id);
  assert.ok(moved.json.opportunity.updatedAt > o.updatedAt);
  const switched = await call('PUT', `/opportunities/${o.id}`, { body: { pipelineId: acq!.id, pipelineStageId: acq!.stages[3]!.id } });
  assert.equal(switched.json.opportunity.pipelineId, acq!.id);

  assert.equal((await call('PUT', `/opportunities/${o.id}/status`, { body: { status: 'closed' } })).status, 422);
  assert.deepEqual((await call('PUT', `/opportunities/${o.id}/status`, { body: { status: 'won' } })).json, { succeded: true });
  assert.equal((await call('GET', `/opportunities/${o.id}`)).json.opportunity.status, 'won');
  assert.deepEqual((await call('DELETE', `/opportunities/${o.id}`)).json, { succeded: true });
  const gone = await call('GET', `/opportunities/${o.id}`);
  assert.equal(gone.status, 404);
});

test('conversations: search, nested messages paging, sending', async () => {
  const s = await call('GET', `/conversations/search?locationId=${sb.locationId}&limit=100`);
  assert.equal(s.status, 200);
  assert.equal(s.json.total, 20);
  const convs = s.json.conversations;
  for (let i = 1; i < convs.length; i++) assert.ok(convs[i - 1].lastMessageDate >= convs[i].lastMessageDate, 'newest first');
  assert.equal(convs[0].type, 'TYPE_PHONE');
  assert.equal((await call('GET', `/conversations/search?locationId=${sb.locationId}&limit=101`)).status, 422);
  const byContact = await call('GET', `/conversations/search?locationId=${sb.locationId}&contactId=${convs[3].contactId}`);
  assert.deepEqual(byContact.json.conversations.map((c: { id: string }) => c.id), [convs[3].id]);

  const conv = [...sb.store.conversations.values()].find((c) => sb.store.messages.get(c.id)!.length >= 5)!;
  const one = await call('GET', `/conversations/${conv.id}`);
  assert.equal(one.json.id, conv.id);
  assert.equal(one.json.contactId, conv.contactId);
  const stored = sb.store.messages.get(conv.id)!;
  const ids: string[] = [];
  let qs = 'limit=2';
  for (let i = 0; i < 10; i++) {
    const r = await call('GET', `/conversations/${conv.id}/messages?${qs}`);
    assert.equal(r.status, 200);
    assert.equal(Array.isArray(r.json.messages), false, 'really nested');
    const page = r.json.messages;
    ids.push(...page.messages.map((m: { id: string }) => m.id));
    assert.equal(page.lastMessageId, page.messages.at(-1).id);
    if (!page.nextPage) break;
    qs = `limit=2&lastMessageId=${page.lastMessageId}`;
  }
  assert.deepEqual(ids, stored.map((m) => m.id).reverse());
  assert.equal((await call('GET', `/conversations/nope/messages`)).status, 404);

  const sent = await call('POST', '/conversations/messages', { body: { type: 'SMS', contactId: conv.contactId, message: 'Hello there' } });
  assert.equal(sent.status, 200);
  assert.deepEqual(Object.keys(sent.json).sort(), ['conversationId', 'messageId', 'msg']);
  assert.equal(sent.json.conversationId, conv.id);
  const newest = await call('GET', `/conversations/${conv.id}/messages?limit=1`);
  assert.equal(newest.json.messages.messages[0].id, sent.json.messageId);
  assert.equal(newest.json.messages.messages[0].body, 'Hello there');
  assert.equal(sb.store.conversations.get(conv.id)!.lastMessageBody, 'Hello there');

  const noSubject = await call('POST', '/conversations/messages', { body: { type: 'Email', contactId: conv.contactId, message: 'x' } });
  assert.equal(noSubject.status, 422);
  assert.equal((await call('POST', '/conversations/messages', { body: { type: 'Email', contactId: conv.contactId, subject: 'Hi', html: '<p>x</p>' } })).status, 200);
  assert.equal((await call('POST', '/conversations/messages', { body: { type: 'Fax', contactId: conv.contactId, message: 'x' } })).status, 422);
  const unknown = await call('POST', '/conversations/messages', { body: { type: 'SMS', contactId: 'nobody', message: 'x' } });
  assert.equal(unknown.status, 400);
  const fresh = [...sb.store.contacts.values()].find((c) => ![...sb.store.conversations.values()].some((cv) => cv.contactId === c.id))!;
  const created = await call('POST', '/conversations/messages', { body: { type: 'SMS', contactId: fresh.id, message: 'first' } });
  assert.equal(sb.store.conversations.get(created.json.conversationId)!.contactId, fresh.id, 'creates a conversation');
});

test('calendars and events', async () => {
  const cals = await call('GET', `/calendars/?locationId=${sb.locationId}`);
  assert.deepEqual(cals.json.calendars.map((c: { name: string }) => c.name), ['Showings', 'Listing Appointments']);
  assert.equal(cals.json.calendars[0].calendarType, 'event');
  const calId = cals.json.calendars[0].id;
  const dayStart = Math.floor(sandboxTime / DAY) * DAY;
  const range = `startTime=${dayStart}&endTime=${dayStart + 15 * DAY}`;
  assert.equal((await call('GET', `/calendars/events?locationId=${sb.locationId}&${range}`)).status, 422, 'needs a selector');
  assert.equal(
    (await call('GET', `/calendars/events?locationId=${sb.locationId}&calendarId=${calId}&groupId=g&${range}`)).status,
    422,
    'exactly one selector',
  );
  assert.equal((await call('GET', `/calendars/events?locationId=${sb.locationId}&calendarId=${calId}&startTime=${dayStart}`)).status, 422);
  const ev = await call('GET', `/calendars/events?locationId=${sb.locationId}&calendarId=${calId}&${range}`);
  assert.equal(ev.status, 200);
  assert.ok(ev.json.events.length >= 5);
  assert.ok(ev.json.events.every((e: { calendarId: string }) => e.calendarId === calId));
  const today = await call('GET', `/calendars/events?locationId=${sb.locationId}&calendarId=${calId}&startTime=${dayStart}&endTime=${dayStart + DAY - 1}`);
  assert.ok(today.json.events.length >= 1, 'some events today');
  for (const e of today.json.events) {
    const t = Date.parse(e.startTime);
    assert.ok(t >= dayStart && t < dayStart + DAY);
    assert.ok(Date.parse(e.endTime) > t);
  }
});

test('stats count requests by route; resetStats clears them', async () => {
  sb.resetStats();
  assert.deepEqual(sb.stats, { requests: 0, rateLimited: 0, byRoute: {} });
  await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 1 } });
  await call('POST', '/contacts/search', { body: { locationId: sb.locationId, pageLimit: 1 } });
  await call('GET', `/contacts/${sb.store.contactsByDateAdded[0]!.id}`);
  assert.equal(sb.stats.requests, 3);
  assert.equal(sb.stats.byRoute['POST /contacts/search'], 2);
  assert.equal(sb.stats.byRoute['GET /contacts/{contactId}'], 1);
  assert.equal((await call('GET', '/contacts/search/x')).status, 404);
});

test('without a configured limiter no X-RateLimit headers are sent', async () => {
  const r = await call('GET', `/locations/${sb.locationId}`);
  assert.equal(r.headers.get('x-ratelimit-max'), null);
  assert.equal(r.headers.get('x-ratelimit-remaining'), null);
});

test('rate limit: fixed burst window and daily budget', async () => {
  let clock = 1_000_000;
  const limited = await startSandbox({ contacts: 5, opportunities: 2, conversations: 1, rateLimit: { max: 3, intervalMs: 10_000, dailyMax: 5 }, now: () => clock });
  try {
    const c = client(limited);
    const path = `/locations/${limited.locationId}`;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await c('GET', path);
      assert.equal(r.status, 200);
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
      clock += 1000;
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const over = await c('GET', path);
    assert.equal(over.status, 429);
    assert.deepEqual(over.json, { statusCode: 429, message: 'Too Many Requests' });
    assert.equal(over.headers.get('x-ratelimit-max'), '3');
    assert.equal(over.headers.get('x-ratelimit-interval-milliseconds'), '10000');
    assert.equal(over.headers.get('x-ratelimit-limit-daily'), '5');
    assert.equal(over.headers.get('x-ratelimit-daily-remaining'), '2');
    assert.equal(limited.stats.rateLimited, 1);
    clock = 1_000_000 + 10_000; // the window started at the first request
    const again = await c('GET', path);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-ratelimit-remaining'), '2');
    assert.equal((await c('GET', path)).status, 200);
    const daily = await c('GET', path);
    assert.equal(daily.status, 429, 'daily budget of 5 exhausted');
    assert.equal(daily.headers.get('x-ratelimit-daily-remaining'), '0');
    assert.equal(limited.stats.rateLimited, 2);
  } finally {
    await limited.close();
  }
});

test('injectFault: status/body for N matching requests, then normal', async () => {
  sb.injectFault({ method: 'POST', path: '/contacts/search', status: 503, times: 2 });
  sb.injectFault({ path: /^\/opportunities\/pipelines/, status: 429, body: { statusCode: 429, message: 'slow down' } });
  const body = { locationId: sb.locationId, pageLimit: 1 };
  const unrelated = await call('GET', `/locations/${sb.locationId}`);
  assert.equal(unrelated.status, 200);
  const a = await call('POST', '/contacts/search', { body });
  assert.equal(a.status, 503);
  assert.deepEqual(a.json, { statusCode: 503, message: 'Service Unavailable' });
  assert.equal((await call('POST', '/contacts/search', { body })).status, 503);
  assert.equal((await call('POST', '/contacts/search', { body })).status, 200);
  const p = await call('GET', `/opportunities/pipelines?locationId=${sb.locationId}`);
  assert.deepEqual([p.status, p.json.message], [429, 'slow down']);
  assert.equal((await call('GET', `/opportunities/pipelines?locationId=${sb.locationId}`)).status, 200);
});

test('injectFault hang: the client times out and close() still returns promptly', async () => {
  const s2 = await startSandbox({ contacts: 5, opportunities: 1, conversations: 1 });
  const c = client(s2);
  s2.injectFault({ path: '/contacts/search', hang: true });
  await assert.rejects(
    c('POST', '/contacts/search', { body: { locationId: s2.locationId }, signal: AbortSignal.timeout(150) }),
    (err: Error) => err.name === 'TimeoutError' || err.name === 'AbortError',
  );
  // a second hung request stays open on the server while we close
  s2.injectFault({ path: '/contacts/search', hang: true });
  const pending = c('POST', '/contacts/search', { body: { locationId: s2.locationId } }).catch((e: Error) => e);
  await pollUntil('the hung request to reach the sandbox', () => s2.requestsInFlight > 0, { intervalMs: 5 });
  // A close() that waited for the hung socket would never return: the test would time out.
  await s2.close();
  assert.ok((await pending) instanceof Error, 'the hung request was cut off');
});

test('latencyMs delays every response', async (t) => {
  const slow = await startSandbox({ contacts: 5, opportunities: 1, conversations: 1, latencyMs: 120 });
  try {
    // The sandbox's answer timer runs on the test's clock; the request itself is real.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let answered = false;
    const response = client(slow)('GET', `/locations/${slow.locationId}`).finally(() => (answered = true));
    // setTimeout is the test's now: wait turn by turn of the event loop (bounded) for the request to arrive.
    for (let turn = 0; turn < 100_000 && slow.requestsInFlight === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(slow.requestsInFlight, 1, 'the request reached the sandbox');
    t.mock.timers.tick(119);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, 'no answer before the latency has passed');
    t.mock.timers.tick(1);
    const r = await response;
    assert.equal(r.status, 200);
  } finally {
    await slow.close();
  }
});

test('cli flags parse into sandbox options', () => {
  assert.deepEqual(parseArgs([]), { port: 4010, contacts: 2000 });
  assert.deepEqual(
    parseArgs(['--port', '0', '--contacts=50000', '--opportunities', '300', '--rate-limit', '100/10000', '--token', 'T', '--location', 'L', '--latency', '25']),
    { port: 0, contacts: 50000, opportunities: 300, rateLimit: { max: 100, intervalMs: 10000 }, token: 'T', locationId: 'L', latencyMs: 25 },
  );
});
