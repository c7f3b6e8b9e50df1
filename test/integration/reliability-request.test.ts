/**
 * Issue 8, section 3: `request(channel, payload)` never throws and never rejects, whatever an
 * in-process caller hands it; an error repeats only a bounded amount of the input; a lone
 * surrogate is bad input (VALIDATION), not a crash; a custom field's value is bounded to what
 * GHL stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ECHO_CHARS, MAX_ERROR_FIELDS } from '../../src/handlers/dispatcher';
import type { Envelope } from '../../src/protocol/envelope';
import { REQUEST_CHANNELS } from '../../src/protocol/requests';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { SETTING_LOCATION_ID } from '../../src/protocol/settings';

/** Payloads only an in-process caller can send (a worker would structured-clone them first). */
function hostilePayloads(): Array<{ label: string; payload: unknown }> {
  const throwing = () => {
    throw new Error('trap');
  };
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const deepGetter = { contact: { firstName: 'A' }, id: 'x', data: {} };
  Object.defineProperty(deepGetter.contact, 'lastName', { enumerable: true, get: throwing });
  Object.defineProperty(deepGetter.data, 'city', { enumerable: true, get: throwing });
  return [
    { label: 'a throwing getter', payload: Object.defineProperty({}, 'id', { enumerable: true, get: throwing }) },
    { label: 'a throwing getter one level down', payload: deepGetter },
    {
      label: 'a Proxy whose every trap throws',
      payload: new Proxy({}, { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing }),
    },
    { label: 'a revoked Proxy', payload: revocable.proxy },
    { label: 'a Proxy that throws a non-Error', payload: new Proxy({}, { ownKeys: () => { throw Symbol('odd'); }, get: () => { throw undefined; } }) },
  ];
}

async function settle(promise: Promise<Envelope>): Promise<Envelope | { rejected: unknown }> {
  try {
    return await promise;
  } catch (err) {
    return { rejected: err };
  }
}

describe('reliability: request() never rejects', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 30, opportunities: 10, conversations: 2 } });
    await h.data('ext-ghl:contacts-sync');
  });
  after(async () => h.close());

  it('answers VALIDATION for a throwing getter or a hostile Proxy on every channel, never a rejection, and sends nothing to GHL', async () => {
    h.sandbox.resetStats();
    const before = (await h.data('ext-ghl:contacts-list', { limit: 500 })).items;
    for (const channel of REQUEST_CHANNELS) {
      for (const { label, payload } of hostilePayloads()) {
        const answer = await settle(h.backend.request(channel, payload));
        assert.ok(!('rejected' in answer), `${channel}, ${label}: rejected with ${String((answer as { rejected: unknown }).rejected)}`);
        assert.equal(answer.success, false, `${channel}, ${label}`);
        if (answer.success) continue;
        assert.equal(answer.error.code, 'VALIDATION', `${channel}, ${label}: ${answer.error.message}`);
        assert.ok(Array.isArray((answer.error.details as { fields?: unknown }).fields), `${channel}, ${label}: fields`);
        assert.doesNotThrow(() => structuredClone(answer), 'the envelope can cross to the extension host');
      }
    }
    assert.equal(h.sandbox.stats.requests, 0);
    assert.deepEqual((await h.data('ext-ghl:contacts-list', { limit: 500 })).items, before);
  });

  it('a hostile channel name is UNKNOWN_CHANNEL, not a rejection', async () => {
    for (const channel of [new Proxy({}, { get: () => { throw new Error('trap'); } }), Symbol('x'), 'x'.repeat(100_000)]) {
      const answer = await settle(h.backend.request(channel as string, {}));
      assert.ok(!('rejected' in answer));
      assert.equal(!answer.success && answer.error.code, 'UNKNOWN_CHANNEL');
      assert.ok(JSON.stringify(answer).length < 400);
    }
  });
});

describe('reliability: what an error repeats back is bounded', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 5, opportunities: 0, conversations: 0 } });
  });
  after(async () => h.close());

  it('a 1 MB unknown key comes back cut to a couple of hundred characters, not as a 2 MB message', async () => {
    const key = 'k'.repeat(1024 * 1024);
    for (const [channel, payload] of [
      ['ext-ghl:contacts-get', { id: 'c1', [key]: 1 }],
      ['ext-ghl:contacts-create', { contact: { firstName: 'A', [key]: 1 } }],
    ] as const) {
      const answer = await h.backend.request(channel, payload);
      assert.equal(!answer.success && answer.error.code, 'VALIDATION');
      if (answer.success) continue;
      const size = JSON.stringify(answer).length;
      assert.ok(size < 2000, `${channel}: ${size} characters`);
      const fields = (answer.error.details as { fields: Array<{ field: string; message: string }> }).fields;
      assert.ok(fields.every((f) => f.field.length <= MAX_ECHO_CHARS + 40 && f.message.length <= MAX_ECHO_CHARS + 40), JSON.stringify(fields).slice(0, 500));
      assert.match(answer.error.message, /1048576 characters/, 'says how long the cut text was');
    }
  });

  it('thousands of unknown keys or bad entries give a bounded list of fields and a count of the rest', async () => {
    const manyKeys = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`unknown_${i}_${'x'.repeat(200)}`, i]));
    const keys = await h.backend.request('ext-ghl:contacts-get', { id: 'c1', ...manyKeys });
    assert.equal(!keys.success && keys.error.code, 'VALIDATION');
    assert.ok(JSON.stringify(keys).length < 2000, `${JSON.stringify(keys).length} characters`);

    const badFields = Array.from({ length: 200 }, (_, i) => ({ id: `f${i}`, value: { nested: { deeper: i } } }));
    const entries = await h.backend.request('ext-ghl:contacts-update', { id: 'c1', data: { customFields: badFields } });
    assert.equal(!entries.success && entries.error.code, 'VALIDATION');
    if (entries.success) return;
    const details = entries.error.details as { fields: unknown[]; more?: number };
    assert.equal(details.fields.length, MAX_ERROR_FIELDS);
    assert.ok((details.more ?? 0) >= 200 - MAX_ERROR_FIELDS, `more: ${details.more}`);
    assert.match(entries.error.message, /and \d+ more$/);
    assert.ok(JSON.stringify(entries).length < 20_000);
  });
});

describe('reliability: lone surrogates and custom field values', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 10, opportunities: 5, conversations: 2 } });
    await h.data('ext-ghl:contacts-sync');
  });
  after(async () => h.close());

  it('an id with a lone surrogate is VALIDATION on every channel that takes one, and nothing reaches GHL', async () => {
    h.sandbox.resetStats();
    for (const bad of ['\uD800', 'abc\uDC00', '\uDBFF']) {
      const requests: Array<[string, unknown, string]> = [
        ['ext-ghl:contacts-get', { id: bad }, 'id'],
        ['ext-ghl:contacts-update', { id: bad, data: { city: 'X' } }, 'id'],
        ['ext-ghl:contacts-delete', { id: bad }, 'id'],
        ['ext-ghl:opps-get', { id: bad }, 'id'],
        ['ext-ghl:opps-update-status', { id: bad, status: 'won' }, 'id'],
        ['ext-ghl:opps-delete', { id: bad }, 'id'],
        ['ext-ghl:opps-create', { opportunity: { name: 'x', pipelineId: bad, contactId: 'c' } }, 'opportunity.pipelineId'],
        ['ext-ghl:convs-get', { id: bad }, 'id'],
        ['ext-ghl:convs-messages', { conversationId: bad }, 'conversationId'],
        ['ext-ghl:cal-events-list', { calendarId: bad }, 'calendarId'],
        ['ext-ghl:settings-set', { locationId: bad }, 'locationId'],
        ['ext-ghl:contacts-update', { id: 'c1', data: { customFields: [{ id: bad, value: 'v' }] } }, 'data.customFields.0.id'],
      ];
      for (const [channel, payload, field] of requests) {
        const answer = await h.backend.request(channel, payload);
        assert.equal(answer.success, false, channel);
        if (answer.success) continue;
        assert.equal(answer.error.code, 'VALIDATION', `${channel}: ${answer.error.code} ${answer.error.message}`);
        const fields = (answer.error.details as { fields: Array<{ field: string; message: string }> }).fields;
        assert.ok(fields.some((f) => f.field === field && /well-formed/.test(f.message)), `${channel}: ${JSON.stringify(fields)}`);
      }
    }
    assert.equal(h.sandbox.stats.requests, 0);
    assert.equal(h.settings.get(SETTING_LOCATION_ID), h.sandbox.locationId, 'the setting was not changed');
  });

  it('a surrogate pair is ordinary text: a well-formed emoji id passes validation', async () => {
    const answer = await h.backend.request('ext-ghl:contacts-get', { id: 'id-\uD83D\uDE00' });
    assert.equal(!answer.success && answer.error.code, 'NOT_FOUND');
  });

  it('refuses custom field values GHL cannot store (a cycle, deep nesting, nested objects, non-finite numbers) before sending anything', async () => {
    const cycle: Record<string, unknown> = { a: 'x' };
    cycle.self = cycle;
    let deepArray: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deepArray = [deepArray];
    let deepObject: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deepObject = { next: deepObject };
    const refused: Array<[string, unknown]> = [
      ['a cycle', cycle],
      ['5,000 nested arrays', deepArray],
      ['5,000 nested objects', deepObject],
      ['an object in an object', { address: { street: 'Main' } }],
      ['an array of numbers', [1, 2]],
      ['an array of objects', [{ a: 1 }]],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a function', () => 1],
      ['a bigint', 10n],
      ['null', null],
      ['an object of 51 keys', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))],
      ['100 kB of text', 'x'.repeat(100_000)],
    ];
    const contact = (await h.data('ext-ghl:contacts-list', { limit: 1 })).items[0];
    h.sandbox.resetStats();
    for (const [label, value] of refused) {
      const answer = await h.backend.request('ext-ghl:contacts-update', { id: contact.id, data: { customFields: [{ id: 'f1', value }] } });
      assert.equal(!answer.success && answer.error.code, 'VALIDATION', label);
      const created = await h.backend.request('ext-ghl:contacts-create', { contact: { firstName: 'New', customFields: [{ id: 'f1', value }] } });
      assert.equal(!created.success && created.error.code, 'VALIDATION', `create: ${label}`);
    }
    assert.equal(h.sandbox.stats.requests, 0, 'nothing reached GHL');
    assert.deepEqual(await h.data('ext-ghl:contacts-get', { id: contact.id }), contact, 'the cache is as it was');
  });

  it('takes the values GHL stores: text, a number, a checkbox, a multi-select, a shallow object', async () => {
    const field = h.sandbox.store.customFields.find((f) => f.model === 'contact');
    assert.ok(field, 'the sandbox has a contact custom field');
    const contact = (await h.data('ext-ghl:contacts-list', { limit: 1 })).items[0];
    for (const value of ['Oak Street', 42.5, true, ['pool', 'garage'], { url: 'https://x.test/a.pdf', size: 1200, public: false, note: null }]) {
      const updated: { customFields: Array<{ id: string; value: unknown }> } = await h.data('ext-ghl:contacts-update', { id: contact.id, data: { customFields: [{ id: field.id, value }] } });
      assert.deepEqual(updated.customFields.find((f) => f.id === field.id)?.value, value);
    }
  });
});
