import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelClient } from '../../src/chat/channelClient';
import { runSlashCommand } from '../../src/chat/slashCommands';
import { executeWrite, parseToolCall, prepareWrite, runReadTool, type WriteTool } from '../../src/chat/toolSet';
import { todayWindow } from '../../src/time/dayWindows';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { channelClient, parseDataBlock } from '../helpers/chatTestKit';

// Monday 7 December 2026, 15:30 UTC: 09:30 in the location's zone (America/Chicago).
const NOW = Date.parse('2026-12-07T15:30:00Z');
const ZONE = 'America/Chicago';

/** #17: the follow-up tools and /tasks against the sandbox, on a fixed clock. */
describe('follow-up chat tools and /tasks', () => {
  let h: Harness;
  let client: ChannelClient;
  const ctx = () => ({ client, now: () => NOW, userTimeZone: ZONE });

  async function read(name: string, input: unknown) {
    const parsed = parseToolCall(name, input);
    assert.ok(parsed.ok, `valid input for ${name}`);
    const outcome = await runReadTool(parsed.tool as never, parsed.input, ctx());
    assert.ok(outcome.ok, outcome.summary);
    return { outcome, data: parseDataBlock(outcome.content) };
  }
  async function plan(name: string, input: unknown) {
    const parsed = parseToolCall(name, input);
    assert.ok(parsed.ok, `valid input for ${name}: ${parsed.ok ? '' : parsed.outcome.content}`);
    const tool = parsed.tool as WriteTool;
    return { tool, prepared: await prepareWrite(tool, parsed.input, ctx()) };
  }

  before(async () => {
    h = await startHarness({
      sandbox: { contacts: 80, opportunities: 0, conversations: 0, seed: 21, tasks: 120, now: () => NOW, locationTimeZone: ZONE },
      backend: { now: () => NOW },
    });
    client = channelClient(h);
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:tasks-sync', {});
  });
  after(async () => h.close());

  it('ghl_list_tasks reads overdue and today on the location calendar', async () => {
    const overdue = await read('ghl_list_tasks', { scope: 'overdue' });
    const expected = [...h.sandbox.followUp.tasks.values()].filter((t) => !t.completed && Date.parse(t.dueDate) < NOW);
    assert.equal(overdue.data.total, expected.length);
    assert.ok(overdue.data.items.every((t: { overdue?: boolean }) => t.overdue === true));
    const today = await read('ghl_list_tasks', { scope: 'today' });
    const { startTime, endTime } = todayWindow(NOW, ZONE);
    const dueToday = [...h.sandbox.followUp.tasks.values()].filter((t) => !t.completed && Date.parse(t.dueDate) >= startTime && Date.parse(t.dueDate) < endTime);
    assert.equal(today.data.total, dueToday.length);
  });

  it('ghl_get_notes reads a contact\'s notes', async () => {
    const contactId = [...h.sandbox.followUp.notes.keys()][0]!;
    const notes = await read('ghl_get_notes', { contactId });
    assert.equal(notes.data.total, h.sandbox.followUp.notes.get(contactId)!.length);
  });

  it('ghl_create_task shows the phrase as an absolute date and creates nothing until approved', async () => {
    const contact = [...h.sandbox.store.contacts.values()][2]!;
    const before = h.sandbox.followUp.tasks.size;
    const { tool, prepared } = await plan('ghl_create_task', { contactId: contact.id, title: 'Call back', due: 'tomorrow 9am' });
    assert.ok(prepared.ok);
    // Tuesday 8 December 2026, 09:00 in Chicago.
    assert.match(prepared.plan.summary, /Create task "Call back" on .* due Tue, Dec 8.*9:00/);
    assert.equal(h.sandbox.followUp.tasks.size, before, 'planning writes nothing');
    const done = await executeWrite(tool, prepared.plan, client);
    assert.ok(done.ok, done.summary);
    const created = [...h.sandbox.followUp.tasks.values()].find((t) => t.title === 'Call back')!;
    assert.equal(created.dueDate, '2026-12-08T15:00:00.000Z');
    const bad = await plan('ghl_create_task', { contactId: contact.id, title: 'x', due: 'whenever' });
    assert.equal(bad.prepared.ok, false);
  });

  it('ghl_complete_task, ghl_add_note, ghl_tag_contacts and ghl_add_to_workflow run only after approval, as shown', async () => {
    const task = [...h.sandbox.followUp.tasks.values()].find((t) => !t.completed)!;
    const complete = await plan('ghl_complete_task', { taskId: task.id, contactId: task.contactId });
    assert.ok(complete.prepared.ok);
    assert.equal(task.completed, false);
    assert.ok((await executeWrite(complete.tool, complete.prepared.plan, client)).ok);
    assert.equal(task.completed, true);

    const contact = [...h.sandbox.store.contacts.values()][4]!;
    const note = await plan('ghl_add_note', { contactId: contact.id, body: 'Seller wants 30 days.' });
    assert.ok(note.prepared.ok);
    assert.match(note.prepared.plan.summary, /Seller wants 30 days\./);
    assert.ok((await executeWrite(note.tool, note.prepared.plan, client)).ok);
    assert.ok(h.sandbox.followUp.notes.get(contact.id)!.some((n) => n.body === 'Seller wants 30 days.'));

    const ids = [...h.sandbox.store.contacts.keys()].slice(10, 13);
    const tag = await plan('ghl_tag_contacts', { contactIds: ids, add: ['motivated'] });
    assert.ok(tag.prepared.ok);
    assert.match(tag.prepared.plan.summary, /add "motivated" on 3 contacts/);
    assert.ok((await executeWrite(tag.tool, tag.prepared.plan, client)).ok);
    for (const id of ids) assert.ok(h.sandbox.store.contacts.get(id)!.tags.includes('motivated'));

    const workflow = await plan('ghl_add_to_workflow', { contactId: contact.id, workflow: 'seller follow-up' });
    assert.ok(workflow.prepared.ok);
    assert.match(workflow.prepared.plan.summary, /to workflow "Seller follow-up \(7 touches\)"/);
    assert.ok((await executeWrite(workflow.tool, workflow.prepared.plan, client)).ok);
    const published = h.sandbox.followUp.workflows[0]!;
    assert.ok(h.sandbox.followUp.enrolled.get(published.id)!.has(contact.id));
    const draft = await plan('ghl_add_to_workflow', { contactId: contact.id, workflow: 'Cash buyer blast (draft)' });
    assert.equal(draft.prepared.ok, false, 'a draft workflow is not proposed');
  });

  it('/tasks, /tasks today and /tasks overdue answer from the cache without a model', async () => {
    const all = await runSlashCommand({ name: 'tasks', arg: '' }, ctx());
    assert.match(all.reply, /open tasks/);
    assert.match(all.reply, /\*\*overdue\*\*/);
    const overdue = await runSlashCommand({ name: 'tasks', arg: 'overdue' }, ctx());
    assert.match(overdue.reply, /^\d+ overdue tasks/);
    const today = await runSlashCommand({ name: 'tasks', arg: 'today' }, ctx());
    assert.match(today.reply, /tasks due today/);
    assert.match((await runSlashCommand({ name: 'tasks', arg: 'someday' }, ctx())).reply, /Usage/);
  });
});
