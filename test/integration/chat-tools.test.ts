import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { call, ChannelError, type ChannelClient } from '../../src/chat/channelClient';
import { DATA_TAG } from '../../src/chat/crmData';
import { agentTools } from '../../src/chat/agentTools';
import { languageModelToolContributions } from '../../src/chat/toolContributions';
import { CHAT_TOOLS, executeWrite, findTool, modelToolInfo, parseToolCall, prepareWrite, runReadTool, type ToolOutcome, type WriteTool } from '../../src/chat/toolSet';
import { addCalendarDays, calendarDate, todayWindow } from '../../src/time/dayWindows';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { channelClient, parseDataBlock } from '../helpers/chatTestKit';


describe('chat tool metadata', () => {
  it('has 24 tools with unique names and reference names, all ghl_* / ghl*', () => {
    // #20: 24 with ghl_arv_estimates.
    assert.equal(CHAT_TOOLS.length, 24, `${CHAT_TOOLS.length} tools`);
    assert.equal(new Set(CHAT_TOOLS.map((t) => t.name)).size, CHAT_TOOLS.length);
    assert.equal(new Set(CHAT_TOOLS.map((t) => t.toolReferenceName)).size, CHAT_TOOLS.length);
    for (const tool of CHAT_TOOLS) {
      assert.match(tool.name, /^ghl_[a-z_]+$/);
      assert.match(tool.toolReferenceName, /^ghl[A-Z][A-Za-z]+$/);
      assert.ok(tool.displayName && tool.userDescription && tool.modelDescription.length > 60, tool.name);
      assert.ok(tool.tags.includes('ghl') && tool.tags.includes(tool.writes ? 'write' : 'read'), `${tool.name} tags`);
    }
  });

  it('every input schema converts to an object JSON Schema', () => {
    for (const info of modelToolInfo()) {
      assert.equal(info.inputSchema.type, 'object', info.name);
      assert.equal(info.inputSchema.$schema, undefined, 'no $schema key for the model');
      assert.ok(typeof info.inputSchema.properties === 'object');
      assert.doesNotThrow(() => z.toJSONSchema(findTool(info.name)!.inputSchema));
    }
  });

  it('the package.json contributions mirror the tool set', () => {
    const entries = languageModelToolContributions();
    assert.deepEqual(
      entries.map((e) => e.name),
      CHAT_TOOLS.map((t) => t.name),
    );
    for (const entry of entries) {
      const tool = findTool(entry.name)!;
      assert.equal(entry.toolReferenceName, tool.toolReferenceName);
      assert.equal(entry.modelDescription, tool.modelDescription);
      assert.equal(entry.canBeReferencedInPrompt, true);
      assert.match(entry.icon, /^\$\([a-z-]+\)$/);
      assert.deepEqual(entry.inputSchema, modelToolInfo().find((i) => i.name === entry.name)!.inputSchema);
    }
    assert.deepEqual(
      CHAT_TOOLS.filter((t) => t.writes).map((t) => t.name).sort(),
      [
        'ghl_add_note', 'ghl_add_to_workflow', 'ghl_book_appointment', 'ghl_complete_task', 'ghl_create_contact', 'ghl_create_opportunity',
        'ghl_create_task', 'ghl_move_opportunity', 'ghl_send_message', 'ghl_tag_contacts', 'ghl_update_appointment', 'ghl_update_contact',
      ],
    );
  });

  it('a bad call becomes an outcome the model can correct', () => {
    const unknown = parseToolCall('ghl_delete_contact', { contactId: 'x' });
    assert.equal(unknown.ok, false);
    assert.match(!unknown.ok ? unknown.outcome.content : '', /no tool named "ghl_delete_contact"/);
    const invalid = parseToolCall('ghl_search_contacts', { query: '' });
    assert.equal(invalid.ok, false);
    assert.match(!invalid.ok ? invalid.outcome.content : '', /Invalid input for ghl_search_contacts: query/);
  });
});

describe('chat tools against the sandbox', () => {
  let h: Harness;
  let client: ChannelClient;
  const outcomes: ToolOutcome[] = [];
  const ctx = () => ({ client, now: Date.now });

  async function read(name: string, input: unknown): Promise<{ outcome: ToolOutcome; data: any }> {
    const parsed = parseToolCall(name, input);
    assert.ok(parsed.ok, `valid input for ${name}`);
    assert.equal(parsed.tool.writes, false);
    const outcome = await runReadTool(parsed.tool as never, parsed.input, ctx());
    outcomes.push(outcome);
    return { outcome, data: outcome.ok ? parseDataBlock(outcome.content) : null };
  }

  async function plan(name: string, input: unknown) {
    const parsed = parseToolCall(name, input);
    assert.ok(parsed.ok, `valid input for ${name}`);
    const tool = parsed.tool as WriteTool;
    const prepared = await prepareWrite(tool, parsed.input, ctx());
    return { tool, prepared };
  }

  const openInStage = (stageId: string) => [...h.sandbox.store.opportunities.values()].filter((o) => o.status === 'open' && o.pipelineStageId === stageId);

  before(async () => {
    h = await startHarness({ sandbox: { contacts: 400, opportunities: 150, conversations: 10 } });
    client = channelClient(h);
    await h.data('ext-ghl:contacts-sync');
    await h.data('ext-ghl:opps-sync');
  });
  after(async () => {
    try {
      assert.ok(outcomes.length >= 15, `${outcomes.length} read outcomes checked`);
      for (const outcome of outcomes) {
        assert.ok(!outcome.content.includes(h.sandbox.token) && !outcome.summary.includes(h.sandbox.token), 'the token never enters a tool result');
      }
    } finally {
      await h.close();
    }
  });

  it('ghl_search_contacts finds a contact with its id, and caps at 25 with "more"', async () => {
    const someone = [...h.sandbox.store.contacts.values()].find((c) => c.email && c.lastName)!;
    const { outcome, data } = await read('ghl_search_contacts', { query: someone.email });
    assert.ok(outcome.ok);
    assert.ok(data.items.some((c: any) => c.id === someone.id && c.email === someone.email));
    assert.match(outcome.summary, /^Searched contacts for ".+" — \d+ found$/);
    assert.ok(outcome.content.startsWith(`<${DATA_TAG} `) && outcome.content.trimEnd().endsWith(`</${DATA_TAG}>`));
    assert.ok(outcome.refs.some((r) => r.kind === 'contact' && r.id === someone.id));

    const many = await read('ghl_search_contacts', { query: 'a', limit: 25 });
    assert.equal(many.data.shown, 25);
    assert.ok(many.data.total > 25);
    assert.equal(many.data.more, many.data.total - 25);
  });

  it('ghl_get_contact answers the contact and exactly its opportunities', async () => {
    const opp = [...h.sandbox.store.opportunities.values()][0]!;
    const expected = [...h.sandbox.store.opportunities.values()].filter((o) => o.contactId === opp.contactId).map((o) => o.id).sort();
    const { outcome, data } = await read('ghl_get_contact', { contactId: opp.contactId });
    assert.ok(outcome.ok);
    assert.equal(data.contact.id, opp.contactId);
    assert.deepEqual(data.opportunities.items.map((o: any) => o.id).sort(), expected);
    assert.ok(data.opportunities.items.every((o: any) => typeof o.stage === 'string' && typeof o.pipeline === 'string'));

    const missing = await read('ghl_get_contact', { contactId: 'no-such-contact' });
    assert.equal(missing.outcome.ok, false);
    assert.match(missing.outcome.content, /not in the local cache/);
  });

  it('ghl_list_opportunities filters by stage, value and days without a change like the sandbox data says', async () => {
    const pipeline = h.sandbox.store.pipelines[0]!;
    const stage = pipeline.stages.find((s) => openInStage(s.id).length > 0)!;
    const expected = openInStage(stage.id);
    const { outcome, data } = await read('ghl_list_opportunities', { pipeline: pipeline.name, stage: stage.name.toUpperCase() });
    assert.ok(outcome.ok);
    assert.equal(data.total, expected.length);
    assert.equal(data.items.length, Math.min(25, expected.length));
    assert.ok(data.items.every((o: any) => expected.some((e) => e.id === o.id)));
    assert.ok(data.items.every((o: any) => o.stage === stage.name && o.status === 'open'));
    // Sorted by value, largest first.
    assert.deepEqual(data.items.map((o: any) => o.value), [...data.items.map((o: any) => o.value)].sort((a: number, b: number) => b - a));

    const rich = await read('ghl_list_opportunities', { status: 'all', minValue: 500_000, maxValue: 700_000 });
    const richExpected = [...h.sandbox.store.opportunities.values()].filter((o) => o.monetaryValue >= 500_000 && o.monetaryValue <= 700_000);
    assert.equal(rich.data.total, richExpected.length);

    const now = Date.now();
    const stale = await read('ghl_list_opportunities', { staleDays: 60 });
    // 60 calendar days on the location's calendar (the sandbox's zone), not 60 × 24 h.
    const staleBefore = addCalendarDays(now, -60, h.sandbox.store.location.timezone);
    const staleExpected = [...h.sandbox.store.opportunities.values()].filter((o) => o.status === 'open' && Date.parse(o.updatedAt) <= staleBefore);
    assert.equal(stale.data.total, staleExpected.length);
    assert.ok(stale.data.items.every((o: any) => o.daysSinceChange >= 60));
    const days = stale.data.items.map((o: any) => o.daysSinceChange);
    assert.deepEqual(days, [...days].sort((a: number, b: number) => b - a), 'longest unchanged first');

    const badStage = await read('ghl_list_opportunities', { stage: 'No Such Stage' });
    assert.equal(badStage.outcome.ok, false);
    assert.match(badStage.outcome.content, new RegExp(`No stage matches "No Such Stage". Stages: .*${stage.name}`));
  });

  it('ghl_pipeline_summary counts open deals and values per stage in stage order', async () => {
    const { data } = await read('ghl_pipeline_summary', {});
    assert.equal(data.pipelines.length, h.sandbox.store.pipelines.length);
    for (const summary of data.pipelines) {
      const pipeline = h.sandbox.store.pipelines.find((p) => p.id === summary.pipelineId)!;
      assert.deepEqual(
        summary.stages.map((s: any) => s.stageId),
        [...pipeline.stages].sort((a, b) => a.position - b.position).map((s) => s.id),
      );
      for (const s of summary.stages) {
        const expected = openInStage(s.stageId);
        assert.equal(s.count, expected.length, `${s.stage} count`);
        assert.equal(s.value, expected.reduce((n, o) => n + o.monetaryValue, 0), `${s.stage} value`);
      }
    }
  });

  it('ghl_calendar_events answers the events of the day asked for', async () => {
    // Today on the location's calendar (the sandbox location's zone), whatever the machine's zone.
    const zone = h.sandbox.store.location.timezone;
    const { startTime: start, endTime: end } = todayWindow(Date.now(), zone);
    const expected = [...h.sandbox.store.events.values()].filter((e) => Date.parse(e.startTime) >= start && Date.parse(e.startTime) < end);
    const { outcome, data } = await read('ghl_calendar_events', {});
    assert.ok(outcome.ok);
    assert.equal(data.total, expected.length);
    assert.deepEqual(data.items.map((e: any) => e.id).sort(), expected.map((e) => e.id).sort());
    assert.ok(data.items.every((e: any) => e.calendar === 'Showings' || e.calendar === 'Listing Appointments'));

    assert.equal(data.range.timeZone, zone);
    const week = await read('ghl_calendar_events', { from: calendarDate(start, zone), days: 7 });
    assert.ok(week.data.total >= data.total);
    const bad = await read('ghl_calendar_events', { from: 'next tuesday' });
    assert.equal(bad.outcome.ok, false);
  });

  it('ghl_conversations lists conversations and reads messages', async () => {
    const list = await read('ghl_conversations', {});
    assert.equal(list.data.total, h.sandbox.store.conversations.size);
    const conversation = [...h.sandbox.store.conversations.values()][0]!;
    const messages = await read('ghl_conversations', { conversationId: conversation.id });
    const expected = h.sandbox.store.messages.get(conversation.id)!;
    assert.equal(messages.data.items.length, Math.min(20, expected.length));
    assert.ok(messages.data.items.every((m: any) => expected.some((e) => e.id === m.id)));
    const ofContact = await read('ghl_conversations', { contactId: conversation.contactId });
    assert.deepEqual(ofContact.data.items.map((c: any) => c.id), [conversation.id]);
  });

  it('ghl_custom_fields lists the contact custom field definitions', async () => {
    const { data } = await read('ghl_custom_fields', {});
    const expected = h.sandbox.store.customFields.filter((f) => f.model === 'contact');
    assert.deepEqual(data.items.map((f: any) => f.id).sort(), expected.map((f) => f.id).sort());
    assert.ok(data.items.every((f: any) => f.name && f.dataType));
  });

  it('ghl_update_contact plans the exact change, writes only when executed', async () => {
    const someone = [...h.sandbox.store.contacts.values()].find((c) => c.email)!;
    h.sandbox.resetStats();
    const { tool, prepared } = await plan('ghl_update_contact', { contactId: someone.id, changes: { email: 'new.address@example.com' }, addTags: ['chat-test'] });
    assert.ok(prepared.ok);
    assert.match(prepared.plan.summary, new RegExp(`email "${someone.email!.replace(/[.+]/g, '\\$&')}" → "new.address@example.com"`));
    assert.match(prepared.plan.summary, /tags \[.*\] → \[.*chat-test\]/);
    assert.equal(h.sandbox.store.contacts.get(someone.id)!.email, someone.email, 'planning wrote nothing');
    assert.equal(h.sandbox.stats.byRoute['PUT /contacts/{contactId}'], undefined);
    const done = await executeWrite(tool, prepared.plan, client);
    assert.ok(done.ok, done.summary);
    assert.equal(h.sandbox.store.contacts.get(someone.id)!.email, 'new.address@example.com');
    assert.ok(h.sandbox.store.contacts.get(someone.id)!.tags.includes('chat-test'));

    const nothing = await plan('ghl_update_contact', { contactId: someone.id, changes: { email: 'new.address@example.com' } });
    assert.equal(nothing.prepared.ok, false, 'a no-op is not proposed');
  });

  it('ghl_move_opportunity resolves the stage by name and moves it once executed', async () => {
    const opp = [...h.sandbox.store.opportunities.values()].find((o) => o.status === 'open')!;
    const pipeline = h.sandbox.store.pipelines.find((p) => p.id === opp.pipelineId)!;
    const target = pipeline.stages.find((s) => s.id !== opp.pipelineStageId)!;
    const { tool, prepared } = await plan('ghl_move_opportunity', { opportunityId: opp.id, stage: target.name, status: 'won' });
    assert.ok(prepared.ok);
    assert.match(prepared.plan.summary, new RegExp(`→ "${target.name}"; status open → won`));
    assert.equal(h.sandbox.store.opportunities.get(opp.id)!.pipelineStageId, opp.pipelineStageId);
    assert.ok((await executeWrite(tool, prepared.plan, client)).ok);
    assert.equal(h.sandbox.store.opportunities.get(opp.id)!.pipelineStageId, target.id);
    assert.equal(h.sandbox.store.opportunities.get(opp.id)!.status, 'won');
  });

  it('ghl_create_contact and ghl_create_opportunity create what the summary says', async () => {
    const before = h.sandbox.store.contacts.size;
    const contact = await plan('ghl_create_contact', { firstName: 'Chatty', lastName: 'McTest', email: 'chatty@example.com', tags: ['from-chat'] });
    assert.ok(contact.prepared.ok);
    assert.equal(contact.prepared.plan.summary, 'Create contact: first name "Chatty"; last name "McTest"; email "chatty@example.com"; tags [from-chat]');
    assert.equal(h.sandbox.store.contacts.size, before);
    const created = await executeWrite(contact.tool, contact.prepared.plan, client);
    assert.ok(created.ok);
    const newId = created.refs[0]!.id;
    assert.equal(h.sandbox.store.contacts.get(newId)!.email, 'chatty@example.com');

    const pipeline = h.sandbox.store.pipelines[0]!;
    const opp = await plan('ghl_create_opportunity', { name: '1 Test Lane', contactId: newId, pipeline: pipeline.name, value: 250000 });
    assert.ok(opp.prepared.ok);
    const first = [...pipeline.stages].sort((a, b) => a.position - b.position)[0]!;
    assert.match(opp.prepared.plan.summary, new RegExp(`Create opportunity "1 Test Lane" for "Chatty McTest" .* in "${pipeline.name}" / "${first.name}", value \\$250,000`));
    const made = await executeWrite(opp.tool, opp.prepared.plan, client);
    assert.ok(made.ok, made.summary);
    const stored = h.sandbox.store.opportunities.get(made.refs[0]!.id)!;
    assert.equal(stored.contactId, newId);
    assert.equal(stored.pipelineStageId, first.id);
    assert.equal(stored.monetaryValue, 250000);
  });

  it('ghl_send_message shows the exact text and sends it only when executed', async () => {
    const conversation = [...h.sandbox.store.conversations.values()].find((c) => c.phone)!;
    const before = h.sandbox.store.messages.get(conversation.id)!.length;
    const { tool, prepared } = await plan('ghl_send_message', { contactId: conversation.contactId, type: 'SMS', message: 'Hi! Still interested in the house?' });
    assert.ok(prepared.ok);
    assert.ok(prepared.plan.summary.endsWith(':\nHi! Still interested in the house?'));
    assert.ok(prepared.plan.summary.includes(conversation.phone!));
    assert.equal(h.sandbox.store.messages.get(conversation.id)!.length, before);
    assert.ok((await executeWrite(tool, prepared.plan, client)).ok);
    const messages = h.sandbox.store.messages.get(conversation.id)!;
    assert.equal(messages.length, before + 1);
    assert.ok(messages.some((m) => m.body === 'Hi! Still interested in the house?'));

    const email = parseToolCall('ghl_send_message', { contactId: conversation.contactId, type: 'Email', message: 'x' });
    assert.equal(email.ok, false, 'an Email needs a subject');
    const stranger = await plan('ghl_send_message', { contactId: [...h.sandbox.store.contacts.values()].find((c) => ![...h.sandbox.store.conversations.values()].some((v) => v.contactId === c.id))!.id, type: 'SMS', message: 'x' });
    assert.equal(stranger.prepared.ok, false);
    assert.match(!stranger.prepared.ok ? stranger.prepared.outcome.content : '', /no conversation yet/);
  });

  it('a failed write leaves the sandbox as it was and says so', async () => {
    const someone = [...h.sandbox.store.contacts.values()][3]!;
    const { tool, prepared } = await plan('ghl_update_contact', { contactId: someone.id, changes: { city: 'Faultville' } });
    assert.ok(prepared.ok);
    h.sandbox.injectFault({ method: 'PUT', path: '/contacts/{contactId}', status: 422, body: { statusCode: 422, message: ['city is bad'] } });
    const outcome = await executeWrite(tool, prepared.plan, client);
    assert.equal(outcome.ok, false);
    assert.match(outcome.content, /Nothing was changed/);
    assert.notEqual(h.sandbox.store.contacts.get(someone.id)!.city, 'Faultville');
  });

  it('agents: a read runs at once, a write runs only after its confirmation and only as shown', async () => {
    const tools = new Map(agentTools(ctx()).map((t) => [t.tool.name, t]));
    const search = tools.get('ghl_search_contacts')!;
    assert.equal((await search.prepare({ query: 'a' })).confirmation, undefined, 'reads need no confirmation');
    assert.ok((await search.invoke({ query: 'a' })).ok);

    const someone = [...h.sandbox.store.contacts.values()][7]!;
    const update = tools.get('ghl_update_contact')!;
    const input = { contactId: someone.id, changes: { city: 'Agentville' } };
    const unconfirmed = await update.invoke(input);
    assert.equal(unconfirmed.ok, false, 'no invoke without a prepared confirmation');
    assert.notEqual(h.sandbox.store.contacts.get(someone.id)!.city, 'Agentville');

    const prepared = await update.prepare(input);
    assert.match(prepared.confirmation!.message, /city ".*" → "Agentville"/);
    // The record changes between the confirmation and the invoke: what would run is no longer what was shown.
    await h.data('ext-ghl:contacts-update', { id: someone.id, data: { city: 'Elsewhere' } });
    const changed = await update.invoke(input);
    assert.equal(changed.ok, false);
    assert.match(changed.content, /changed after the user confirmed/);
    assert.equal(h.sandbox.store.contacts.get(someone.id)!.city, 'Elsewhere');

    await update.prepare(input);
    const done = await update.invoke(input);
    assert.ok(done.ok, done.summary);
    assert.equal(h.sandbox.store.contacts.get(someone.id)!.city, 'Agentville');
  });

  it('the chat cannot reach the settings channels, the only ones near the token', async () => {
    await assert.rejects(() => call(client, 'ext-ghl:settings-get', {}), (err: unknown) => err instanceof ChannelError && err.info.code === 'FORBIDDEN');
  });
});
