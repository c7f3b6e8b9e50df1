// #18 in the real UI: the Calendar view (Today / Tomorrow / This week / Next week, each row with
// its time, contact and calendar), Book Appointment… in three keystrokes (calendar, slot, title:
// Enter, Enter, Enter) with the sandbox then holding the appointment at the chosen time, and a
// reminder firing for an appointment within the reminder lead; Add Note… from an appointment row's
// context menu notes its contact.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bridge, parts } from './bridge';
import { call, canRun, readExtensionLog, readRows, clearNotifications, control, ensureConfiguredAndSynced, pane, poll, showSidebar, waitForNotification } from './ghl';

const SLOT_ROW = `${parts.quickInput} .monaco-list-row:has-text(" · ")`;

/** Waits for the quick input of this step (its title), so a key never lands in the previous step's list. */
async function step(title: RegExp): Promise<void> {
  await poll(`the quick input "${title.source}"`, () => bridge.text(`${parts.quickInput} .quick-input-title`).catch(() => ''), (t) => title.test(t.trim()));
}

describe('GHL: calendar (#18)', () => {
  before(async function () {
    if (!canRun()) this.skip();
    await ensureConfiguredAndSynced();
    await vscode.workspace.getConfiguration().update('ghl.calendar.reminderMinutes', 0, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update('ghl.calendar.reminderMinutes', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await clearNotifications();
  });

  it('the Calendar view lists today\'s appointments with time, contact and calendar, and the weeks ahead', async () => {
    await showSidebar();
    await vscode.commands.executeCommand('ghl.calendar.focus');
    await bridge.waitFor(pane('Calendar'));
    await vscode.commands.executeCommand('ghl.calendar.refresh');
    // A figure, not a bound: the first paint from the cached agenda, as the extension logged it.
    const painted = await poll('the view\'s paint from the cache in the log', () => readExtensionLog().match(/Calendar view: the cached agenda in ([\d.]+) ms, GHL's in (\d+) ms \((\d+) appointments\)/g), (m) => Boolean(m?.length));
    console.log(`      figure: ${painted!.at(-1)}`);
    const location = await call('ext-ghl:location-get', {});
    const rows = await poll('the Calendar view\'s sections and today\'s rows', () => readRows('Calendar'), (rs) => rs.some((r) => r.label === 'Today') && rs.some((r) => r.level === 2));
    // The list is virtualised: rows out of sight are not rendered, but each top row knows how many there are.
    const top = rows.filter((r) => r.level === 1);
    assert.deepEqual(top.slice(0, 2).map((r) => r.label), ['Today', 'Tomorrow']);
    assert.ok(top[0]!.setsize === 3 || top[0]!.setsize === 4, `Today, Tomorrow, (This week,) Next week: ${top[0]!.setsize}`);
    const today = rows.filter((r) => r.level === 2);
    // The sandbox books two appointments a calendar for today.
    assert.ok(today.length >= 2, JSON.stringify(rows));
    for (const row of today) {
      assert.match(row.label, /^\d{1,2}:\d{2} (AM|PM) {2}.+/);
      assert.match(row.description, /Showings|Listing Appointments/);
    }
    const agenda = await call('ext-ghl:cal-agenda', { from: Date.now() - 86_400_000, to: Date.now() + 86_400_000, source: 'cache' });
    const named = agenda.items.find((e: { contactName?: string }) => e.contactName);
    assert.ok(named, 'the cached agenda has contact names');
    assert.equal(agenda.timeZone, location.timeZone);
    // The screenshot (docs/images/calendar-view.png) with the other views folded, then unfolded as they were.
    const others = ['Contacts', 'Pipelines', 'Conversations'];
    const expanded = async (name: string) => (await bridge.evaluate<string | null>(`(root) => root.querySelector('.pane-header')?.getAttribute('aria-expanded') ?? null`, { selector: pane(name) })) === 'true';
    const folded: string[] = [];
    for (const name of others) {
      if (!(await expanded(name))) continue;
      await bridge.click(`${pane(name)} .pane-header`);
      folded.push(name);
    }
    await poll('the Calendar view with room for its rows', () => readRows('Calendar'), (rs) => rs.some((r) => r.label === 'Next week'));
    await bridge.moveMouse(900, 500);
    await bridge.screenshot('calendar-view', { selector: parts.sidebar });
    for (const name of folded) await bridge.click(`${pane(name)} .pane-header`);
  });

  it('Add Note… in an appointment row\'s context menu adds the note to that appointment\'s contact', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('ghl.calendar.focus');
    const agenda = await call('ext-ghl:cal-agenda', { from: Date.now() - 86_400_000, to: Date.now() + 7 * 86_400_000, source: 'cache' });
    type Event = { contactId?: string; contactName?: string; title?: string };
    const withContact = agenda.items.filter((e: Event) => e.contactId && e.contactName);
    // A rendered appointment row whose contact and title belong to exactly one contact, so the note's owner is known.
    const rows = await poll('an appointment row with a contact', () => readRows('Calendar'), (rs) =>
      rs.some((r) => r.level === 2 && withContact.some((e: Event) => r.label.includes(`  ${e.contactName} — `))));
    const row = rows.find((r) => r.level === 2 && new Set(withContact.filter((e: Event) => r.label.includes(`  ${e.contactName} — `)).map((e: Event) => e.contactId)).size === 1)!;
    assert.ok(row, JSON.stringify(rows));
    const contactId: string = withContact.find((e: Event) => row.label.includes(`  ${e.contactName} — `)).contactId;
    const body = `Calendar note ${row.index}-${(await control.notes(contactId)).notes.length}: seller wants the walkthrough moved earlier`;
    await bridge.moveMouse(900, 500);
    await bridge.click(`${pane('Calendar')} .monaco-list-row[data-index="${row.index}"]`, { button: 'right' });
    // The menu ignores a click that lands right after it opened (the right button's release): hover the item, then Enter.
    const item = '.context-view .action-item:has(.action-label:has-text("Add Note…"))';
    await bridge.hover(item);
    await poll('Add Note… focused in the context menu', () => bridge.count(`${item}.focused`), (n) => n === 1);
    await bridge.press('Enter');
    await step(/^Add Note — /);
    await bridge.type(body);
    await bridge.press('Enter');
    const notes = await poll('the note on the appointment\'s contact in the sandbox', () => control.notes(contactId), (n) => n.notes.some((x) => x.body === body));
    assert.ok(notes.notes.some((x) => x.body === body));
  });

  it('Book Appointment… books in three keystrokes: the sandbox holds the appointment at the chosen slot', async function () {
    this.timeout(60_000);
    const { items } = await call('ext-ghl:contacts-list', { limit: 3 });
    const contact = items[2];
    const before = await control.events();
    const command = vscode.commands.executeCommand('ghl.bookAppointment', contact.id);
    // 1: the calendar (the last one used comes first).
    await step(/^Book Appointment: calendar$/);
    await bridge.waitFor(`${parts.quickInput} .monaco-list-row`);
    const calendarName = (await bridge.text(`${parts.quickInput} .monaco-list-row[data-index="0"] .label-name`)).trim();
    await bridge.press('Enter');
    // 2: the first free slot is selected.
    await step(/^Book with /);
    await bridge.waitFor(SLOT_ROW);
    const chosen = (await bridge.text(`${parts.quickInput} .monaco-list-row.focused .label-name`)).trim();
    assert.match(chosen, /^\w{3} \w{3} \d{1,2} · \d{1,2}:\d{2} (AM|PM)$/);
    await bridge.screenshot('calendar-slot-picker', { selector: parts.quickInput });
    await bridge.press('Enter');
    // 3: the title, prefilled; Enter books.
    await poll('the title box', () => bridge.evaluate<string>(`() => document.querySelector('.quick-input-widget input')?.value ?? ''`), (v) => v.startsWith('Walkthrough — '));
    await bridge.press('Enter');
    await command;
    const after = await poll('the new appointment in the sandbox', () => control.events(), (es) => es.length === before.length + 1);
    const created = after.find((e) => !before.some((b) => b.id === e.id))!;
    assert.equal(created.contactId, contact.id);
    const calendars = await call('ext-ghl:cals-list', {});
    assert.equal(calendars.items.find((c: { id: string }) => c.id === created.calendarId)?.name, calendarName);
    // The slot's label, on the location's clock, is the sandbox's start.
    const location = await call('ext-ghl:location-get', {});
    const start = Date.parse(created.startTime);
    const day = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: location.timeZone }).format(start).replace(',', '');
    const clock = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone: location.timeZone }).format(start);
    assert.equal(chosen, `${day} · ${clock}`);
    await waitForNotification('the booking', /^Booked: Walkthrough — /);
  });

  it('Reschedule… moves an appointment to the slot picked (one Enter) and Mark Showed sets its status; the status bar shows what is next', async function () {
    this.timeout(30_000);
    const { items } = await call('ext-ghl:contacts-list', { limit: 5 });
    const calendars = await call('ext-ghl:cals-list', {});
    const calendarId = calendars.items[1].id;
    const slots = await call('ext-ghl:cal-free-slots', { calendarId, startDate: Date.now(), endDate: Date.now() + 14 * 86_400_000 });
    const all = slots.days.flatMap((d: { slots: string[] }) => d.slots);
    const booked = await call('ext-ghl:appointments-create', { calendarId, contactId: items[4].id, startTime: all[all.length - 1], title: 'Reschedule probe' });
    const command = vscode.commands.executeCommand('ghl.calendar.reschedule', booked.id);
    await step(/^Reschedule Reschedule probe/);
    await bridge.waitFor(SLOT_ROW);
    await bridge.press('Enter');
    await command;
    const moved = (await control.events()).find((e) => e.id === booked.id)!;
    assert.equal(Date.parse(moved.startTime), Date.parse(all[0]), 'moved to the first free slot');
    await vscode.commands.executeCommand('ghl.calendar.markShowed', booked.id);
    assert.equal((await control.events()).find((e) => e.id === booked.id)!.appointmentStatus, 'showed');
    const status = await poll('the next appointment in the status bar', () => bridge.text('[id="ghl-vscode.ghl-vscode.ghl-calendar-next"]').catch(() => ''), (t) => /\d{1,2}:\d{2} (AM|PM) \S/.test(t));
    assert.match(status, /\d{1,2}:\d{2} (AM|PM) \S/);
  });

  it('from a deal card\'s context menu the title names the deal; Escape books nothing', async function () {
    this.timeout(30_000);
    const { items } = await call('ext-ghl:opps-list', { limit: 1, status: 'open' });
    const deal = items.find((o: { contactId?: string }) => o.contactId) ?? items[0];
    const before = await control.events();
    // What VS Code hands the command from the board's webview/context menu (the card's data-vscode-context).
    const command = vscode.commands.executeCommand('ghl.bookAppointment', {
      webview: 'ghl-workspace', webviewSection: 'dealCard', contactId: deal.contactId, contactName: deal.contactName ?? deal.name, dealName: deal.name,
    });
    await step(/^Book Appointment: calendar$/);
    await bridge.waitFor(`${parts.quickInput} .monaco-list-row`);
    await bridge.press('Enter');
    await step(/^Book with /);
    await bridge.waitFor(SLOT_ROW);
    await bridge.press('Enter');
    const title = await poll('the title box', () => bridge.evaluate<string>(`() => document.querySelector('.quick-input-widget input')?.value ?? ''`), (v) => v.startsWith('Walkthrough — '));
    assert.equal(title, `Walkthrough — ${deal.name}`);
    await bridge.press('Escape');
    await command;
    assert.equal((await control.events()).length, before.length);
  });

  it('a reminder fires for an appointment within the reminder lead, with its contact', async () => {
    await clearNotifications();
    // Every appointment of the next day is within 1440 minutes: the next one's reminder is due at once.
    await vscode.workspace.getConfiguration().update('ghl.calendar.reminderMinutes', 1440, vscode.ConfigurationTarget.Global);
    const text = await waitForNotification('a reminder', /^In \d+ min: /);
    assert.match(text, /^In \d+ min: .+/);
  });
});
