import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Contact, Task } from '../../src/protocol/entities';
import type { BulkTagsOutcome, ListResult, LocationTag, Note, Workflow } from '../../src/protocol/responses';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';

const NOW = Date.parse('2026-12-07T15:30:00Z');
const DAY = 86_400_000;

/** #17: notes, tasks, tags and workflows through createBackend against the sandbox. */
describe('notes, tasks, tags and workflows channels against the sandbox', () => {
  let h: Harness;
  let clockNow = NOW;
  const requests = () => h.sandbox.stats.requests;
  const fail = async (channel: string, payload: unknown) => {
    const response = await h.backend.request(channel, payload);
    assert.equal(response.success, false, `${channel} should fail`);
    return !response.success ? response.error : (undefined as never);
  };
  /** Bad input: VALIDATION, and nothing reaches GHL. */
  const refused = async (channel: string, payload: unknown, field?: RegExp) => {
    const before = requests();
    const error = await fail(channel, payload);
    assert.equal(error.code, 'VALIDATION', `${channel} ${JSON.stringify(payload).slice(0, 80)}: ${error.message}`);
    if (field) assert.match(error.message, field);
    assert.equal(requests(), before, `${channel}: no request for bad input`);
  };
  const contacts = () => [...h.sandbox.store.contacts.values()];

  before(async () => {
    // One fixed instant for GHL and the backend: "overdue" does not depend on when the test runs.
    const clock = () => clockNow;
    h = await startHarness({ sandbox: { contacts: 120, opportunities: 0, conversations: 0, seed: 17, tasks: 250, now: clock }, backend: { now: clock } });
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:tasks-sync', {});
  });
  after(async () => h.close());

  it('tasks-sync brings every task of the location into the cache, paged', async () => {
    h.sandbox.resetStats();
    const result = await h.data('ext-ghl:tasks-sync', {});
    assert.equal(result.synced, 250);
    assert.equal(result.pruned, 0);
    assert.equal(h.sandbox.stats.byRoute['POST /locations/{locationId}/tasks/search'], result.requests);
    assert.ok(result.requests >= 3 && result.requests <= 3 + 7, `3 pages and at most the window's empty ones: ${result.requests}`);
    const all: ListResult<Task> = await h.data('ext-ghl:tasks-list', { status: 'all', limit: 1000 });
    assert.equal(all.total, 250);
    const withName = all.items.filter((t) => t.contactName !== null);
    assert.ok(withName.length > 0, 'the contact name comes from the contacts cache');
  });

  it('tasks-list defaults to open tasks, overdue first (longest overdue first), then by due date', async () => {
    const now = NOW;
    const open: ListResult<Task> = await h.data('ext-ghl:tasks-list', { limit: 1000 });
    const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const expected = [...h.sandbox.followUp.tasks.values()].filter((t) => !t.completed).sort((a, b) => byCode(a.dueDate, b.dueDate) || byCode(a.id, b.id));
    assert.equal(open.total, expected.length);
    assert.deepEqual(open.items.map((t) => t.id), expected.map((t) => t.id));
    const overdue = open.items.filter((t) => Date.parse(t.dueDate!) < now);
    assert.ok(overdue.length > 0, 'the sandbox seeds overdue tasks');
    assert.deepEqual(open.items.slice(0, overdue.length), overdue, 'overdue ones come first');
    const done: ListResult<Task> = await h.data('ext-ghl:tasks-list', { status: 'completed', limit: 1000 });
    assert.ok(done.total > 0 && done.items.every((t) => t.completed));
    const user = h.sandbox.store.users[1]!;
    const mine: ListResult<Task> = await h.data('ext-ghl:tasks-list', { status: 'all', assignedTo: user, limit: 1000 });
    assert.ok(mine.total > 0 && mine.items.every((t) => t.assignedTo === user));
    const window: ListResult<Task> = await h.data('ext-ghl:tasks-list', { dueAfter: new Date(now).toISOString(), dueBefore: now + 3 * DAY, limit: 1000 });
    assert.ok(window.items.every((t) => Date.parse(t.dueDate!) >= now && Date.parse(t.dueDate!) < now + 3 * DAY));
    const page: ListResult<Task> = await h.data('ext-ghl:tasks-list', { limit: 5, offset: 5 });
    assert.deepEqual(page.items.map((t) => t.id), open.items.slice(5, 10).map((t) => t.id));
  });

  it('undated tasks come last', async () => {
    const contact = contacts()[3]!;
    h.sandbox.injectFault({ method: 'POST', path: '/contacts/{contactId}/tasks', status: 201, body: { task: { id: 'undated-1', title: 'Someday', contactId: contact.id, completed: false } } });
    const created: Task = await h.data('ext-ghl:tasks-create', { contactId: contact.id, title: 'Someday', dueDate: NOW });
    assert.equal(created.dueDate, null);
    const open: ListResult<Task> = await h.data('ext-ghl:tasks-list', { limit: 1000 });
    assert.equal(open.items.at(-1)!.id, 'undated-1');
    clockNow = NOW + 1000; // the next pass starts after the write: what it does not see, GHL does not have
    await h.data('ext-ghl:tasks-sync', {});
    clockNow = NOW;
    assert.equal((await h.data<ListResult<Task>>('ext-ghl:tasks-list', { status: 'all', limit: 1000 })).total, 250, 'the next sync prunes what GHL does not have');
  });

  it('tasks-create, -update, -complete and -delete go to GHL, then the cache', async () => {
    const contact = contacts()[0]!;
    const due = '2027-01-15T09:00:00-05:00';
    const created: Task = await h.data('ext-ghl:tasks-create', { contactId: contact.id, title: 'Call the seller', body: 'ask about the roof', dueDate: due, assignedTo: h.sandbox.store.users[0] });
    assert.equal(created.dueDate, new Date(due).toISOString());
    assert.equal(created.contactName, contact.contactName);
    const inGhl = h.sandbox.followUp.tasks.get(created.id)!;
    assert.equal(inGhl.title, 'Call the seller');
    assert.equal(inGhl.completed, false);
    assert.deepEqual(await h.data('ext-ghl:tasks-list', { contactId: contact.id, query: 'call the seller' }).then((r) => r.items.map((t: Task) => t.id)), [created.id]);

    const moved: Task = await h.data('ext-ghl:tasks-update', { contactId: contact.id, taskId: created.id, data: { dueDate: Date.parse('2027-01-16T14:00:00Z'), title: 'Call the seller back' } });
    assert.equal(moved.dueDate, '2027-01-16T14:00:00.000Z');
    assert.equal(h.sandbox.followUp.tasks.get(created.id)!.title, 'Call the seller back');

    const completed: Task = await h.data('ext-ghl:tasks-complete', { contactId: contact.id, taskId: created.id, completed: true });
    assert.equal(completed.completed, true);
    assert.equal(h.sandbox.followUp.tasks.get(created.id)!.completed, true);
    const open: ListResult<Task> = await h.data('ext-ghl:tasks-list', { contactId: contact.id });
    assert.ok(!open.items.some((t) => t.id === created.id), 'a completed task leaves the open list');

    await h.data('ext-ghl:tasks-delete', { contactId: contact.id, taskId: created.id });
    assert.equal(h.sandbox.followUp.tasks.has(created.id), false);
    const all: ListResult<Task> = await h.data('ext-ghl:tasks-list', { status: 'all', contactId: contact.id });
    assert.ok(!all.items.some((t) => t.id === created.id));
  });

  it('a task write survives a restart (through the write journal)', async () => {
    const contact = contacts()[1]!;
    const created: Task = await h.data('ext-ghl:tasks-create', { contactId: contact.id, title: 'Journal me', dueDate: NOW + DAY });
    await h.restart();
    const all: ListResult<Task> = await h.data('ext-ghl:tasks-list', { contactId: contact.id, status: 'all' });
    assert.ok(all.items.some((t) => t.id === created.id && t.title === 'Journal me'));
  });

  it('a failed task write leaves the cache as it was', async () => {
    const task = (await h.data<ListResult<Task>>('ext-ghl:tasks-list', { limit: 1 })).items[0]!;
    h.sandbox.injectFault({ method: 'PUT', path: '/contacts/{contactId}/tasks/{taskId}/completed', status: 500 });
    assert.equal((await fail('ext-ghl:tasks-complete', { contactId: task.contactId, taskId: task.id, completed: true })).code, 'API');
    h.sandbox.injectFault({ method: 'DELETE', path: '/contacts/{contactId}/tasks/{taskId}', status: 404, body: { statusCode: 404, message: 'Task not found' } });
    assert.equal((await fail('ext-ghl:tasks-delete', { contactId: task.contactId, taskId: task.id })).code, 'NOT_FOUND');
    h.sandbox.injectFault({ method: 'PUT', path: '/contacts/{contactId}/tasks/{taskId}', status: 422, body: { statusCode: 422, message: ['title should not be empty'], error: 'Unprocessable Entity' } });
    assert.equal((await fail('ext-ghl:tasks-update', { contactId: task.contactId, taskId: task.id, data: { title: 'x' } })).code, 'API');
    const after: ListResult<Task> = await h.data('ext-ghl:tasks-list', { limit: 1 });
    assert.deepEqual(after.items[0], task);
  });

  it('bad task input is VALIDATION and sends nothing', async () => {
    const c = contacts()[0]!.id;
    await refused('ext-ghl:tasks-list', { status: 'pending' }, /status/);
    await refused('ext-ghl:tasks-list', { dueBefore: 'next friday' }, /dueBefore/);
    await refused('ext-ghl:tasks-list', { dueAfter: 2000, dueBefore: 1000 }, /dueBefore/);
    await refused('ext-ghl:tasks-create', { contactId: c, title: 'x', dueDate: 'tomorrow' }, /dueDate/);
    await refused('ext-ghl:tasks-create', { contactId: c, title: 'x', dueDate: '2027-01-15T09:00:00' }, /dueDate/);
    await refused('ext-ghl:tasks-create', { contactId: c, title: '   ', dueDate: NOW }, /title/);
    await refused('ext-ghl:tasks-update', { contactId: c, taskId: 't', data: {} }, /nothing to update/);
    await refused('ext-ghl:tasks-complete', { contactId: c, taskId: 't', completed: 'yes' }, /completed/);
    await refused('ext-ghl:tasks-delete', { contactId: c }, /taskId/);
  });

  it('notes: list newest first, create, update and delete in GHL', async () => {
    const contact = contacts().find((c) => (h.sandbox.followUp.notes.get(c.id)?.length ?? 0) >= 2)!;
    const listed: { items: Note[] } = await h.data('ext-ghl:notes-list', { contactId: contact.id });
    assert.equal(listed.items.length, h.sandbox.followUp.notes.get(contact.id)!.length);
    const dates = listed.items.map((n) => n.dateAdded!);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    const created: Note = await h.data('ext-ghl:notes-create', { contactId: contact.id, body: 'Seller wants 30 days. <b>not html</b>' });
    assert.equal(created.body, 'Seller wants 30 days. <b>not html</b>');
    assert.equal((await h.data<{ items: Note[] }>('ext-ghl:notes-list', { contactId: contact.id })).items[0]!.id, created.id);
    const updated: Note = await h.data('ext-ghl:notes-update', { contactId: contact.id, noteId: created.id, body: 'Seller wants 45 days.' });
    assert.equal(updated.body, 'Seller wants 45 days.');
    await h.data('ext-ghl:notes-delete', { contactId: contact.id, noteId: created.id });
    assert.ok(!h.sandbox.followUp.notes.get(contact.id)!.some((n) => n.id === created.id));
    assert.equal((await fail('ext-ghl:notes-update', { contactId: contact.id, noteId: created.id, body: 'gone' })).code, 'NOT_FOUND');
    await refused('ext-ghl:notes-create', { contactId: contact.id, body: '  ' }, /empty/);
    await refused('ext-ghl:notes-create', { contactId: contact.id }, /body/);
    await refused('ext-ghl:notes-list', {}, /contactId/);
  });

  it('tags-list answers the location tags; contacts-tags changes GHL, then the cached contact', async () => {
    const tags: ListResult<LocationTag> = await h.data('ext-ghl:tags-list', {});
    assert.ok(tags.items.some((t) => t.name === 'motivated'));
    const contact = contacts()[5]!;
    const updated: Contact = await h.data('ext-ghl:contacts-tags', { id: contact.id, add: ['Motivated', 'follow-up'] });
    assert.ok(updated.tags.includes('motivated') && updated.tags.includes('follow-up'));
    assert.ok(h.sandbox.store.contacts.get(contact.id)!.tags.includes('motivated'));
    const cached: Contact = await h.data('ext-ghl:contacts-get', { id: contact.id });
    assert.deepEqual(cached.tags, updated.tags);
    const removed: Contact = await h.data('ext-ghl:contacts-tags', { id: contact.id, remove: ['follow-up'] });
    assert.ok(!removed.tags.includes('follow-up') && removed.tags.includes('motivated'));
    assert.ok(!h.sandbox.store.contacts.get(contact.id)!.tags.includes('follow-up'));

    h.sandbox.injectFault({ method: 'POST', path: '/contacts/{contactId}/tags', status: 500 });
    assert.equal((await fail('ext-ghl:contacts-tags', { id: contact.id, add: ['broken'] })).code, 'API');
    assert.deepEqual((await h.data<Contact>('ext-ghl:contacts-get', { id: contact.id })).tags, removed.tags, 'a failed write leaves the cache alone');
    await refused('ext-ghl:contacts-tags', { id: contact.id }, /at least one tag/);
    await refused('ext-ghl:contacts-tags', { id: contact.id, add: [''] }, /add/);
  });

  it('contacts-bulk-tags tags many contacts at sync priority, a result per contact, with progress pushes', async () => {
    const ids = contacts().slice(10, 40).map((c) => c.id);
    h.pushes.length = 0;
    const outcome: BulkTagsOutcome = await h.data('ext-ghl:contacts-bulk-tags', { ids: [...ids, 'no-such-contact'], add: ['bulk-run'] });
    assert.equal(outcome.succeeded, 30);
    assert.equal(outcome.failed, 1);
    assert.equal(outcome.results.length, 31);
    assert.deepEqual(outcome.results.at(-1), { id: 'no-such-contact', ok: false, error: 'Not found in GHL: Contact not found' });
    for (const id of ids) assert.ok(h.sandbox.store.contacts.get(id)!.tags.includes('bulk-run'));
    const cached: Contact = await h.data('ext-ghl:contacts-get', { id: ids[0] });
    assert.ok(cached.tags.includes('bulk-run'), 'the cached contacts follow');
    const progress = h.pushes.filter((p) => p.channel === 'ext-ghl:bulk-tags-progress').map((p) => p.payload as { processed: number; finished: boolean });
    assert.equal(progress.length, 32, 'one per contact and one at the end');
    assert.equal(progress.at(-1)!.finished, true);
    await refused('ext-ghl:contacts-bulk-tags', { ids: Array.from({ length: 1001 }, (_, i) => `c${i}`), add: ['x'] }, /1000/);
    await refused('ext-ghl:contacts-bulk-tags', { ids: [], add: ['x'] }, /ids/);
  });

  it('contacts-bulk-tags-cancel stops a run: the rest are reported not done', async () => {
    const ids = contacts().slice(40, 100).map((c) => c.id);
    // The first four calls (one per contact in flight) never answer: the run is surely under way when cancelled.
    h.sandbox.injectFault({ method: 'POST', path: '/contacts/{contactId}/tags', hang: true, times: 4 });
    h.sandbox.resetStats();
    const run = h.backend.request('ext-ghl:contacts-bulk-tags', { ids, remove: ['bulk-run'], add: ['cancel-me'] });
    await pollUntil('four tag calls in flight', () => (h.sandbox.stats.byRoute['POST /contacts/{contactId}/tags'] ?? 0) >= 4);
    assert.deepEqual(await h.data('ext-ghl:contacts-bulk-tags-cancel', {}), { cancelled: true });
    const response = await run;
    assert.ok(response.success);
    const outcome = response.data as BulkTagsOutcome;
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.succeeded, 0);
    assert.equal(outcome.failed, ids.length);
    assert.equal(outcome.results.filter((r) => r.error === 'Cancelled before this contact.').length, ids.length - 4);
    assert.ok(h.sandbox.store.contacts.get(ids.at(-1)!)!.tags.every((t) => t !== 'cancel-me'), 'nothing after the cancel reached GHL');
  });

  it('workflows-list and contacts-workflow add and remove a contact', async () => {
    const workflows: ListResult<Workflow> = await h.data('ext-ghl:workflows-list', {});
    assert.equal(workflows.total, 4);
    const published = workflows.items.find((w) => w.status === 'published')!;
    const draft = workflows.items.find((w) => w.status === 'draft')!;
    const contact = contacts()[7]!;
    await h.data('ext-ghl:contacts-workflow', { id: contact.id, workflowId: published.id, action: 'add' });
    assert.ok(h.sandbox.followUp.enrolled.get(published.id)!.has(contact.id));
    await h.data('ext-ghl:contacts-workflow', { id: contact.id, workflowId: published.id, action: 'remove' });
    assert.ok(!h.sandbox.followUp.enrolled.get(published.id)!.has(contact.id));
    const error = await fail('ext-ghl:contacts-workflow', { id: contact.id, workflowId: draft.id, action: 'add' });
    assert.equal(error.code, 'API');
    assert.match(error.message, /not published/);
    await refused('ext-ghl:contacts-workflow', { id: contact.id, workflowId: published.id, action: 'enroll' }, /action/);
  });

  it('a conversation GHL sends without a name shows the cached contact\'s name', async () => {
    const contact = contacts()[9]!;
    const bare = { id: 'conv-no-name', contactId: contact.id, locationId: h.sandbox.locationId, lastMessageBody: 'hi', lastMessageDate: NOW };
    h.sandbox.injectFault({ method: 'GET', path: '/conversations/search', status: 200, body: { conversations: [bare, { ...bare, id: 'conv-unknown', contactId: 'not-cached' }], total: 2 } });
    const page = await h.data('ext-ghl:convs-list', {});
    assert.equal(page.items[0].contactName, contact.contactName);
    assert.equal(page.items[1].contactName, undefined, 'an unknown contact stays without a name');
    h.sandbox.injectFault({ method: 'GET', path: '/conversations/{conversationId}', status: 200, body: bare });
    assert.equal((await h.data('ext-ghl:convs-get', { id: 'conv-no-name' })).contactName, contact.contactName);
  });
});
