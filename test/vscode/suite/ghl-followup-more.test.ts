// #17 (the rest): the Contacts view and the board filtered by a tag, board-card follow-ups and task reminders, in real VS Code against the sandbox.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';
import type { Opportunity, Pipeline } from '../../../src/protocol/entities';
import type { BackendHost } from '../../../src/vscode/backendHost';
import { REVIVE_BOARD_TEST_COMMAND } from '../../../src/vscode/boardPanel';
import { ContactNode, ContactsTreeProvider, CONTACTS_TAG_FILTER_KEY } from '../../../src/vscode/contactsTree';
import { call, canRun, clearNotifications, control, ensureConfiguredAndSynced, notificationTexts, pane, poll, readRows, showSidebar, testHandle, waitForNotification } from './ghl';

const CONTACTS = 'Contacts';
const BOARD = 'Opportunities';

interface BoardView {
  tag: string;
  cards: string[];
  counts: number[];
}

function readBoard(): Promise<BoardView> {
  return bridge.evaluate<BoardView>(
    `() => ({
      tag: document.querySelector('[data-testid="board-tag-filter"]')?.value ?? '',
      cards: [...document.querySelectorAll('[data-testid="board-card"]')].map((e) => e.dataset.oppId),
      counts: [...document.querySelectorAll('[data-testid="board-column-count"]')].map((e) => Number(e.textContent.replace(/,/g, ''))),
    })`,
    { webview: BOARD },
  );
}

const tabLabels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));

interface ContactRow {
  id: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
}

/** The row label the Contacts view gives a contact (contactsTree.ts's contactLabel). */
const label = (c: ContactRow) => c.name?.trim() || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '(no name)';

/** The board open on the first pipeline, and the deal of its first card that has a contact. */
async function firstBoardCardWithContact(): Promise<Opportunity & { contactId: string }> {
  const pipelines = await call<{ items: Pipeline[] }>('ext-ghl:pipelines-list', {});
  await vscode.commands.executeCommand('ghl.openBoard', pipelines.items[0]!.id);
  const board = await poll('the board with cards', readBoard, (b) => b.cards.length > 0);
  for (const id of board.cards) {
    const opp = await call<Opportunity>('ext-ghl:opps-get', { id });
    if (opp.contactId) return { ...opp, contactId: opp.contactId };
  }
  assert.fail('no card on the board has a contact');
}

describe('GHL: tag filter, board cards and reminders (#17)', () => {
  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    await showSidebar();
    await vscode.commands.executeCommand('ghl.clearContactsTagFilter');
  });
  after(async () => {
    await vscode.commands.executeCommand('ghl.clearContactsTagFilter');
  });

  it('Filter by Tag… picks a location tag; the Contacts view shows only those contacts and says so; Clear Tag Filter shows all again', async function () {
    this.timeout(60_000);
    const all = await call<{ total: number }>('ext-ghl:contacts-list', { limit: 1 });
    const tags = await call<{ items: Array<{ name: string }>; fromCache: boolean }>('ext-ghl:tags-list', {});
    assert.equal(tags.fromCache, false);
    // A tag some contacts have and most do not.
    let tag = '';
    let expected: { items: ContactRow[]; total: number } = { items: [], total: 0 };
    for (const t of tags.items) {
      const page = await call<{ items: ContactRow[]; total: number }>('ext-ghl:contacts-list', { tag: t.name, limit: 5 });
      if (page.total > 0 && page.total < all.total) {
        tag = t.name;
        expected = page;
        break;
      }
    }
    assert.ok(tag, 'the sandbox has a tag on some contacts');
    assert.ok(expected.items.every((c) => c.tags.includes(tag)));

    const input = `${parts.quickInput} input`;
    const filtering = vscode.commands.executeCommand('ghl.filterContactsByTag');
    await poll('the tag pick lists the tag', () => bridge.text(parts.quickInput), (t) => t.includes(tag));
    await bridge.type(tag, { selector: input });
    await poll('the typed tag on top', () => bridge.text(`${parts.quickInput} .monaco-list-row.focused`), (t) => t.includes(tag));
    await bridge.press('Enter', { selector: input });
    await filtering;

    const header = () => bridge.text(`${pane(CONTACTS)} .pane-header`);
    await poll('the view describes the filter', header, (t) => t.includes(`tag: ${tag}`) && t.includes(expected.total.toLocaleString('en-US')));
    const firstLabels = expected.items.slice(0, 3).map(label);
    const rows = await poll('only the tagged contacts in the view', () => readRows(CONTACTS), (rs) => firstLabels.every((l, i) => rs[i]?.label === l));
    // Every row shown is a tagged contact (and "Load more…" at most).
    const tagged = await call<{ items: ContactRow[] }>('ext-ghl:contacts-list', { tag, limit: 500 });
    const names = new Set(tagged.items.map(label));
    assert.ok(rows.every((r) => names.has(r.label) || r.label.startsWith('Load more')), `untagged rows: ${rows.filter((r) => !names.has(r.label)).map((r) => r.label).join(', ')}`);
    await bridge.screenshot('contacts-tag-filter', { selector: parts.sidebar });

    // The title bar's Clear Tag Filter (shown only while a tag filters the view).
    const clear = `${pane(CONTACTS)} .pane-header .action-label[aria-label="Clear Tag Filter"]`;
    await bridge.hover(`${pane(CONTACTS)} .pane-header`);
    await bridge.click(clear);
    await poll('the filter gone from the description', header, (t) => !t.includes('tag:') && t.includes(all.total.toLocaleString('en-US')));
    await poll('the Clear Tag Filter action gone', () => bridge.count(clear), (n) => n === 0);
  });

  it('the tag filter survives a reload: a Contacts view started over the same workspace state shows the same contacts', async function () {
    this.timeout(30_000);
    // The extension's workspace state, as a reloaded window finds it (a plain Memento over a map).
    const stored = new Map<string, unknown>();
    const memento: vscode.Memento = {
      keys: () => [...stored.keys()],
      get: <T>(key: string, fallback?: T) => (stored.has(key) ? (stored.get(key) as T) : fallback),
      update: async (key: string, value: unknown) => void (value === undefined ? stored.delete(key) : stored.set(key, value)),
    };
    // The provider only sends requests: the Test-mode handle's, the same backend the view uses.
    const handle = await testHandle();
    const host = { request: (channel: string, payload: unknown) => handle.request(channel, payload) } as unknown as BackendHost;
    const tags = await call<{ items: Array<{ name: string }> }>('ext-ghl:tags-list', {});
    const tag = tags.items[0]!.name;
    const expected = await call<{ items: ContactRow[]; total: number }>('ext-ghl:contacts-list', { tag, limit: 200 });
    assert.ok(expected.total > 0);
    const before = new ContactsTreeProvider(host, () => undefined, memento);
    try {
      await before.setTagFilter(`  ${tag.toUpperCase()} `);
      assert.equal(memento.get(CONTACTS_TAG_FILTER_KEY), tag, 'kept as GHL keeps tags');
      const reloaded = new ContactsTreeProvider(host, () => undefined, memento);
      try {
        assert.equal(reloaded.tagFilter, tag);
        const nodes = await reloaded.getChildren();
        const ids = nodes.filter((n): n is ContactNode => n instanceof ContactNode).map((n) => n.contact.id);
        assert.deepEqual(ids, expected.items.map((c) => c.id));
      } finally {
        reloaded.dispose();
      }
      await before.setTagFilter('');
      assert.equal(memento.get(CONTACTS_TAG_FILTER_KEY), undefined, 'cleared, nothing kept');
      const cleared = new ContactsTreeProvider(host, () => undefined, memento);
      assert.equal(cleared.tagFilter, '');
      cleared.dispose();
    } finally {
      before.dispose();
      // The providers set the view's context key: the real view has no tag filter.
      await vscode.commands.executeCommand('ghl.clearContactsTagFilter');
    }
  });

  it('a tag the location does not use shows an empty view with a way back', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('ghl.filterContactsByTag', 'no-contact-has-this-tag');
    await poll('the empty message', () => bridge.text(pane(CONTACTS)), (t) => t.includes('No cached contact is tagged "no-contact-has-this-tag"'));
    await vscode.commands.executeCommand('ghl.clearContactsTagFilter');
    await poll('contacts again', () => readRows(CONTACTS), (rs) => rs.length > 3);
  });

  it('the board filters by the contact\'s tag and comes back with it (the host\'s restore of the saved state)', async function () {
    this.timeout(60_000);
    const pipelines = await call<{ items: Pipeline[] }>('ext-ghl:pipelines-list', {});
    // A pipeline and a tag some of its deals' contacts carry, not all.
    let target: { pipeline: Pipeline; tag: string; deals: Opportunity[]; all: number } | undefined;
    const tags = await call<{ items: Array<{ name: string }> }>('ext-ghl:tags-list', {});
    for (const pipeline of pipelines.items) {
      const all = await call<{ total: number }>('ext-ghl:opps-list', { pipelineId: pipeline.id, limit: 1 });
      for (const t of tags.items) {
        const deals = await call<{ items: Opportunity[]; total: number }>('ext-ghl:opps-list', { pipelineId: pipeline.id, contactTag: t.name, limit: 500 });
        if (deals.total > 0 && deals.total < all.total && deals.total <= 150) {
          target = { pipeline, tag: t.name, deals: deals.items, all: all.total };
          break;
        }
      }
      if (target) break;
    }
    assert.ok(target, 'the sandbox has a tag on the contacts of some deals');
    await vscode.commands.executeCommand('ghl.openBoard', target.pipeline.id);
    await poll('the board with every deal', readBoard, (b) => b.counts.reduce((x, y) => x + y, 0) === target.all && b.tag !== '');
    // Pick the tag as the select does (a change event).
    await bridge.evaluate(`(el) => { el.value = ${JSON.stringify(target.tag)}; el.dispatchEvent(new Event('change', { bubbles: true })); }`, {
      selector: '[data-testid="board-tag-filter"]',
      webview: BOARD,
    });
    const expected = target.deals.map((d) => d.id).sort();
    await poll('only the deals of tagged contacts', readBoard, (b) => b.tag === target.tag && b.cards.slice().sort().join() === expected.join());

    // Closed and brought back by VS Code with the state the page saved (as on a window reload).
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await poll('the board tab to close', tabLabels, (labels) => !labels.includes(BOARD));
    await vscode.commands.executeCommand(REVIVE_BOARD_TEST_COMMAND, { pipelineId: target.pipeline.id, filter: 'all', tag: target.tag });
    const restored = await poll('the restored board, still filtered', readBoard, (b) => b.tag === target.tag && b.cards.slice().sort().join() === expected.join(), 15_000);
    assert.equal(restored.counts.reduce((x, y) => x + y, 0), expected.length);
    // Leave the board as the other suites expect it: every contact.
    await bridge.evaluate(`(el) => { el.value = ' all'; el.dispatchEvent(new Event('change', { bubbles: true })); }`, {
      selector: '[data-testid="board-tag-filter"]',
      webview: BOARD,
    });
    await poll('every deal again', readBoard, (b) => b.counts.reduce((x, y) => x + y, 0) === target.all);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Add Note… on a board card (its context menu) writes the note to the card\'s contact in GHL', async function () {
    this.timeout(60_000);
    const deal = await firstBoardCardWithContact();
    const card = `[data-opp-id="${deal.id}"]`;
    await bridge.click(card, { webview: BOARD, button: 'right', position: { x: 12, y: 8 } });
    const item = (label: string) => `.context-view .action-item:has(.action-label:has-text("${label}"))`;
    await bridge.waitFor(item('New Task…'));
    await bridge.waitFor(item('Add Note…'));
    await bridge.screenshot('board-card-menu', { selector: parts.editor });
    await bridge.click(item('Add Note…'));
    const input = `${parts.quickInput} input`;
    await poll('the note box names the contact', () => bridge.text(parts.quickInput), (t) => t.includes('Add Note'));
    const text = `Board card note ${deal.id}: seller wants a call Thursday.`;
    await bridge.type(text, { selector: input });
    await bridge.press('Enter', { selector: input });
    await poll('the note in the sandbox, on the card\'s contact', () => control.notes(deal.contactId!), (n) => n.notes.some((x) => x.body === text), 15_000);
  });

  it('New Task… from a board card\'s button runs the New Task flow for the card\'s contact', async function () {
    this.timeout(60_000);
    const deal = await firstBoardCardWithContact();
    const contact = await call<ContactRow>('ext-ghl:contacts-get', { id: deal.contactId });
    await bridge.click(`[data-opp-id="${deal.id}"] [data-testid="card-new-task"]`, { webview: BOARD });
    // The one New Task flow: its first step names the card's contact.
    await poll('New Task for the card\'s contact', () => bridge.text(parts.quickInput), (t) => t.includes(`New task for ${label(contact)} (1/3)`));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a task falling due raises one reminder (Open Contact / Complete / Snooze 1 h), none for a completed task; Complete completes it in GHL', async function () {
    this.timeout(60_000);
    const reminders = (await testHandle()).taskReminders;
    assert.ok(reminders, 'the Test-mode handle drives the task reminders');
    await vscode.workspace.getConfiguration().update('ghl.tasks.remindersEnabled', true, vscode.ConfigurationTarget.Global);
    await clearNotifications();
    const HOUR = 3_600_000;
    // The reminders' own clock (set at activation), moved by the test: no sleep, no wall clock.
    const start = reminders.now();
    const contact = (await call<{ items: ContactRow[] }>('ext-ghl:contacts-list', { limit: 8 })).items[7]!;
    const dueAt = start + 2 * HOUR;
    const openTitle = `Reminder probe: call back ${start}`;
    const doneTitle = `Reminder probe: already done ${start}`;
    const open = await call<{ id: string }>('ext-ghl:tasks-create', { contactId: contact.id, title: openTitle, dueDate: dueAt });
    const done = await call<{ id: string }>('ext-ghl:tasks-create', { contactId: contact.id, title: doneTitle, dueDate: dueAt });
    await call('ext-ghl:tasks-complete', { contactId: contact.id, taskId: done.id, completed: true });
    const probes = (texts: string[]) => texts.filter((t) => t.includes('Reminder probe'));

    // An hour before: not due, no reminder.
    reminders.setNow(start + HOUR);
    await reminders.check();
    assert.deepEqual(probes(await notificationTexts()), [], 'nothing before it is due');

    // A minute after it fell due: one reminder, for the open task only.
    reminders.setNow(dueAt + 60_000);
    const raised = await reminders.check();
    assert.ok(raised >= 1, `a reminder raised (${raised})`);
    const text = await waitForNotification('the reminder of the open task', `Task due: "${openTitle}"`);
    assert.ok(text.includes(label(contact)), `the reminder names the contact: ${text}`);
    // Later looks (the timer's) raise no second one.
    for (const later of [dueAt + 2 * 60_000, dueAt + 30 * 60_000]) {
      reminders.setNow(later);
      await reminders.check();
    }
    assert.deepEqual(probes(await notificationTexts()), [`Task due: "${openTitle}" — ${label(contact)}`], 'one reminder, none for the completed task');

    // Its buttons, as the notification center shows them; Complete completes the task in GHL.
    await vscode.commands.executeCommand('notifications.showList');
    const item = `.notifications-center .notification-list-item:has(.notification-list-item-message:has-text("${openTitle}"))`;
    try {
      await bridge.waitFor(item);
      await bridge.click(item);
      const buttons = await poll('the reminder\'s buttons', () => bridge.evaluate<string[]>(`(el) => [...el.querySelectorAll('.monaco-button')].map((b) => b.textContent.trim())`, { selector: item }), (b) => b.length === 3);
      assert.deepEqual(buttons, ['Open Contact', 'Complete', 'Snooze 1 h']);
      await bridge.screenshot('tasks-reminder', { selector: '.notifications-center' });
      await bridge.click(`${item} .monaco-button:has-text("Complete")`);
    } finally {
      await vscode.commands.executeCommand('notifications.hideList');
    }
    await poll('the task completed in the sandbox', () => control.task(open.id), (t) => t.completed === true, 10_000);
    await clearNotifications();
    await vscode.workspace.getConfiguration().update('ghl.tasks.remindersEnabled', undefined, vscode.ConfigurationTarget.Global);
  });
});
