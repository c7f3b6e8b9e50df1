// #18: free slots, booking and the agenda through createBackend against the GHL sandbox, whose
// calendars have open hours, a slot length and bookings. The weeks New York's clocks change
// (2026-03-08, 2026-11-01) and a location zone other than the machine's: a slot list or a
// booking counted in 24-hour days or in the machine's zone lands an hour (or a day) off.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { machineTimeZone } from '../../src/time/dayWindows';
import { startHarness, type Harness } from '../helpers/backendHarness';
import { NY, seedAppointments } from '../helpers/clockChangeDays';

const at = (iso: string) => Date.parse(iso);
const FREE_SLOTS = 'GET /calendars/{calendarId}/free-slots';
const CREATE = 'POST /calendars/events/appointments';

describe('calendar channels (#18): free slots, booking, agenda', () => {
  let h: Harness;
  let now = at('2026-03-06T17:00:00Z'); // Friday noon EST
  const clock = () => now;
  let showings: string;
  let listings: string;

  before(async () => {
    h = await startHarness({ sandbox: { locationTimeZone: NY, now: clock, contacts: 20, opportunities: 5, conversations: 1 }, backend: { now: clock } });
    showings = h.sandbox.store.calendars[0]!.id;
    listings = h.sandbox.store.calendars[1]!.id;
    await h.data('ext-ghl:contacts-sync', {});
    await h.data('ext-ghl:location-get');
  });
  after(async () => h.close());
  beforeEach(() => {
    h.sandbox.store.location.timezone = NY;
    seedAppointments(h.sandbox, []);
    h.sandbox.resetStats();
  });

  it('lists the spring-forward week on the location\'s clock: EST before the Sunday, EDT after, 16 half hours each weekday', async () => {
    const slots = await h.data('ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-03-07', endDate: '2026-03-10' });
    assert.equal(slots.timeZone, NY);
    assert.deepEqual(slots.days.map((d: { date: string }) => d.date), ['2026-03-07', '2026-03-09']); // no Sunday hours
    assert.equal(slots.days[0].slots[0], '2026-03-07T10:00:00-05:00');
    assert.equal(slots.days[0].slots.length, 8);
    assert.equal(slots.days[1].slots[0], '2026-03-09T09:00:00-04:00');
    assert.equal(slots.days[1].slots.at(-1), '2026-03-09T16:30:00-04:00');
    assert.equal(slots.days[1].slots.length, 16);
    assert.equal(h.sandbox.stats.byRoute[FREE_SLOTS], 1);
  });

  it('lists the fall-back week: EDT on the Saturday, EST on the Monday', async () => {
    now = at('2026-10-30T16:00:00Z');
    const slots = await h.data('ext-ghl:cal-free-slots', { calendarId: listings, startDate: '2026-10-31T00:00', endDate: '2026-11-03T00:00' });
    assert.deepEqual(slots.days.map((d: { date: string }) => d.date), ['2026-11-02']); // listings: weekdays only
    assert.equal(slots.days[0].slots[0], '2026-11-02T10:00:00-05:00');
    assert.equal(slots.days[0].slots.length, 8);
    const showingSlots = await h.data('ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-10-31', endDate: '2026-11-01' });
    assert.equal(showingSlots.days[0].slots[0], '2026-10-31T10:00:00-04:00');
    now = at('2026-03-06T17:00:00Z');
  });

  it('a booked appointment takes its slot out of the list', async () => {
    seedAppointments(h.sandbox, [['Taken', '2026-03-09T14:00:00Z']]); // 10:00 EDT, 30 min
    const slots = await h.data('ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-03-09', endDate: '2026-03-10' });
    assert.ok(!slots.days[0].slots.includes('2026-03-09T10:00:00-04:00'));
    assert.ok(slots.days[0].slots.includes('2026-03-09T10:30:00-04:00'));
    assert.equal(slots.days[0].slots.length, 15);
  });

  it('14 days are one request; 40 days are two, each within GHL\'s 31, and no day is lost or doubled at the seam', async () => {
    const fortnight = await h.data('ext-ghl:cal-free-slots', { calendarId: listings, startDate: now, endDate: now + 14 * 86_400_000 });
    assert.equal(fortnight.requests, 1);
    h.sandbox.resetStats();
    const forty = await h.data('ext-ghl:cal-free-slots', { calendarId: listings, startDate: '2026-03-06', endDate: '2026-04-15' });
    assert.equal(forty.requests, 2);
    assert.equal(h.sandbox.stats.byRoute[FREE_SLOTS], 2);
    const dates = forty.days.map((d: { date: string }) => d.date);
    assert.equal(new Set(dates).size, dates.length);
    assert.equal(dates.at(-1), '2026-04-14');
    assert.equal(dates.length, 28); // 2026-03-06 (Fri) to 2026-04-14 (Tue): 28 weekdays
    for (const day of forty.days) assert.equal(new Set(day.slots).size, day.slots.length);
  });

  it('refuses bad times with VALIDATION and sends nothing', async () => {
    h.sandbox.resetStats();
    const cases: Array<[string, unknown, RegExp]> = [
      ['ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-03-10', endDate: '2026-03-09' }, /endDate must be after startDate/],
      ['ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-02-30', endDate: '2026-03-09' }, /startDate is not a time/],
      ['ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-03-09', endDate: '2026-03-10', timezone: 'Mars/Olympus' }, /timezone is not a known time zone/],
      ['ext-ghl:cal-free-slots', { calendarId: showings, startDate: 'next thursday', endDate: '2026-03-10' }, /epoch ms or ISO 8601/],
      ['ext-ghl:appointments-create', { calendarId: showings, contactId: 'c', startTime: '2026-03-09T10:00', endTime: '2026-03-09T09:00' }, /endTime must be after startTime/],
      ['ext-ghl:appointments-update', { eventId: 'e', data: {} }, /nothing to change/],
      ['ext-ghl:appointments-update', { eventId: 'e', data: { appointmentStatus: 'maybe' } }, /appointmentStatus/],
      ['ext-ghl:cal-agenda', { from: '2026-03-09', to: '2026-03-09' }, /to must be after from/],
    ];
    for (const [channel, payload, message] of cases) {
      const answer = await h.backend.request(channel, payload);
      assert.equal(answer.success, false, channel);
      if (!answer.success) {
        assert.equal(answer.error.code, 'VALIDATION', `${channel}: ${answer.error.message}`);
        assert.match(JSON.stringify(answer.error), message);
      }
    }
    assert.equal(h.sandbox.stats.requests, 0);
  });

  it('books in two requests (slots, create) at a wall-clock time read on the location\'s clock; the agenda and its cache show it', async () => {
    const contact = [...h.sandbox.store.contacts.values()][0]!;
    const slots = await h.data('ext-ghl:cal-free-slots', { calendarId: showings, startDate: now, endDate: now + 14 * 86_400_000 });
    const monday = slots.days.find((d: { date: string }) => d.date === '2026-03-09');
    assert.equal(monday.slots[4], '2026-03-09T11:00:00-04:00');
    const event = await h.data('ext-ghl:appointments-create', { calendarId: showings, contactId: contact.id, startTime: '2026-03-09T11:00', title: 'Walkthrough', notes: 'Bring the lockbox code.' });
    assert.equal(event.startTime, '2026-03-09T11:00:00-04:00');
    assert.equal(event.endTime, '2026-03-09T11:30:00-04:00');
    assert.equal(h.sandbox.stats.byRoute[FREE_SLOTS], 1);
    assert.equal(h.sandbox.stats.byRoute[CREATE], 1);
    const stored = h.sandbox.store.events.get(event.id)!;
    assert.equal(Date.parse(stored.startTime), at('2026-03-09T15:00:00Z'));
    assert.equal(stored.contactId, contact.id);
    assert.equal(stored.notes, 'Bring the lockbox code.');

    const cached = await h.data('ext-ghl:cal-agenda', { from: '2026-03-09', to: '2026-03-10', source: 'cache' });
    assert.deepEqual(cached.items.map((e: { id: string }) => e.id), [event.id]);
    assert.equal(cached.items[0].contactName, contact.contactName);

    seedAppointments(h.sandbox, [['Early', '2026-03-09T13:00:00Z']]);
    h.sandbox.store.events.set(stored.id, stored);
    const agenda = await h.data('ext-ghl:cal-agenda', { from: '2026-03-09', to: '2026-03-10' });
    assert.equal(agenda.fromCache, false);
    assert.equal(agenda.fetchedAt, now);
    assert.equal(agenda.from, '2026-03-09T00:00:00-04:00');
    assert.deepEqual(agenda.items.map((e: { title: string }) => e.title), ['Early', 'Walkthrough']);
    assert.equal(agenda.items[1].calendarName, 'Showings');
    assert.equal(agenda.items[0].startTime, '2026-03-09T09:00:00-04:00');
    const again = await h.data('ext-ghl:cal-agenda', { from: '2026-03-09', to: '2026-03-10', source: 'cache' });
    assert.deepEqual(again.items.map((e: { title: string }) => e.title), ['Early', 'Walkthrough']);
    assert.equal(again.fetchedAt, now);
    assert.equal(again.fromCache, true);
  });

  it('a slot taken between listing and booking: a clear refusal with fresh slots, never a double booking', async () => {
    const contact = [...h.sandbox.store.contacts.values()][1]!;
    const slots = await h.data('ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-03-09', endDate: '2026-03-10' });
    const chosen = slots.days[0].slots[2];
    seedAppointments(h.sandbox, [['Someone else', new Date(Date.parse(chosen)).toISOString()]]);
    const answer = await h.backend.request('ext-ghl:appointments-create', { calendarId: showings, contactId: contact.id, startTime: chosen });
    assert.equal(answer.success, false);
    if (answer.success) return;
    assert.equal(answer.error.code, 'API');
    assert.match(answer.error.message, /is no longer free/);
    const details = answer.error.details as { reason: string; freeSlots: { days: Array<{ slots: string[] }> } };
    assert.equal(details.reason, 'SLOT_TAKEN');
    assert.ok(!details.freeSlots.days.flatMap((d) => d.slots).includes(chosen));
    assert.ok(details.freeSlots.days[0]!.slots.length > 0);
    assert.equal([...h.sandbox.store.events.values()].filter((e) => Date.parse(e.startTime) === Date.parse(chosen)).length, 1);
  });

  it('reschedules, marks showed and deletes; a move onto a taken slot is refused the same way', async () => {
    const contact = [...h.sandbox.store.contacts.values()][2]!;
    const event = await h.data('ext-ghl:appointments-create', { calendarId: showings, contactId: contact.id, startTime: at('2026-03-10T14:00:00Z') });
    const moved = await h.data('ext-ghl:appointments-update', { eventId: event.id, data: { startTime: '2026-03-10T15:00' } });
    assert.equal(moved.startTime, '2026-03-10T15:00:00-04:00');
    assert.equal(moved.endTime, '2026-03-10T15:30:00-04:00');
    const showed = await h.data('ext-ghl:appointments-update', { eventId: event.id, data: { appointmentStatus: 'showed' } });
    assert.equal(showed.appointmentStatus, 'showed');
    await h.data('ext-ghl:appointments-create', { calendarId: showings, contactId: contact.id, startTime: '2026-03-10T16:00' });
    const clash = await h.backend.request('ext-ghl:appointments-update', { eventId: event.id, data: { startTime: '2026-03-10T16:00' } });
    assert.equal(clash.success, false);
    if (!clash.success) assert.equal((clash.error.details as { reason?: string }).reason, 'SLOT_TAKEN');
    assert.deepEqual(await h.data('ext-ghl:appointments-delete', { eventId: event.id }), { eventId: event.id, deleted: true });
    assert.equal(h.sandbox.store.events.has(event.id), false);
    const cached = await h.data('ext-ghl:cal-agenda', { from: '2026-03-10', to: '2026-03-11', source: 'cache' });
    assert.ok(!cached.items.some((e: { id: string }) => e.id === event.id));
  });

  it('GHL down after one good fetch: the agenda answers from the cache, with that fetch\'s time and why it is stale', async () => {
    const EVENTS = 'GET /calendars/events';
    const range = { from: '2026-03-09', to: '2026-03-10', calendarIds: [showings] };
    seedAppointments(h.sandbox, [['Early', '2026-03-09T13:00:00Z'], ['Walkthrough', '2026-03-09T18:00:00Z']]);
    // Retries wait on an injected sleep: GHL's failing every attempt takes no wall-clock time.
    await h.restart({ sleep: async () => undefined });
    const first = now;
    try {
      const live = await h.data('ext-ghl:cal-agenda', range);
      assert.equal(live.fromCache, false);
      assert.equal(live.fetchedAt, first);
      now = first + 3_600_000;
      h.sandbox.resetStats();
      // Every attempt (the first and its 5 retries) answers 503.
      h.sandbox.injectFault({ method: 'GET', path: '/calendars/events', status: 503, times: 6 });
      const stale = await h.data('ext-ghl:cal-agenda', range);
      assert.equal(h.sandbox.stats.byRoute[EVENTS], 6, 'every fault used: none left for the next test');
      assert.equal(stale.fromCache, true);
      assert.equal(stale.fetchedAt, first);
      assert.match(stale.staleReason, /503/);
      assert.deepEqual(stale.items, live.items);
      assert.deepEqual(stale.items.map((e: { title: string }) => e.title), ['Early', 'Walkthrough']);
      assert.equal(stale.from, live.from);
    } finally {
      now = first;
      await h.restart();
    }
  });

  it('a location zone other than the machine\'s: a time without offset is Kolkata\'s, and so are the days', async () => {
    const zone = 'Asia/Kolkata';
    assert.notEqual(machineTimeZone(), zone);
    h.sandbox.store.location.timezone = zone;
    await h.data('ext-ghl:connection-test');
    const contact = [...h.sandbox.store.contacts.values()][3]!;
    const slots = await h.data('ext-ghl:cal-free-slots', { calendarId: showings, startDate: '2026-03-09', endDate: '2026-03-10' });
    assert.equal(slots.timeZone, zone);
    assert.equal(slots.days[0].date, '2026-03-09');
    assert.equal(slots.days[0].slots[0], '2026-03-09T09:00:00+05:30');
    const event = await h.data('ext-ghl:appointments-create', { calendarId: showings, contactId: contact.id, startTime: '2026-03-09T09:30' });
    assert.equal(event.startTime, '2026-03-09T09:30:00+05:30');
    assert.equal(h.sandbox.store.events.get(event.id)!.startTime, '2026-03-09T04:00:00.000Z');
    h.sandbox.store.location.timezone = NY;
    await h.data('ext-ghl:connection-test');
  });
});
