import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../helpers/backendHarness';

/** Every request channel, driven through createBackend against the GHL sandbox. */
describe('backend channels against the sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { contacts: 1234, opportunities: 230, conversations: 8 } });
  });
  after(async () => h.close());

  it('settings-get masks the token and says configured', async () => {
    const settings = await h.data('ext-ghl:settings-get');
    assert.equal(settings.configured, true);
    assert.equal(settings.locationId, h.sandbox.locationId);
    assert.notEqual(settings.token, h.sandbox.token);
    assert.ok(settings.token.endsWith(h.sandbox.token.slice(-4)));
    assert.ok(settings.token.includes('…'));
  });

  it('connection-test answers the location name', async () => {
    const result = await h.data('ext-ghl:connection-test');
    assert.deepEqual(result, { locationId: h.sandbox.locationId, locationName: 'Sandbox Realty' });
  });

  it('location-get answers the name and the location\'s time zone, read from GHL once; connection-test reads it afresh', async () => {
    h.sandbox.resetStats();
    const expected = { locationId: h.sandbox.locationId, name: 'Sandbox Realty', timeZone: 'America/Chicago', timeZoneSource: 'location' };
    assert.deepEqual(await h.data('ext-ghl:location-get'), expected, 'kept from the connection test above');
    assert.equal(h.sandbox.stats.byRoute['GET /locations/{locationId}'] ?? 0, 0);
    h.sandbox.store.location.timezone = 'Europe/Lisbon';
    await h.data('ext-ghl:connection-test');
    assert.equal(h.sandbox.stats.byRoute['GET /locations/{locationId}'], 1);
    assert.deepEqual(await h.data('ext-ghl:location-get'), { ...expected, timeZone: 'Europe/Lisbon' });
    h.sandbox.store.location.timezone = 'America/Chicago';
    await h.data('ext-ghl:connection-test');
  });

  it('contacts-sync pages through every contact with progress pushes', async () => {
    h.pushes.length = 0;
    h.sandbox.resetStats();
    const result = await h.data('ext-ghl:contacts-sync');
    assert.equal(result.synced, 1234);
    assert.equal(result.mode, 'full');
    assert.equal(h.sandbox.stats.byRoute['POST /contacts/search'], 3, 'three pages of 500');
    const progress = h.pushes.filter((p) => p.channel === 'ext-ghl:sync-progress').map((p) => p.payload as any);
    assert.deepEqual(
      progress.map((p) => p.synced),
      [500, 1000, 1234, 1234],
    );
    assert.ok(progress.every((p) => p.kind === 'contacts' && p.total === 1234));
    const list = await h.data('ext-ghl:contacts-list', { limit: 10 });
    assert.equal(list.total, 1234);
    assert.equal(list.items.length, 10);
  });

  it('contacts-list filters case-insensitively and pages', async () => {
    const someone = [...h.sandbox.store.contacts.values()].find((c: any) => c.email)!;
    const byEmail = await h.data('ext-ghl:contacts-list', { query: someone.email!.toUpperCase() });
    assert.ok(byEmail.items.some((c: any) => c.id === someone.id));
    const first = await h.data('ext-ghl:contacts-list', { limit: 5, offset: 0 });
    const second = await h.data('ext-ghl:contacts-list', { limit: 5, offset: 5 });
    assert.equal(new Set([...first.items, ...second.items].map((c: any) => c.id)).size, 10);
    const got = await h.data('ext-ghl:contacts-get', { id: someone.id });
    assert.equal(got.email, someone.email);
    assert.ok(Array.isArray(got.tags));
  });

  it('contacts-create, -update and -delete change GHL and then the cache', async () => {
    const created = await h.data('ext-ghl:contacts-create', {
      contact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', tags: ['vip'] },
    });
    assert.ok(h.sandbox.store.contacts.has(created.id));
    assert.equal((await h.data('ext-ghl:contacts-get', { id: created.id })).email, 'ada@example.com');

    const updated = await h.data('ext-ghl:contacts-update', { id: created.id, data: { city: 'London' } });
    assert.equal(updated.city, 'London');
    assert.equal((h.sandbox.store.contacts.get(created.id) as any).city, 'London');
    assert.equal((await h.data('ext-ghl:contacts-get', { id: created.id })).city, 'London');

    assert.deepEqual(await h.data('ext-ghl:contacts-delete', { id: created.id }), { id: created.id });
    assert.equal(h.sandbox.store.contacts.has(created.id), false);
    const gone = await h.backend.request('ext-ghl:contacts-get', { id: created.id });
    assert.equal(!gone.success && gone.error.code, 'NOT_FOUND');
  });

  it('opps-sync refreshes pipelines and pulls every opportunity', async () => {
    h.sandbox.resetStats();
    const result = await h.data('ext-ghl:opps-sync');
    assert.equal(result.synced, 230);
    assert.equal(result.pipelines, 2);
    assert.equal(h.sandbox.stats.byRoute['GET /opportunities/search'], 3, 'pages of 100');
    const pipelines = await h.data('ext-ghl:pipelines-list');
    assert.equal(pipelines.total, 2);
    assert.ok(pipelines.items.every((p: any) => p.stages.length >= 4));
    const all = await h.data('ext-ghl:opps-list', { limit: 500 });
    assert.equal(all.total, 230);
    const pipelineId = pipelines.items[0].id;
    const inPipeline = await h.data('ext-ghl:opps-list', { pipelineId, limit: 500 });
    assert.ok(inPipeline.total > 0 && inPipeline.total < 230);
    assert.ok(inPipeline.items.every((o: any) => o.pipelineId === pipelineId));
    const won = await h.data('ext-ghl:opps-list', { status: 'won', limit: 500 });
    {
      // Filters and orders in SQL: stage, value range, not updated since, sort.
      const sample = all.items[0]!;
      const inStage = await h.data('ext-ghl:opps-list', { pipelineId: sample.pipelineId, stageId: sample.pipelineStageId, limit: 500 });
      assert.ok(inStage.items.length > 0 && inStage.items.every((o: any) => o.pipelineStageId === sample.pipelineStageId));
      assert.equal(inStage.total, all.items.filter((o: any) => o.pipelineId === sample.pipelineId && o.pipelineStageId === sample.pipelineStageId).length);
      const mid = await h.data('ext-ghl:opps-list', { minValue: 1000, maxValue: 50_000, sort: 'value', limit: 500 });
      assert.equal(mid.total, all.items.filter((o: any) => o.monetaryValue >= 1000 && o.monetaryValue <= 50_000).length);
      assert.ok(mid.items.every((o: any, i: number, a: any[]) => i === 0 || a[i - 1]!.monetaryValue >= o.monetaryValue), 'sorted by value');
      const dated = all.items.filter((o: any) => o.updatedAt).map((o: any) => Date.parse(o.updatedAt!)).sort((a: number, b: number) => a - b);
      const cut = dated[Math.floor(dated.length / 2)]!;
      const old = await h.data('ext-ghl:opps-list', { updatedBefore: cut, sort: 'stale', limit: 500 });
      assert.equal(old.total, dated.filter((t: number) => t <= cut).length);
      assert.ok(old.items.every((o: any, i: number, a: any[]) => i === 0 || a[i - 1]!.updatedAt! <= o.updatedAt!), 'oldest change first');
      const bad = await h.backend.request('ext-ghl:opps-list', { minValue: 10, maxValue: 5 });
      assert.equal(!bad.success && bad.error.code, 'VALIDATION');
      const summary = await h.data('ext-ghl:opps-stage-summary', { pipelineId: sample.pipelineId });
      const inPipeline = all.items.filter((o: any) => o.pipelineId === sample.pipelineId);
      assert.equal(summary.stages.reduce((n: number, s: any) => n + s.count, 0), inPipeline.length);
      const stageRow = summary.stages.find((s: any) => s.stageId === sample.pipelineStageId)!;
      assert.equal(stageRow.totalValue, inPipeline.filter((o: any) => o.pipelineStageId === sample.pipelineStageId).reduce((n: number, o: any) => n + o.monetaryValue, 0));
    }
    assert.ok(won.items.every((o: any) => o.status === 'won'));
    const someone = all.items[0].contactId;
    const theirs = await h.data('ext-ghl:opps-list', { contactId: someone, limit: 500 });
    assert.ok(theirs.total >= 1);
    assert.equal(theirs.total, all.items.filter((o: any) => o.contactId === someone).length);
    assert.ok(theirs.items.every((o: any) => o.contactId === someone));
  });

  it('opps-create, -get, -update, -update-status and -delete round-trip', async () => {
    const pipeline = (await h.data('ext-ghl:pipelines-list')).items[0];
    const contact = (await h.data('ext-ghl:contacts-list', { limit: 1 })).items[0];
    const created = await h.data('ext-ghl:opps-create', {
      opportunity: { name: '12 Elm St', pipelineId: pipeline.id, pipelineStageId: pipeline.stages[0].id, contactId: contact.id, monetaryValue: 250000 },
    });
    assert.equal(created.status, 'open');
    assert.ok(h.sandbox.store.opportunities.has(created.id));
    assert.equal((await h.data('ext-ghl:opps-get', { id: created.id })).monetaryValue, 250000);

    const moved = await h.data('ext-ghl:opps-update', { id: created.id, data: { pipelineStageId: pipeline.stages[2].id } });
    assert.equal(moved.pipelineStageId, pipeline.stages[2].id);
    assert.equal((h.sandbox.store.opportunities.get(created.id) as any).pipelineStageId, pipeline.stages[2].id);

    const won = await h.data('ext-ghl:opps-update-status', { id: created.id, status: 'won' });
    assert.equal(won.status, 'won');
    assert.equal((h.sandbox.store.opportunities.get(created.id) as any).status, 'won');
    assert.equal((await h.data('ext-ghl:opps-get', { id: created.id })).status, 'won');

    await h.data('ext-ghl:opps-delete', { id: created.id });
    assert.equal(h.sandbox.store.opportunities.has(created.id), false);
    const gone = await h.backend.request('ext-ghl:opps-get', { id: created.id });
    assert.equal(!gone.success && gone.error.code, 'NOT_FOUND');
  });

  it('conversations: list, get, messages (nested shape) and send', async () => {
    const list = await h.data('ext-ghl:convs-list', { limit: 5 });
    assert.equal(list.items.length, 5);
    assert.ok(list.total >= 8);
    const conversation = await h.data('ext-ghl:convs-get', { id: list.items[0].id });
    assert.equal(conversation.id, list.items[0].id);
    const messages = await h.data('ext-ghl:convs-messages', { conversationId: conversation.id, limit: 2 });
    assert.ok(messages.items.length >= 1 && messages.items.length <= 2);
    assert.equal(typeof messages.nextPage, 'boolean');
    if (messages.nextPage) {
      const older = await h.data('ext-ghl:convs-messages', { conversationId: conversation.id, limit: 2, lastMessageId: messages.lastMessageId });
      assert.notEqual(older.items[0].id, messages.items[0].id);
    }
    const sent = await h.data('ext-ghl:convs-send', { conversationId: conversation.id, type: 'SMS', message: 'On my way' });
    assert.ok(sent.messageId);
    const latest = await h.data('ext-ghl:convs-messages', { conversationId: sent.conversationId, limit: 1 });
    assert.equal(latest.items[0].body, 'On my way');
  });

  it('calendars, events of the next 7 days, custom fields', async () => {
    const calendars = await h.data('ext-ghl:cals-list');
    assert.equal(calendars.total, 2);
    const events = await h.data('ext-ghl:cal-events-list');
    assert.ok(events.total > 0);
    const now = Date.now();
    for (const event of events.items) {
      assert.ok(Date.parse(event.startTime) < now + 7 * 86_400_000 + 60_000, event.startTime);
      assert.ok(Date.parse(event.endTime) > now - 60_000, event.endTime);
    }
    const one = await h.data('ext-ghl:cal-events-list', { calendarId: calendars.items[0].id });
    assert.ok(one.items.every((e: any) => e.calendarId === calendars.items[0].id));
    const fields = await h.data('ext-ghl:custom-fields-list');
    assert.ok(fields.items.some((f: any) => f.name === 'ARV'));
  });

  it('the core alone answers the chat without a model: slash commands from the cache, else says why', async () => {
    const reply = await h.data('ext-ghl:chat-send', { message: 'How many open deals?' });
    assert.equal(reply.model, null);
    assert.match(reply.reply, /No chat model is reachable here/);
    assert.deepEqual(reply.pendingActions, []);
    const found = await h.data('ext-ghl:chat-send', { message: '/find a' });
    assert.ok(found.toolCalls.length >= 1 && found.toolCalls[0]!.ok, JSON.stringify(found.toolCalls));
    assert.equal((await h.data('ext-ghl:chat-history')).entries.length, 4);
    assert.equal((await h.data('ext-ghl:chat-confirm', { actionId: 'nope', approve: true })).status, 'unknown');
    assert.deepEqual(await h.data('ext-ghl:chat-clear'), { cleared: true });
    assert.equal((await h.data('ext-ghl:chat-history')).entries.length, 0);
    // ARV enrichment is real now: test/integration/arv-channels.test.ts.
    assert.equal((await h.data('ext-ghl:arv-enrich-status')).status, 'idle');
  });

  it('settings-set stores the token in secrets only and resets the client', async () => {
    const view = await h.data('ext-ghl:settings-set', { defaultPipeline: 'Sales Pipeline' });
    assert.equal(view.defaultPipeline, 'Sales Pipeline');
    assert.equal(h.settings.get('ghl.defaultPipeline'), 'Sales Pipeline');
    for (const value of h.settings.values.values()) assert.notEqual(value, h.sandbox.token);
    await h.data('ext-ghl:settings-set', { token: 'pit-wrong-token-0000' });
    const denied = await h.backend.request('ext-ghl:connection-test', {});
    assert.equal(!denied.success && denied.error.code, 'AUTH');
    await h.data('ext-ghl:settings-set', { token: h.sandbox.token });
    assert.equal((await h.backend.request('ext-ghl:connection-test', {})).success, true);
  });
});
