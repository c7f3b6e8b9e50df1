import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REQUEST_CHANNELS } from '../../src/protocol/requests';
import { startHarness, type Harness } from '../helpers/backendHarness';

/** A payload each channel must refuse before anything reaches GHL or the cache. */
const BAD_PAYLOADS: Record<string, unknown> = {
  'ext-ghl:settings-get': { extra: 1 },
  'ext-ghl:settings-set': { token: 'x' },
  'ext-ghl:connection-test': { locationId: 'other' },
  'ext-ghl:contacts-list': { limit: 0 },
  'ext-ghl:contacts-get': { id: '' },
  'ext-ghl:contacts-create': { contact: { email: 'not-an-email' } },
  'ext-ghl:contacts-update': { id: 'abc', data: {} },
  'ext-ghl:contacts-delete': {},
  'ext-ghl:contacts-sync': { full: 'yes' },
  'ext-ghl:pipelines-list': { pipelineId: 'p' },
  'ext-ghl:opps-list': { status: 'closed' },
  'ext-ghl:opps-get': { id: 42 },
  'ext-ghl:opps-create': { opportunity: { name: 'x' } },
  'ext-ghl:opps-update': { id: 'o', data: { status: 'maybe' } },
  'ext-ghl:opps-update-status': { id: 'o', status: 'done' },
  'ext-ghl:opps-delete': { id: null },
  'ext-ghl:opps-sync': { since: 'yesterday' },
  'ext-ghl:convs-list': { limit: 1000 },
  'ext-ghl:convs-get': {},
  'ext-ghl:convs-messages': { conversationId: 'c', limit: -1 },
  'ext-ghl:convs-send': { conversationId: 'c', type: 'Fax', message: 'hi' },
  'ext-ghl:convs-mark-read': { id: '   ' },
  'ext-ghl:convs-star': { id: 'c', starred: 'yes' },
  'ext-ghl:convs-poll': { since: -5 },
  'ext-ghl:users-list': { locationId: 'other' },
  'ext-ghl:cals-list': { all: true },
  'ext-ghl:cal-events-list': { startTime: 10, endTime: 5 },
  'ext-ghl:chat-send': { message: '   ' },
  'ext-ghl:chat-clear': { now: true },
  'ext-ghl:chat-confirm': { actionId: 'a', approve: 'yes' },
  'ext-ghl:chat-stop': { turnId: 't' },
  'ext-ghl:chat-history': { all: true },
  'ext-ghl:chat-open': { kind: 'deal', id: 'o' },
  'ext-ghl:opps-stage-summary': {},
  'ext-ghl:arv-enrich-start': { force: 'always' },
  'ext-ghl:arv-enrich-status': { id: 'x' },
  'ext-ghl:arv-enrich-plan': { pipelineName: 42 },
  'ext-ghl:arv-enrich-cancel': { runId: 'x' },
  'ext-ghl:arv-estimates-list': { opportunityIds: [''] },
  'ext-ghl:arv-create-field': { name: 'ARV' },
  'ext-ghl:custom-fields-list': { model: 'contact' },
  'ext-ghl:location-get': { locationId: 'other' },
  'ext-ghl:cal-free-slots': { calendarId: '', startDate: 1, endDate: 2 },
  'ext-ghl:appointments-create': { calendarId: 'c', contactId: 'x' },
  'ext-ghl:appointments-update': { eventId: 'e', data: {} },
  'ext-ghl:appointments-delete': { eventId: 42 },
  'ext-ghl:cal-agenda': { from: 1, to: 2, source: 'disk' },
  'ext-ghl:arv-analyze': { opportunityId: 'o', refresh: 'yes' },
  'ext-ghl:arv-comps-set': { opportunityId: 'o', compId: 'c', excluded: 'no' },
  'ext-ghl:arv-save': {},
  // #17
  'ext-ghl:notes-list': {},
  'ext-ghl:notes-create': { contactId: 'c1', body: '   ' },
  'ext-ghl:notes-update': { contactId: 'c1', noteId: 'n1', body: '' },
  'ext-ghl:notes-delete': { contactId: 'c1' },
  'ext-ghl:tasks-list': { status: 'pending' },
  'ext-ghl:tasks-sync': { full: true },
  'ext-ghl:tasks-create': { contactId: 'c1', title: 'Call', dueDate: 'next friday' },
  'ext-ghl:tasks-update': { contactId: 'c1', taskId: 't1', data: {} },
  'ext-ghl:tasks-complete': { contactId: 'c1', taskId: 't1', completed: 'yes' },
  'ext-ghl:tasks-delete': { taskId: 't1' },
  'ext-ghl:tags-list': { locationId: 'other' },
  'ext-ghl:contacts-tags': { id: 'c1' },
  'ext-ghl:contacts-bulk-tags': { ids: Array.from({ length: 1001 }, (_, i) => `c${i}`), add: ['x'] },
  'ext-ghl:contacts-bulk-tags-cancel': { runId: 'r1' },
  'ext-ghl:workflows-list': { status: 'published' },
  'ext-ghl:contacts-workflow': { id: 'c1', workflowId: 'w1', action: 'enroll' },
};

describe('backend: bad input and API failures', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 120, opportunities: 30, conversations: 3 } });
    await h.data('ext-ghl:contacts-sync');
    await h.data('ext-ghl:opps-sync');
  });
  after(async () => h.close());

  it('refuses a bad payload on every channel with VALIDATION, no API call and no cache change', async () => {
    assert.deepEqual(Object.keys(BAD_PAYLOADS).sort(), [...REQUEST_CHANNELS].sort());
    const before = (await h.data('ext-ghl:contacts-list', { limit: 500 })).items;
    h.sandbox.resetStats();
    for (const [channel, payload] of Object.entries(BAD_PAYLOADS)) {
      const response = await h.backend.request(channel, payload);
      assert.equal(response.success, false, channel);
      if (response.success) continue;
      assert.equal(response.error.code, 'VALIDATION', `${channel}: ${response.error.message}`);
      assert.ok((response.error.details as { fields: unknown[] }).fields.length > 0, channel);
    }
    for (const payload of [null, 'text', 7, [1, 2]]) {
      const response = await h.backend.request('ext-ghl:contacts-get', payload);
      assert.equal(!response.success && response.error.code, 'VALIDATION');
    }
    assert.equal(h.sandbox.stats.requests, 0, 'no request reached GHL');
    assert.deepEqual((await h.data('ext-ghl:contacts-list', { limit: 500 })).items, before);
  });

  it('maps 404 to NOT_FOUND and leaves the cache as it was', async () => {
    const contact = (await h.data('ext-ghl:contacts-list', { limit: 1 })).items[0];
    h.sandbox.store.contacts.delete(contact.id);
    const response = await h.backend.request('ext-ghl:contacts-update', { id: contact.id, data: { city: 'Nowhere' } });
    assert.equal(!response.success && response.error.code, 'NOT_FOUND');
    assert.deepEqual(await h.data('ext-ghl:contacts-get', { id: contact.id }), contact);
  });

  it('maps 422 to API with GHL\'s messages joined', async () => {
    h.sandbox.injectFault({ method: 'POST', path: '/contacts/', status: 422, body: { statusCode: 422, message: ['email must be an email', 'phone is invalid'], error: 'Unprocessable Entity' } });
    const response = await h.backend.request('ext-ghl:contacts-create', { contact: { firstName: 'Bo' } });
    assert.equal(response.success, false);
    if (response.success) return;
    assert.equal(response.error.code, 'API');
    assert.match(response.error.message, /email must be an email; phone is invalid/);
    assert.equal((response.error.details as { status: number }).status, 422);
  });

  it('waits out a 429 and retries; a persistent 429 is RATE_LIMITED', async () => {
    await h.restart({ maxRetries: 1 });
    h.sandbox.resetStats();
    h.sandbox.injectFault({ path: /^\/locations\//, status: 429, times: 1 });
    const retried = await h.backend.request('ext-ghl:connection-test', {});
    assert.equal(retried.success, true);
    assert.equal(h.sandbox.stats.requests, 2, 'one 429, one retry');
    h.sandbox.injectFault({ path: /^\/locations\//, status: 429, times: 2 });
    const limited = await h.backend.request('ext-ghl:connection-test', {});
    assert.equal(!limited.success && limited.error.code, 'RATE_LIMITED');
    await h.restart();
  });

  it('retries a 500 on a read, never on a write', async () => {
    h.sandbox.injectFault({ method: 'GET', path: '/calendars/', status: 500, times: 1 });
    assert.equal((await h.backend.request('ext-ghl:cals-list', {})).success, true);
    h.sandbox.resetStats();
    h.sandbox.injectFault({ method: 'POST', path: '/contacts/', status: 500, times: 1 });
    const write = await h.backend.request('ext-ghl:contacts-create', { contact: { firstName: 'Once' } });
    assert.equal(!write.success && write.error.code, 'API');
    assert.equal(h.sandbox.stats.byRoute['POST /contacts/'], 1);
  });

  it('times out a hung request with NETWORK', async () => {
    await h.restart({ requestTimeoutMs: 300 });
    h.sandbox.injectFault({ method: 'POST', path: '/opportunities/', hang: true, times: 1 });
    const pipeline = (await h.data('ext-ghl:pipelines-list')).items[0];
    const contact = (await h.data('ext-ghl:contacts-list', { limit: 1 })).items[0];
    // The sandbox never answers: only the client's own timeout can end this request.
    const response = await h.backend.request('ext-ghl:opps-create', {
      opportunity: { name: 'Hangs', pipelineId: pipeline.id, contactId: contact.id },
    });
    assert.equal(!response.success && response.error.code, 'NETWORK');
    await h.restart();
  });

  it('answers NETWORK when GHL cannot be reached', async () => {
    await h.restart({ apiBaseUrl: 'http://127.0.0.1:9', requestTimeoutMs: 500 });
    const response = await h.backend.request('ext-ghl:opps-create', { opportunity: { name: 'x', pipelineId: 'p', contactId: 'c' } });
    assert.equal(!response.success && response.error.code, 'NETWORK');
    await h.restart();
  });

  it('answers NOT_CONFIGURED without a token or a location', async () => {
    h.secrets.values.delete('ghl.api-token');
    await h.restart();
    const noToken = await h.backend.request('ext-ghl:connection-test', {});
    assert.equal(!noToken.success && noToken.error.code, 'NOT_CONFIGURED');
    const settings = await h.data('ext-ghl:settings-get');
    assert.equal(settings.configured, false);
    assert.equal(settings.token, null);
    h.secrets.values.set('ghl.api-token', h.sandbox.token);
    assert.equal((await h.backend.request('ext-ghl:connection-test', {})).success, true, 'a token set later is picked up');
  });

  it('never writes the token to the cache file or the log', async () => {
    await h.backend.flush();
    const files = readdirSync(h.storageDir);
    assert.ok(files.includes('ghl-cache.sqlite'), files.join(','));
    const bytes = readFileSync(path.join(h.storageDir, 'ghl-cache.sqlite'));
    assert.equal(bytes.includes(Buffer.from(h.sandbox.token)), false);
    assert.ok(h.logs.length > 0);
    assert.ok(h.logs.every((line) => !line.includes(h.sandbox.token)));
  });
});

describe('backend: cache lifecycle', () => {
  it('keeps the cache across a restart', async () => {
    const h = await startHarness({ sandbox: { contacts: 40, opportunities: 10 } });
    try {
      await h.data('ext-ghl:contacts-sync');
      await h.data('ext-ghl:opps-sync');
      await h.restart({ apiBaseUrl: 'http://127.0.0.1:9' });
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 40);
      assert.equal((await h.data('ext-ghl:opps-list')).total, 10);
      assert.equal((await h.data('ext-ghl:pipelines-list')).total, 2);
    } finally {
      await h.close();
    }
  });

  it('sets a corrupt cache file aside and starts fresh', async () => {
    const h = await startHarness({ sandbox: { contacts: 15 } });
    try {
      await h.backend.dispose();
      const file = path.join(h.storageDir, 'ghl-cache.sqlite');
      writeFileSync(file, Buffer.from('this is not a database, just junk bytes'.repeat(50)));
      await h.restart();
      assert.ok(h.backend.recoveredCache);
      assert.ok(readdirSync(h.storageDir).some((f) => f.startsWith('ghl-cache.sqlite.corrupt-')));
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 0);
      assert.equal((await h.data('ext-ghl:contacts-sync')).synced, 15);
      assert.ok(h.logs.some((l) => l.includes('moved')), 'the log says so');
    } finally {
      await h.close();
    }
  });

  it('prunes contacts GHL no longer has, only after a complete pass', async () => {
    const h = await startHarness({ sandbox: { contacts: 700 } });
    try {
      await h.data('ext-ghl:contacts-sync');
      const doomed = [...h.sandbox.store.contacts.keys()].slice(0, 3);
      for (const id of doomed) h.sandbox.store.contacts.delete(id);
      // A pass that fails half-way must not prune anything.
      h.sandbox.injectFault({ method: 'POST', path: '/contacts/search', status: 401, times: 1 });
      const failed = await h.backend.request('ext-ghl:contacts-sync', {});
      assert.equal(!failed.success && failed.error.code, 'AUTH');
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 700);
      const result = await h.data('ext-ghl:contacts-sync', { full: true });
      assert.equal(result.synced, 697);
      assert.equal(result.pruned, 3);
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 697);
    } finally {
      await h.close();
    }
  });

  it('joins a second sync request to the one running', async () => {
    const h = await startHarness({ sandbox: { contacts: 1100 } });
    try {
      h.sandbox.resetStats();
      const [a, b] = await Promise.all([h.data('ext-ghl:contacts-sync'), h.data('ext-ghl:contacts-sync')]);
      assert.deepEqual(a, b);
      assert.equal(h.sandbox.stats.byRoute['POST /contacts/search'], 3);
    } finally {
      await h.close();
    }
  });

  it('cancels a sync between pages and keeps a consistent cache', async () => {
    const h = await startHarness({ sandbox: { contacts: 2600, latencyMs: 30 } });
    try {
      const running = h.backend.request('ext-ghl:contacts-sync', {});
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (h.pushes.length > 0) {
            clearInterval(check);
            resolve();
          }
        }, 2);
      });
      h.backend.cancelSync('contacts');
      const response = await running;
      assert.equal(!response.success && response.error.code, 'CANCELLED');
      const cached = (await h.data('ext-ghl:contacts-list')).total;
      assert.ok(cached > 0 && cached < 2600 && cached % 500 === 0, `whole pages only: ${cached}`);
      assert.equal((await h.data('ext-ghl:contacts-sync')).synced, 2600);
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 2600);
    } finally {
      await h.close();
    }
  });
});
