// #17: the follow-up loop in real VS Code against the sandbox: the Tasks view and its checkbox,
// a new task typed as people say it, a note, a bulk tag of a multi-selection and a workflow add.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';
import { call, canRun, clickRow, control, ensureConfiguredAndSynced, pane, poll, readRows, showSidebar, waitForNotification } from './ghl';

const TASKS = 'Tasks';
const CONTACTS = 'Contacts';

describe('GHL: tasks, notes, tags and workflows', () => {
  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    await call('ext-ghl:tasks-sync', {});
    await showSidebar();
    // The other views collapsed, so the Tasks view has the room to show its groups.
    await vscode.commands.executeCommand('ghl.tasks.focus');
    await bridge.waitFor(pane(TASKS));
  });

  it('the Tasks view groups the tasks; a checkbox completes one in GHL', async function () {
    this.timeout(60_000);
    const open = await call('ext-ghl:tasks-list', { limit: 1000 });
    assert.ok(open.total > 0, 'the sandbox seeds open tasks');
    // The first group is Overdue, one of five top rows (the others are below the fold of a small pane).
    const rows = await poll('the Overdue group', () => readRows(TASKS), (rs) => rs.some((r) => r.label === 'Overdue' && r.level === 1 && r.setsize === 5));
    const overdueRow = rows.find((r) => r.label === 'Overdue')!;
    const overdueCount = Number(overdueRow.description);
    assert.ok(overdueCount > 0, 'the sandbox seeds overdue tasks');
    // The first overdue task is the longest overdue one (the cache's order).
    const first = open.items[0];
    const taskRow = await poll('the first overdue task row', () => readRows(TASKS), (rs) => rs.some((r) => r.label === first.title && r.level === 2));
    // For the README: the other views collapsed (a click on a pane header toggles it), then back as they were.
    const headers = ['Contacts', 'Pipelines', 'Conversations'].map((name) => `${pane(name)} > .pane-header`);
    for (const header of headers) await bridge.click(header);
    await poll('the Tasks view with room', () => readRows(TASKS), (rs) => rs.some((r) => r.label === 'Today'));
    await bridge.screenshot('tasks-view', { selector: parts.sidebar });
    for (const header of headers) await bridge.click(header);
    const index = taskRow.find((r) => r.label === first.title && r.level === 2)!.index;
    await bridge.moveMouse(900, 500);
    await bridge.click(`${pane(TASKS)} .monaco-list-row[data-index="${index}"] .custom-view-tree-node-item-checkbox`);
    await poll('the task completed in the sandbox', () => control.task(first.id), (t) => t.completed === true, 10_000);
    // The cache follows once GHL's answer is back (the sandbox holds the change a moment before).
    await poll('the task completed in the cache', () => call('ext-ghl:tasks-list', { status: 'completed', contactId: first.contactId }), (r) => r.items.some((t: { id: string }) => t.id === first.id));
    await poll('one fewer overdue', () => readRows(TASKS), (rs) => rs.some((r) => r.label === 'Overdue' && Number(r.description) === overdueCount - 1));
  });

  it('New Task reads "tomorrow 9am" and shows the date back before saving', async function () {
    this.timeout(60_000);
    const contact = (await call('ext-ghl:contacts-list', { limit: 3 })).items[2];
    const input = `${parts.quickInput} input`;
    const creating = vscode.commands.executeCommand('ghl.newTask', contact.id);
    await bridge.waitFor(input);
    await bridge.type('Call back about the offer', { selector: input });
    await bridge.press('Enter', { selector: input });
    await poll('the due date step', () => bridge.text(parts.quickInput), (t) => t.includes('(2/3)'));
    await bridge.type('tomorrow 9am', { selector: input });
    const shown = await poll('the date shown back', () => bridge.text(parts.quickInput), (t) => /Due \w{3}, \w{3} \d+, \d{4}, 9:00 AM/.test(t));
    assert.match(shown, /Due \w{3}, \w{3} \d+, \d{4}, 9:00 AM/);
    await bridge.screenshot('tasks-new-task', { selector: parts.quickInput });
    await bridge.press('Enter', { selector: input });
    await poll('the note step', () => bridge.text(parts.quickInput), (t) => t.includes('(3/3)'));
    await bridge.press('Enter', { selector: input });
    await creating;
    const tasks = await call('ext-ghl:tasks-list', { contactId: contact.id, query: 'Call back about the offer' });
    const created = tasks.items.find((t: { title: string }) => t.title === 'Call back about the offer');
    assert.ok(created, 'the task is cached');
    const inGhl = await control.task(created.id);
    assert.equal(inGhl.completed, false);
    const location = await call('ext-ghl:location-get', {});
    const hour = new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone: location.timeZone }).format(Date.parse(inGhl.dueDate));
    assert.equal(Number(hour), 9, "9 AM on the location's clock");
  });

  it('Add Note writes the note in GHL and the contact details show it, newest first', async function () {
    this.timeout(60_000);
    const contact = (await call('ext-ghl:contacts-list', { limit: 4 })).items[3];
    const text = 'Seller is motivated: relocating, wants to close in 30 days. <b>not bold</b>';
    await vscode.commands.executeCommand('ghl.addNote', contact.id, text);
    const notes = await poll('the note in the sandbox', () => control.notes(contact.id), (n) => n.notes.some((x) => x.body === text));
    assert.ok(notes.notes.some((x) => x.body === text));
    const showing = vscode.commands.executeCommand('ghl.showContact');
    const input = `${parts.quickInput} input`;
    await bridge.waitFor(input);
    await bridge.type(contact.email ?? contact.name, { selector: input });
    // The search answers as one types: wait for its answer, the one row of that contact.
    await poll(
      'the contact alone in the pick',
      () => bridge.evaluate<string[]>(`() => [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')].map((r) => r.textContent ?? '')`),
      (rows) => rows.length === 1 && rows[0]!.includes(contact.email ?? contact.name),
    );
    await bridge.press('Enter', { selector: input });
    await showing;
    // The details document, as rendered from: the note under Notes, its markup escaped.
    const source = await poll(
      'the contact details with the note',
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ghl' && d.uri.path.startsWith(`/contact/${contact.id}/`))?.getText() ?? '',
      (t) => t.includes('## Notes') && t.includes('Seller is motivated'),
    );
    assert.ok(source.includes('\\<b\\>not bold\\</b\\>'), 'CRM text escaped, shown as text');
    const preview = await poll('the rendered notes', () => bridge.text('body', { webview: 'Preview' }).catch(() => ''), (t) => t.includes('Seller is motivated'));
    assert.ok(preview.includes('<b>not bold</b>'), 'the markup shows as text');
    await bridge.screenshot('contact-notes', { selector: parts.editor });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Tag… tags every contact of a multi-selection in GHL', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('ghl.contacts.focus');
    const rows = await poll('contact rows', () => readRows(CONTACTS), (rs) => rs.filter((r) => r.level === 1).length >= 3);
    const [a, b] = rows.filter((r) => r.label && !r.label.startsWith('Load more')).slice(0, 2);
    await clickRow(CONTACTS, a!.label);
    await bridge.click(`${pane(CONTACTS)} .monaco-list-row[data-index="${b!.index}"]`, { modifiers: ['ControlOrMeta'] });
    const selected = await poll('two selected rows', () => bridge.count(`${pane(CONTACTS)} .monaco-list-row.selected`), (n) => n === 2);
    assert.equal(selected, 2);
    // The view tells the extension host of a selection a moment after the page shows it: the
    // command (adding a tag is idempotent) runs until it acts on both.
    await poll(
      'Tag… on both selected contacts',
      async () => {
        let settled = false;
        const tagging = Promise.resolve(vscode.commands.executeCommand('ghl.tagContacts', undefined, undefined, ['suite-bulk'])).finally(() => (settled = true));
        // Before the host has heard of the selection the command asks which contact instead: close
        // that pick (the command then returns) and try again.
        await poll('Tag… done or asking', async () => settled || (await bridge.count(`${parts.quickInput} .monaco-list-row`)) > 0, (done) => done);
        if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        await tagging;
        return (await call('ext-ghl:contacts-list', { limit: 500 })).items.filter((c: { tags: string[] }) => c.tags.includes('suite-bulk')).length;
      },
      (n) => n === 2,
    );
    await waitForNotification('the bulk tag result', 'Tagged 2 contacts "suite-bulk".');
    const tagged = (await call('ext-ghl:contacts-list', { limit: 500 })).items.filter((c: { tags: string[] }) => c.tags.includes('suite-bulk'));
    assert.equal(tagged.length, 2, 'the cache has the tag on both');
    for (const c of tagged) {
      const inGhl = await (await fetch(new URL(`/contact?id=${encodeURIComponent(c.id)}`, process.env.EXT_TEST_SANDBOX_CONTROL))).json();
      assert.ok(inGhl.tags.includes('suite-bulk'), `${c.id} tagged in GHL`);
    }
  });

  it('Add to Workflow… asks, naming the contact and the workflow, then enrolls them', async function () {
    this.timeout(60_000);
    const contact = (await call('ext-ghl:contacts-list', { limit: 6 })).items[5];
    const workflows = await call('ext-ghl:workflows-list', {});
    const target = workflows.items.find((w: { status: string }) => w.status === 'published');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const adding = vscode.commands.executeCommand('ghl.addToWorkflow', contact.id, undefined, target.id);
    const addItem = `${parts.quickInput} .monaco-list-row:has-text("Add")`;
    await bridge.waitFor(addItem);
    const text = await bridge.text(parts.quickInput);
    assert.ok(text.includes(target.name), 'the confirmation names the workflow');
    assert.ok(text.includes(contact.name ?? contact.email), 'and the contact');
    assert.equal((await control.workflow(target.id)).members.includes(contact.id), false, 'nothing before the click');
    await bridge.click(addItem);
    await adding;
    const members = await poll('the contact enrolled', () => control.workflow(target.id), (w) => w.members.includes(contact.id));
    assert.ok(members.members.includes(contact.id));
  });

  it('Add Note… in the conversation panel, after a call, writes the note for its contact', async function () {
    this.timeout(60_000);
    const conversation = (await call('ext-ghl:convs-list', { limit: 3 })).items.find((c: { contactName?: string; fullName?: string }) => c.contactName || c.fullName);
    const title = conversation.contactName ?? conversation.fullName;
    await vscode.commands.executeCommand('ghl.openConversation', conversation.id);
    await bridge.waitFor('[data-testid="add-note"]', { webview: title });
    await bridge.click('[data-testid="add-note"]', { webview: title });
    const input = `${parts.quickInput} input`;
    await bridge.waitFor(input);
    const text = `Called ${title}: wants an offer by Friday.`;
    await bridge.type(text, { selector: input });
    await bridge.press('Enter', { selector: input });
    const notes = await poll('the note in the sandbox', () => control.notes(conversation.contactId), (n) => n.notes.some((x) => x.body === text));
    assert.ok(notes.notes.some((x) => x.body === text));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
