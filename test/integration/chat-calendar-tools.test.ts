// #18: the calendar's chat and agent tools through the real backend and the sandbox: free slots
// and the agenda read; a booking and a move are only proposed (contact, calendar, the time on the
// location's clock and the reader's) until executed; a time that is not free is never proposed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executeWrite, parseToolCall, prepareWrite, runReadTool, type ReadTool, type WriteTool } from '../../src/chat/toolSet';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { channelClient, parseDataBlock } from '../helpers/chatTestKit';
import { NY, seedAppointments } from '../helpers/clockChangeDays';

const at = (iso: string) => Date.parse(iso);

describe('calendar chat tools (#18)', () => {
  let h: Harness;
  const now = at('2026-03-06T17:00:00Z');
  const clock = () => now;
  const ctx = () => ({ client: channelClient(h), now: clock, userTimeZone: 'Europe/Berlin' });
  const parse = (name: string, input: unknown) => {
    const parsed = parseToolCall(name, input);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    return parsed;
  };

  before(async () => {
    h = await startHarness({ sandbox: { locationTimeZone: NY, now: clock, contacts: 20, opportunities: 5, conversations: 1 }, backend: { now: clock } });
    await h.data('ext-ghl:contacts-sync', {});
    seedAppointments(h.sandbox, []);
  });
  after(async () => h.close());

  it('ghl_free_slots lists a calendar\'s slots by day on the location\'s clock', async () => {
    const { tool, input } = parse('ghl_free_slots', { calendar: 'showings', from: '2026-03-09', days: 1 });
    const outcome = await runReadTool(tool as ReadTool, input, ctx());
    assert.ok(outcome.ok, outcome.content);
    const data = parseDataBlock(outcome.content);
    assert.equal(data.calendar.name, 'Showings');
    assert.equal(data.days[0].date, '2026-03-09');
    assert.equal(data.days[0].slots[0], '2026-03-09T09:00:00-04:00');
  });

  it('ghl_book_appointment proposes contact, calendar and both clocks; nothing is booked until it is executed', async () => {
    const contact = [...h.sandbox.store.contacts.values()][0]!;
    const { tool, input } = parse('ghl_book_appointment', { contactId: contact.id, calendar: 'Showings', startTime: '2026-03-09T14:30' });
    const before = h.sandbox.store.events.size;
    const prepared = await prepareWrite(tool as WriteTool, input, ctx());
    assert.ok(prepared.ok, JSON.stringify(prepared));
    if (!prepared.ok) return;
    assert.match(prepared.plan.summary, new RegExp(`with "${contact.contactName}" \\(${contact.id}\\) in "Showings" on Mon, Mar 9, 2:30 PM–3:00 PM \\(7:30 PM–8:00 PM your time\\) \\(America/New_York\\)`));
    assert.equal(h.sandbox.store.events.size, before);
    const done = await executeWrite(tool as WriteTool, prepared.plan, channelClient(h));
    assert.ok(done.ok, done.content);
    const booked = [...h.sandbox.store.events.values()].find((e) => e.contactId === contact.id)!;
    assert.equal(Date.parse(booked.startTime), at('2026-03-09T18:30:00Z'));

    const agenda = await runReadTool(parse('ghl_agenda', { from: '2026-03-09' }).tool as ReadTool, { from: '2026-03-09' }, ctx());
    const rows = parseDataBlock(agenda.content).items;
    assert.deepEqual(rows.map((r: { contact: string; calendar: string }) => [r.contact, r.calendar]), [[contact.contactName, 'Showings']]);
    assert.equal(rows[0].when, '2:30 PM–3:00 PM (7:30 PM–8:00 PM your time)');

    const taken = await prepareWrite(tool as WriteTool, input, ctx());
    assert.equal(taken.ok, false);
    if (!taken.ok) assert.match(taken.outcome.content, /is not a free slot of Showings\. Free times from that day: 2026-03-09T09:00:00-04:00/);
  });

  it('ghl_update_appointment shows the move on both clocks and the status change before it runs', async () => {
    const event = [...h.sandbox.store.events.values()][0]!;
    const { tool, input } = parse('ghl_update_appointment', { eventId: event.id, startTime: '2026-03-10T10:00:00-04:00', status: 'confirmed' });
    const prepared = await prepareWrite(tool as WriteTool, input, ctx());
    assert.ok(prepared.ok, JSON.stringify(prepared));
    if (!prepared.ok) return;
    assert.match(prepared.plan.summary, /move from Mon, Mar 9, 2:30 PM–3:00 PM \(7:30 PM–8:00 PM your time\) \(America\/New_York\) to Tue, Mar 10, 10:00 AM–10:30 AM \(3:00 PM–3:30 PM your time\)/);
    assert.match(prepared.plan.summary, /status confirmed → confirmed|status \w+ → confirmed/);
    assert.equal(Date.parse(h.sandbox.store.events.get(event.id)!.startTime), at('2026-03-09T18:30:00Z'));
    const done = await executeWrite(tool as WriteTool, prepared.plan, channelClient(h));
    assert.ok(done.ok, done.content);
    assert.equal(Date.parse(h.sandbox.store.events.get(event.id)!.startTime), at('2026-03-10T14:00:00Z'));
  });
});
